# CLI tests (the cli room): the fmtlab command as a user calls it.
TESTS += tests/test_cli.sh
EXTRA_DIST += tests/test_cli.sh tests/tap.sh

# fmtlab fit and search (doc/fit.md)
TESTS += tests/test_search_cli.sh
EXTRA_DIST += tests/test_search_cli.sh
