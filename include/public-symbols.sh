#!/bin/sh
# public-symbols.sh HEADER... -- the names of the calls the public headers declare, one a
# line, sorted: every "fl_NAME (" outside comments.  The build makes libfmtlab's version
# script from this list (Makefile.am, libfmtlab.map), so only these names are exported.
exec perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g; print "$1\n" while /\b(fl_[a-z0-9_]+)\s*\(/g' "$@" \
  | LC_ALL=C sort -u
