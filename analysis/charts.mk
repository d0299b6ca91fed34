# The analyses behind the charts (plots room): codes per binade, closure maps, histograms
# and the mass a format loses.  Part of libfmtlab, like enumerate.c and refops.c: they
# need only MPFR and the public format calls.
libfmtlab_la_SOURCES += analysis/density.c analysis/closure.c analysis/histogram.c
fmtlabinclude_HEADERS += include/fmtlab/chartdata.h

check_PROGRAMS += tests/test_chartdata
TESTS += tests/test_chartdata
tests_test_chartdata_SOURCES = tests/test_chartdata.c $(TEST_COMMON_SOURCES)
tests_test_chartdata_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_chartdata_LDADD = $(TEST_COMMON_LDADD)
