# analysis/: metrics, scale strategies, fits and search (GSL); a convenience library linked
# into the fmtlab command and the tests.  Uses public headers only.
