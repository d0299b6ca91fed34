# test programs: one Check program per module (tests/testutil.h), TAP scripts for the CLI.
# Each program: Check suites; Check prints "NN%: Checks: N, Failures: F, Errors: E".
TEST_COMMON_SOURCES = tests/testutil.c tests/testutil.h
TEST_COMMON_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	-DP3109_DIR='"$(P3109_DIR)"'
TEST_COMMON_LDADD = libfmtlab.la $(CHECK_LIBS) $(MPFR_LIBS) $(GMP_LIBS) -lm

check_PROGRAMS += tests/test_kat
TESTS += tests/test_kat
tests_test_kat_SOURCES = tests/test_kat.c $(TEST_COMMON_SOURCES)
tests_test_kat_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_kat_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_cross
TESTS += tests/test_cross
tests_test_cross_SOURCES = tests/test_cross.c $(TEST_COMMON_SOURCES)
tests_test_cross_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_cross_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_p3109
TESTS += tests/test_p3109
tests_test_p3109_SOURCES = tests/test_p3109.c $(TEST_COMMON_SOURCES)
tests_test_p3109_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_p3109_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_fast
TESTS += tests/test_fast
tests_test_fast_SOURCES = tests/test_fast.c $(TEST_COMMON_SOURCES)
tests_test_fast_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_fast_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_roundtrip
TESTS += tests/test_roundtrip
tests_test_roundtrip_SOURCES = tests/test_roundtrip.c $(TEST_COMMON_SOURCES)
tests_test_roundtrip_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_roundtrip_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_sr
TESTS += tests/test_sr
tests_test_sr_SOURCES = tests/test_sr.c $(TEST_COMMON_SOURCES)
tests_test_sr_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_sr_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_cuts
TESTS += tests/test_cuts
tests_test_cuts_SOURCES = tests/test_cuts.c $(TEST_COMMON_SOURCES)
tests_test_cuts_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_cuts_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_posit
TESTS += tests/test_posit
tests_test_posit_SOURCES = tests/test_posit.c $(TEST_COMMON_SOURCES)
tests_test_posit_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_posit_LDADD = $(TEST_COMMON_LDADD)

# The real data of notebooks-data/cache (doc/data.md): skips when the data
# step did not run or the registries did not answer.
TESTS += tests/test_data.sh tests/test_data_lib.sh
EXTRA_DIST += tests/test_data.sh tests/test_data_lib.sh doc/data.md notebooks-data/fetch-data notebooks-data/lib.sh \
	notebooks-data/fetch-gnubg.sh notebooks-data/fetch-silero.sh \
	notebooks-data/fetch-ppocr.sh notebooks-data/record-activations.sh \
	notebooks-data/gnubg_to_npy.py notebooks-data/make_inputs.py \
	notebooks-data/onnx_expose.py notebooks-data/finish_activations.py \
	notebooks-data/recorder/package.json notebooks-data/recorder/package-lock.json \
	notebooks-data/recorder/record.js

check_PROGRAMS += tests/test_format
TESTS += tests/test_format
tests_test_format_SOURCES = tests/test_format.c $(TEST_COMMON_SOURCES)
tests_test_format_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_format_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_grid
TESTS += tests/test_grid
tests_test_grid_SOURCES = tests/test_grid.c $(TEST_COMMON_SOURCES)
tests_test_grid_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_grid_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_registry
TESTS += tests/test_registry
tests_test_registry_SOURCES = tests/test_registry.c $(TEST_COMMON_SOURCES)
tests_test_registry_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_registry_LDADD = $(TEST_COMMON_LDADD)

check_PROGRAMS += tests/test_fixed
TESTS += tests/test_fixed
tests_test_fixed_SOURCES = tests/test_fixed.c $(TEST_COMMON_SOURCES)
tests_test_fixed_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_fixed_LDADD = $(TEST_COMMON_LDADD)

# the scale-out recipes (contrib/): GNU parallel on 4 shards, merged
TESTS += tests/test_shard.sh
EXTRA_DIST += tests/test_shard.sh contrib/shard-parallel.sh contrib/shard-slurm.sh
