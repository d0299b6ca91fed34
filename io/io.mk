# io/: tensor readers and writers (one reader per file), a convenience library linked into
# the fmtlab command and the tests.  Uses libfmtlab's public headers only.
if BUILD_IO
# not installed, like the library it declares (only libfmtlab is installed)
noinst_HEADERS += include/fmtlab/tensor.h include/fmtlab/onnxwrite.h

noinst_LTLIBRARIES += libfmtlab_io.la
libfmtlab_io_la_SOURCES = io/reader-impl.h io/npy-impl.h io/tensor.c io/npy.c io/npz.c \
	io/safetensors.c io/raw.c io/text.c io/writer.c io/gguf.c io/onnx.c io/onnx_write.c
# The ONNX reader's protobuf-c code is generated at build time, in the build tree, from
# the schema configure found ($(ONNX_PROTO), Debian's libonnx-dev); copied under the name
# onnx.proto first, since protoc-c names its output after the schema file.
nodist_libfmtlab_io_la_SOURCES = io/onnx.pb-c.c io/onnx.pb-c.h
BUILT_SOURCES += io/onnx.pb-c.c io/onnx.pb-c.h
CLEANFILES += io/onnx.pb-c.c io/onnx.pb-c.h
io/onnx.pb-c.c: $(ONNX_PROTO)
	$(AM_V_GEN)rm -rf io/onnx-gen.tmp && $(MKDIR_P) io/onnx-gen.tmp \
	  && cp "$(ONNX_PROTO)" io/onnx-gen.tmp/onnx.proto \
	  && $(PROTOC_C) --c_out=io/onnx-gen.tmp --proto_path=io/onnx-gen.tmp \
	       io/onnx-gen.tmp/onnx.proto \
	  && mv io/onnx-gen.tmp/onnx.pb-c.h io/onnx-gen.tmp/onnx.pb-c.c io/ \
	  && rm -rf io/onnx-gen.tmp
io/onnx.pb-c.h: io/onnx.pb-c.c
	@test -f $@ || { rm -f io/onnx.pb-c.c; $(MAKE) $(AM_MAKEFLAGS) io/onnx.pb-c.c; }
libfmtlab_io_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/io
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

# The GGUF and ONNX readers: files written at test time by /usr/bin/python3 (struct, onnx),
# the corrupt corpus of tests/data/corrupt/; test_onnx_models checks the real ONNX models
# of notebooks-data/cache (skipped when they have not been fetched).
ONNX_GGUF_TEST_CFLAGS = $(TEST_COMMON_CFLAGS) $(JANSSON_CFLAGS) -DTOP_SRCDIR='"$(abs_top_srcdir)"'
ONNX_GGUF_TEST_LDADD = libfmtlab_io.la $(TEST_COMMON_LDADD) $(LIBZIP_LIBS) $(JANSSON_LIBS) \
	$(PROTOBUF_C_LIBS)
check_PROGRAMS += tests/test_onnx_gguf tests/test_onnx_models
TESTS += tests/test_onnx_gguf tests/test_onnx_models tests/test_quantize_onnx.sh
tests_test_onnx_gguf_SOURCES = tests/test_onnx_gguf.c $(TEST_COMMON_SOURCES)
tests_test_onnx_gguf_CFLAGS = $(ONNX_GGUF_TEST_CFLAGS)
tests_test_onnx_gguf_LDADD = $(ONNX_GGUF_TEST_LDADD)
tests_test_onnx_models_SOURCES = tests/test_onnx_gguf.c $(TEST_COMMON_SOURCES)
tests_test_onnx_models_CFLAGS = $(ONNX_GGUF_TEST_CFLAGS) -DFL_TEST_REAL_MODELS
tests_test_onnx_models_LDADD = $(ONNX_GGUF_TEST_LDADD)
endif
# distributed whatever configure found
EXTRA_DIST += io/reader-impl.h tests/data/corrupt/make-corrupt.py tests/data/corrupt/npy \
	tests/data/corrupt/npz tests/data/corrupt/safetensors tests/data/corrupt/raw \
	tests/data/corrupt/text
EXTRA_DIST += doc/tensors.md fuzz/tensor-fuzz.h fuzz/make-seeds.py fuzz/corpus/npy \
	fuzz/corpus/npz fuzz/corpus/safetensors fuzz/corpus/text fuzz/fuzz_npy.c fuzz/fuzz_npz.c \
	fuzz/fuzz_safetensors.c fuzz/fuzz_text.c
EXTRA_DIST += tests/test_quantize_onnx.sh tests/onnx_quant_check.py tests/ort_run.js \
	tests/gguf_write.py tests/gen_gguf.py tests/gen_onnx.py tests/onnx_ref.py \
	tests/data/corrupt/gen_gguf_onnx.py tests/data/corrupt/gguf-onnx.expect \
	tests/data/corrupt/gguf tests/data/corrupt/onnx
EXTRA_DIST += doc/gguf-onnx.md fuzz/fuzz_gguf.c fuzz/fuzz_onnx.c fuzz/corpus/gguf fuzz/corpus/onnx \
	fuzz/fuzz_onnx_write.c fuzz/corpus/onnx_write
