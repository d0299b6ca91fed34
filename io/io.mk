# io/: tensor readers and writers (one reader per file), a convenience library linked into
# the fmtlab command and the tests.  Uses libfmtlab's public headers only.
fmtlabinclude_HEADERS += include/fmtlab/tensor.h
EXTRA_DIST += io/reader-impl.h

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
