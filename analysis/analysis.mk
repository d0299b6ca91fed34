# analysis/: metrics, scale strategies, fits and search (GSL); a convenience library linked
# into the fmtlab command and the tests.  Uses public headers only.
if BUILD_ANALYSIS
noinst_LTLIBRARIES += libfmtlab_analysis.la
libfmtlab_analysis_la_SOURCES = analysis/metrics.c analysis/scale.c analysis/synthetic.c \
	analysis/fit.c analysis/search.c analysis/scale-impl.h
libfmtlab_analysis_la_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
libfmtlab_analysis_la_LIBADD = $(GSL_LIBS)
noinst_HEADERS += include/fmtlab/metrics.h include/fmtlab/scale.h \
	include/fmtlab/synthetic.h include/fmtlab/fit.h include/fmtlab/search.h

check_PROGRAMS += tests/test_metrics
TESTS += tests/test_metrics
tests_test_metrics_SOURCES = tests/test_metrics.c $(TEST_COMMON_SOURCES)
tests_test_metrics_CFLAGS = $(TEST_COMMON_CFLAGS) $(GSL_CFLAGS)
tests_test_metrics_LDADD = libfmtlab_analysis.la $(TEST_COMMON_LDADD) $(GSL_LIBS)

check_PROGRAMS += tests/test_fit
TESTS += tests/test_fit
tests_test_fit_SOURCES = tests/test_fit.c $(TEST_COMMON_SOURCES)
tests_test_fit_CFLAGS = $(TEST_COMMON_CFLAGS) $(GSL_CFLAGS)
tests_test_fit_LDADD = libfmtlab_analysis.la $(TEST_COMMON_LDADD) $(GSL_LIBS)

check_PROGRAMS += tests/test_search
TESTS += tests/test_search
tests_test_search_SOURCES = tests/test_search.c $(TEST_COMMON_SOURCES)
tests_test_search_CFLAGS = $(TEST_COMMON_CFLAGS) $(GSL_CFLAGS)
tests_test_search_LDADD = libfmtlab_analysis.la $(TEST_COMMON_LDADD) $(GSL_LIBS)

# the tensor commands (they need io/ and analysis/)
fmtlab_SOURCES += cli/tensorcli.h cli/tensorcli.c cli/comparecli.h cli/comparecli.c cli/cmd_tensors.c cli/cmd_compare.c \
	cli/cmd_quantize.c cli/verify_quantize.c cli/cmd_fit.c cli/cmd_search.c
fmtlab_LDADD += libfmtlab_analysis.la libfmtlab.la $(GSL_LIBS)
TESTS += tests/test_compare_cli.sh
# benchmark (not a test): make bench-compare (writes a 1 GiB file under $TMPDIR or /tmp)
endif
# distributed whatever configure found
EXTRA_DIST += doc/compare.md doc/fit.md
EXTRA_DIST += tests/test_compare_cli.sh tests/compare/sqnr_ref.py tests/compare/write_formats.py
EXTRA_DIST += bench/bench_compare.sh
bench-compare: fmtlab$(EXEEXT)
	$(srcdir)/bench/bench_compare.sh ./fmtlab$(EXEEXT)
.PHONY: bench-compare
