# io/: tensor readers and writers (one reader per file), a convenience library linked into
# the fmtlab command and the tests.  Uses libfmtlab's public headers only.
fmtlabinclude_HEADERS += include/fmtlab/tensor.h
EXTRA_DIST += io/reader-impl.h tests/data/corrupt/make-corrupt.py tests/data/corrupt/npy \
	tests/data/corrupt/npz tests/data/corrupt/safetensors tests/data/corrupt/raw \
	tests/data/corrupt/text

noinst_LTLIBRARIES += libfmtlab_io.la
libfmtlab_io_la_SOURCES = io/reader-impl.h io/npy-impl.h io/tensor.c io/npy.c io/npz.c \
	io/safetensors.c io/raw.c io/text.c io/writer.c
# The GGUF and ONNX readers (io/gguf.c, io/onnx.c) come from their own branch: whoever
# adds them to libfmtlab_io_la_SOURCES removes $(IO_PENDING_CPPFLAGS) here.
IO_PENDING_CPPFLAGS = -DFL_IO_WITHOUT_GGUF_ONNX
libfmtlab_io_la_CPPFLAGS = $(AM_CPPFLAGS) $(IO_PENDING_CPPFLAGS)
libfmtlab_io_la_CFLAGS = $(AM_CFLAGS) $(LIBZIP_CFLAGS) $(JANSSON_CFLAGS) $(PROTOBUF_C_CFLAGS)
libfmtlab_io_la_LIBADD = $(LIBZIP_LIBS) $(JANSSON_LIBS) $(PROTOBUF_C_LIBS) -lpthread

# The io/ library comes before libfmtlab (it uses libfmtlab's blocks and formats).
fmtlab_LDADD += libfmtlab_io.la libfmtlab.la $(LIBZIP_LIBS) $(JANSSON_LIBS) \
	$(PROTOBUF_C_LIBS)

check_PROGRAMS += tests/test_io
TESTS += tests/test_io
tests_test_io_SOURCES = tests/test_io.c $(TEST_COMMON_SOURCES)
tests_test_io_CFLAGS = $(TEST_COMMON_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_test_io_LDADD = libfmtlab_io.la $(TEST_COMMON_LDADD) $(LIBZIP_LIBS) $(JANSSON_LIBS) \
	$(PROTOBUF_C_LIBS)

# benchmark: streaming a large file through the readers (doc/tensors.md has the figures)
noinst_PROGRAMS += bench/bench_io
bench_bench_io_SOURCES = bench/bench_io.c
bench_bench_io_LDADD = libfmtlab_io.la libfmtlab.la $(LIBZIP_LIBS) $(JANSSON_LIBS) \
	$(PROTOBUF_C_LIBS) $(MPFR_LIBS) $(GMP_LIBS) -lm
EXTRA_DIST += doc/tensors.md fuzz/tensor-fuzz.h fuzz/make-seeds.py fuzz/corpus/npy \
	fuzz/corpus/npz fuzz/corpus/safetensors fuzz/corpus/text fuzz/fuzz_npy.c fuzz/fuzz_npz.c \
	fuzz/fuzz_safetensors.c fuzz/fuzz_text.c
