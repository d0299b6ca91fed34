# CLI tests: the fmtlab command as a user calls it.
TESTS += tests/test_cli.sh
EXTRA_DIST += tests/test_cli.sh tests/tap.sh
