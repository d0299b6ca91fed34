# block formats, packing (issue 4 room): add to libfmtlab_la_SOURCES, fmtlab_SOURCES, check_PROGRAMS, TESTS, noinst_PROGRAMS here
libfmtlab_la_SOURCES += formats/block-impl.h formats/block.c formats/mx.c formats/opal.c \
	formats/group.c formats/pack.c
fmtlabinclude_HEADERS += include/fmtlab/blocks.h include/fmtlab/pack.h
fmtlab_SOURCES += cli/cmd_blocks.c cli/cmd_pack.c
