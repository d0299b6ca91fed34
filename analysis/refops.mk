# reference ops, test vectors and verification (doc/refops.md).
libfmtlab_la_SOURCES += analysis/refops.c analysis/vectors.c
fmtlabinclude_HEADERS += include/fmtlab/refops.h include/fmtlab/vectors.h
fmtlab_SOURCES += cli/refcli.h cli/refcli.c cli/cmd_ref.c cli/cmd_gen.c cli/cmd_verify.c \
	cli/subject.h cli/subject.c
fmtlab_LDADD += -ldl

# tests: the Check program, the _Float16 subject library it loads, the CLI script
check_PROGRAMS += tests/test_refops
TESTS += tests/test_refops tests/test_refops_cli.sh
tests_test_refops_SOURCES = tests/test_refops.c $(TEST_COMMON_SOURCES)
tests_test_refops_CFLAGS = $(TEST_COMMON_CFLAGS) -DF16LIB='"$(abs_top_builddir)/tests/.libs/libf16.so"'
tests_test_refops_LDADD = $(TEST_COMMON_LDADD) -ldl
# a plain module, no sanitizers: it is the subject under test, loaded with dlopen
check_LTLIBRARIES += tests/libf16.la
tests_libf16_la_SOURCES = tests/f16impl.c
tests_libf16_la_CFLAGS = -O2
tests_libf16_la_LDFLAGS = -module -avoid-version -rpath /nowhere
tests_libf16_la_LIBADD = -lm
EXTRA_DIST += tests/test_refops_cli.sh tests/data/f16_sqrt_testfloat.txt

# benchmark (not a test): make bench-refops [BENCH_REFOPS_ARGS='--n 1e6 --no-exhaustive']
noinst_PROGRAMS += bench/bench_refops
bench_bench_refops_SOURCES = bench/bench_refops.c
bench_bench_refops_LDFLAGS = $(AM_LDFLAGS) $(OPENMP_CFLAGS)
bench_bench_refops_LDADD = libfmtlab.la $(MPFR_LIBS) $(GMP_LIBS) -ldl -lm
BENCH_REFOPS_ARGS =
bench-refops: bench/bench_refops$(EXEEXT) tests/libf16.la
	./bench/bench_refops$(EXEEXT) --lib tests/.libs/libf16.so $(BENCH_REFOPS_ARGS)
.PHONY: bench-refops
EXTRA_DIST += doc/refops.md
libfmtlab_la_SOURCES += analysis/refops_log.c analysis/refops-log-impl.h

# logarithmic families (refops_log.c): exhaustive brute force over the format's values
check_PROGRAMS += tests/test_refops_log
TESTS += tests/test_refops_log
tests_test_refops_log_SOURCES = tests/test_refops_log.c $(TEST_COMMON_SOURCES)
tests_test_refops_log_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_refops_log_LDADD = $(TEST_COMMON_LDADD)

# table-driven ops of the logarithmic families (formats/optable.c): exhaustive against the
# reference path
check_PROGRAMS += tests/test_refops_table
TESTS += tests/test_refops_table
tests_test_refops_table_SOURCES = tests/test_refops_table.c $(TEST_COMMON_SOURCES)
tests_test_refops_table_CFLAGS = $(TEST_COMMON_CFLAGS)
tests_test_refops_table_LDADD = $(TEST_COMMON_LDADD)
# the fast path against the MPFR path on 10^7 random cases per format (fp16, posit16,
# fp32, fp64, posit32 ...), outside the sanitizer run: make check-long
check-long: tests/test_refops$(EXEEXT)
	FMTLAB_TEST_LONG=1 CK_RUN_CASE=fast ./tests/test_refops$(EXEEXT)
.PHONY: check-long
