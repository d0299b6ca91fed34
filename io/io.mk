# io/: tensor readers and writers (one reader per file), a convenience library linked into
# the fmtlab command and the tests.  Uses libfmtlab's public headers only.
fmtlabinclude_HEADERS += include/fmtlab/tensor.h
EXTRA_DIST += io/reader-impl.h

noinst_LTLIBRARIES += libfmtlab_io.la
libfmtlab_io_la_SOURCES = io/reader-impl.h io/npy-impl.h io/tensor.c io/npy.c io/npz.c \
	io/safetensors.c io/raw.c io/text.c io/writer.c io/gguf.c io/onnx.c
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
