# plots/: PLplot charts drawn from analysis results; a convenience library linked into the
# fmtlab command and the tests.
