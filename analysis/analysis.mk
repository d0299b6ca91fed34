# analysis/: metrics, scale strategies, fits and search (GSL); a convenience library linked
# into the fmtlab command and the tests.  Uses public headers only.
if BUILD_ANALYSIS
noinst_LTLIBRARIES += libfmtlab_analysis.la
libfmtlab_analysis_la_SOURCES = analysis/metrics.c analysis/scale.c analysis/synthetic.c
libfmtlab_analysis_la_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS)
libfmtlab_analysis_la_LIBADD = $(GSL_LIBS)
fmtlabinclude_HEADERS += include/fmtlab/metrics.h include/fmtlab/scale.h \
	include/fmtlab/synthetic.h
EXTRA_DIST += doc/compare.md

check_PROGRAMS += tests/test_metrics
TESTS += tests/test_metrics
tests_test_metrics_SOURCES = tests/test_metrics.c $(TEST_COMMON_SOURCES)
tests_test_metrics_CFLAGS = $(TEST_COMMON_CFLAGS) $(GSL_CFLAGS)
tests_test_metrics_LDADD = libfmtlab_analysis.la $(TEST_COMMON_LDADD) $(GSL_LIBS)

# the tensor commands (they need io/ and analysis/)
fmtlab_SOURCES += cli/tensorcli.h cli/tensorcli.c cli/cmd_tensors.c cli/cmd_compare.c \
	cli/cmd_quantize.c cli/verify_quantize.c
fmtlab_LDADD += libfmtlab_analysis.la libfmtlab.la $(GSL_LIBS)
TESTS += tests/test_compare_cli.sh
EXTRA_DIST += tests/test_compare_cli.sh tests/compare/sqnr_ref.py tests/compare/write_formats.py
# benchmark (not a test): make bench-compare (writes a 1 GiB file under $TMPDIR or /tmp)
endif
EXTRA_DIST += bench/bench_compare.sh
bench-compare: fmtlab$(EXEEXT)
	$(srcdir)/bench/bench_compare.sh ./fmtlab$(EXEEXT)
.PHONY: bench-compare
