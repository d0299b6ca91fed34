# block formats, packing (issue 4 room): add to libfmtlab_la_SOURCES, fmtlab_SOURCES, check_PROGRAMS, TESTS, noinst_PROGRAMS here
