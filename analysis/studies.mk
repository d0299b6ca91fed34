# The seed papers as runnable studies (analysis/study*.c, include/fmtlab/study.h): a
# convenience library linked into the fmtlab command and the tests.  A new study is one
# file analysis/study_<name>.c added here and one entry in analysis/study.c's table.
if BUILD_CLI
noinst_LTLIBRARIES += libfmtlab_studies.la
libfmtlab_studies_la_SOURCES = analysis/study-impl.h analysis/study.c analysis/idx.c \
	analysis/mlp-impl.h analysis/mlp.c analysis/study_gupta.c \
	analysis/layerfit.c analysis/study_decoupleq.c \
	analysis/study-data-impl.h analysis/study_data.c analysis/study_exmy.c \
	analysis/study_lp.c analysis/study_opal.c analysis/study_accuracy.c
libfmtlab_studies_la_CFLAGS = $(AM_CFLAGS) $(GSL_CFLAGS) $(ZLIB_CFLAGS)
libfmtlab_studies_la_LIBADD = $(GSL_LIBS) $(ZLIB_LIBS)
noinst_HEADERS += include/fmtlab/study.h include/fmtlab/layerfit.h

fmtlab_SOURCES += cli/cmd_study.c cli/cmd_layerfit.c
# the gupta study trains its runs in parallel (OpenMP)
fmtlab_LDFLAGS = $(AM_LDFLAGS) $(OPENMP_CFLAGS)
fmtlab_LDADD += libfmtlab_studies.la libfmtlab_io.la libfmtlab.la $(GSL_LIBS) $(ZLIB_LIBS) \
	$(MPFR_LIBS) $(GMP_LIBS) -lm

check_PROGRAMS += tests/test_study
TESTS += tests/test_study
tests_test_study_SOURCES = tests/test_study.c $(TEST_COMMON_SOURCES)
tests_test_study_CFLAGS = $(TEST_COMMON_CFLAGS) $(GSL_CFLAGS) -I$(top_srcdir)/analysis
tests_test_study_LDFLAGS = $(AM_LDFLAGS) $(OPENMP_CFLAGS)
tests_test_study_LDADD = libfmtlab_studies.la libfmtlab_analysis.la libfmtlab_io.la $(TEST_COMMON_LDADD) \
	$(LIBZIP_LIBS) $(JANSSON_LIBS) $(PROTOBUF_C_LIBS) $(GSL_LIBS) $(ZLIB_LIBS)
TESTS += tests/test_study_cli.sh tests/test_study_formats_cli.sh
endif
# distributed whatever configure found
EXTRA_DIST += doc/studies.md
EXTRA_DIST += tests/test_study_cli.sh tests/test_study_formats_cli.sh
EXTRA_DIST += notebooks-data/ocr-cer.sh notebooks-data/ocr-cer.js notebooks-data/vad-agree.sh \
	notebooks-data/vad-agree.js notebooks-data/accuracy_cache.py notebooks-data/accuracy-lib.sh \
	notebooks-data/accuracy_texts.py
