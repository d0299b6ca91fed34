# plots/: PLplot charts drawn from analysis results; a convenience library linked into the
# fmtlab command and the tests.
if BUILD_PLOTS
noinst_LTLIBRARIES += libfmtlab_plots.la
libfmtlab_plots_la_SOURCES = include/fmtlab/plots.h plots/plots-impl.h plots/common.c \
	plots/accuracy.c plots/density.c plots/closure.c plots/hist.c plots/lines.c \
	plots/bars.c plots/heatmap.c plots/fit.c
libfmtlab_plots_la_CFLAGS = $(AM_CFLAGS) $(PLPLOT_CFLAGS)
libfmtlab_plots_la_LIBADD = $(PLPLOT_LIBS) -lpthread -lm

# 'fmtlab plot' and the charts of 'fmtlab report' (the wiring in cli/charts.c)
fmtlab_SOURCES += cli/cmd_plot.c cli/charts.h cli/charts.c cli/charts_study.c
fmtlab_CFLAGS += $(GSL_CFLAGS)
fmtlab_LDADD += libfmtlab_plots.la libfmtlab.la $(PLPLOT_LIBS) $(GSL_LIBS)

# every chart kind rendered and decoded independently (tests/pngstat.py)
check_PROGRAMS += tests/test_plots
TESTS += tests/test_plots
tests_test_plots_SOURCES = tests/test_plots.c $(TEST_COMMON_SOURCES)
tests_test_plots_CFLAGS = $(TEST_COMMON_CFLAGS) -DPNGSTAT='"$(abs_top_srcdir)/tests/pngstat.py"'
tests_test_plots_LDADD = libfmtlab_plots.la $(TEST_COMMON_LDADD) $(PLPLOT_LIBS)
# the command: 'fmtlab plot' (acceptance commands, bad input) and the report in Chromium
TESTS += tests/test_plot_cli.sh tests/test_report_html.sh
endif
# distributed whatever configure found
EXTRA_DIST += tests/pngstat.py
EXTRA_DIST += tests/test_plot_cli.sh tests/test_report_html.sh
EXTRA_DIST += tests/data/studies/gupta/curves.csv tests/data/studies/opal/by_scheme.csv \
	tests/data/studies/lp/by_family.csv tests/data/studies/decoupleq/by_method.csv \
	tests/data/studies/exmy/global.csv tests/data/studies/cer/cer.csv
EXTRA_DIST += doc/plots.md doc/img/accuracy-8bit.png doc/img/closure-e4m3fn-mul.png
