# formats/: block formats (block.c drives the families mx.c, opal.c, group.c through their
# ops tables over block-exact.c) and odd-width packing; their tests and benchmark.
libfmtlab_la_SOURCES += formats/block-impl.h formats/block-exact.c formats/block.c formats/block-format.c formats/mx.c formats/opal.c \
	formats/group.c formats/pack.c
fmtlabinclude_HEADERS += include/fmtlab/blocks.h include/fmtlab/pack.h
fmtlab_SOURCES += cli/cmd_blocks.c cli/cmd_pack.c

check_PROGRAMS += tests/test_blocks
TESTS += tests/test_blocks tests/test_blocks_cli.sh
tests_test_blocks_SOURCES = tests/test_blocks.c $(TEST_COMMON_SOURCES)
tests_test_blocks_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_blocks_LDADD = $(TEST_COMMON_LDADD)
EXTRA_DIST += tests/test_blocks_cli.sh

# the library's exported symbols against its headers (and the installed headers' calls
# against the library: an installed user can link every one)
TESTS += tests/test_symbols.sh
# (serial-tests: TESTS_ENVIRONMENT prefixes every test's command)
TESTS_ENVIRONMENT = env FMTLAB_INSTALLED_HEADERS='$(fmtlabinclude_HEADERS)'
EXTRA_DIST += tests/test_symbols.sh

# benchmark: make bench-blocks [BENCH_BLOCKS_ARGS='--threads 2']
noinst_PROGRAMS += bench/bench_blocks
bench_bench_blocks_SOURCES = bench/bench_blocks.c
bench_bench_blocks_LDFLAGS = $(AM_LDFLAGS) $(OPENMP_CFLAGS)
bench_bench_blocks_LDADD = libfmtlab.la $(MPFR_LIBS) $(GMP_LIBS) -lm
BENCH_BLOCKS_ARGS =
bench-blocks: bench/bench_blocks$(EXEEXT)
	./bench/bench_blocks$(EXEEXT) $(BENCH_BLOCKS_ARGS)
.PHONY: bench-blocks
EXTRA_DIST += doc/blocks.md

# every public call leaves the caller's MPFR exponent range and flags alone
check_PROGRAMS += tests/test_mpfr_state
TESTS += tests/test_mpfr_state
tests_test_mpfr_state_SOURCES = tests/test_mpfr_state.c
tests_test_mpfr_state_CFLAGS = $(AM_CFLAGS)
tests_test_mpfr_state_LDADD = libfmtlab.la $(MPFR_LIBS) $(GMP_LIBS) -lm
