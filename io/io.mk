# io/: tensor readers and writers (one reader per file), a convenience library linked into
# the fmtlab command and the tests.  Uses libfmtlab's public headers only.
fmtlabinclude_HEADERS += include/fmtlab/tensor.h
EXTRA_DIST += io/reader-impl.h
