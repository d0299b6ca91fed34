# CLI tests: the fmtlab command as a user calls it.
TESTS += tests/test_cli.sh
EXTRA_DIST += tests/test_cli.sh tests/tap.sh

# hostile input (issue 14): every input path refuses bad input with exit 2 and one line,
# in bounded time and memory; tests/libbad.so holds subjects that crash, hang or exit.
TESTS += tests/test_hostile.sh
EXTRA_DIST += tests/test_hostile.sh
check_LTLIBRARIES += tests/libbad.la
tests_libbad_la_SOURCES = tests/badimpl.c
tests_libbad_la_CFLAGS = -O1
tests_libbad_la_LDFLAGS = -module -avoid-version -rpath /nowhere
# the fuzz targets and their seeds (run by .ci/fuzz, not by make check)
EXTRA_DIST += .ci/fuzz fuzz
# fmtlab fit and search (doc/fit.md)
TESTS += tests/test_search_cli.sh tests/test_search_data.sh
EXTRA_DIST += tests/test_search_cli.sh tests/test_search_data.sh
