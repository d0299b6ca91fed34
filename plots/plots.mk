# plots/: PLplot charts drawn from analysis results; a convenience library linked into the
# fmtlab command and the tests.
noinst_LTLIBRARIES += libfmtlab_plots.la
libfmtlab_plots_la_SOURCES = include/fmtlab/plots.h plots/plots-impl.h plots/common.c \
	plots/accuracy.c plots/density.c plots/closure.c plots/hist.c plots/lines.c \
	plots/bars.c plots/heatmap.c plots/fit.c
libfmtlab_plots_la_CFLAGS = $(AM_CFLAGS) $(PLPLOT_CFLAGS)
libfmtlab_plots_la_LIBADD = $(PLPLOT_LIBS) -lpthread -lm

# 'fmtlab plot' and the charts of 'fmtlab report' (the wiring in cli/charts.c)
fmtlab_SOURCES += cli/cmd_plot.c cli/charts.h cli/charts.c
fmtlab_CFLAGS += $(GSL_CFLAGS)
fmtlab_LDADD += libfmtlab_plots.la libfmtlab.la $(PLPLOT_LIBS) $(GSL_LIBS)
