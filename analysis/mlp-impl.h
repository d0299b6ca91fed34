/* mlp-impl.h -- private: the small multilayer perceptron the 'gupta' study trains
   (analysis/mlp.c), with every operation's result rounded to a number format.

   The network is nin -> nhid (ReLU) -> nout (softmax), cross-entropy loss.  With a
   quantizer, as Gupta et al. (2015) do (doc/studies.md): the inputs, each layer's
   pre-activations, the output error, the back-propagated error and every updated weight
   are rounded to the format after the operation that makes them; each dot product or sum
   is accumulated exactly (in double: products of two 16-bit fixed-point numbers have at
   most 32 significant bits and the sums stay far below 53) and rounded once, like a MAC
   unit with a wide accumulator.  A weight update w <- w - lr * mean_b(delta_b x_b) is one
   such sum, so an update smaller than half a step vanishes under round-to-nearest and
   survives in expectation under stochastic rounding. */
#ifndef FL_MLP_IMPL_H
#define FL_MLP_IMPL_H

#include <fmtlab/formats.h>

typedef struct {
  size_t nin, nhid, nout;
  double *w1, *b1;   /* nhid x nin (row-major), nhid */
  double *w2, *b2;   /* nout x nhid, nout */
} fl_mlp;

/* Gradients of the mean loss over a batch, same shapes as the weights. */
typedef struct {
  double *w1, *b1, *w2, *b2;
} fl_mlp_grad;

/* Where to round: fmt NULL computes in double without rounding.  Stochastic rounding
   draws stream rnd.stream + i for the i-th value rounded; every call advances rnd.stream
   past the values it rounded, so a run is reproducible from the seed alone. */
typedef struct {
  const fl_format *fmt;
  fl_rounding rnd;
} fl_mlp_quant;

/* Glorot-uniform weights from the splitmix64 state *rng, zero biases, all rounded with q. */
fl_status fl_mlp_init (fl_mlp *m, size_t nin, size_t nhid, size_t nout, uint64_t *rng,
                       fl_mlp_quant *q);
void fl_mlp_free (fl_mlp *m);
fl_status fl_mlp_grad_alloc (fl_mlp_grad *g, const fl_mlp *m);
void fl_mlp_grad_free (fl_mlp_grad *g);

/* Round n values in place with q (nothing when q or q->fmt is NULL). */
void fl_mlp_round (fl_mlp_quant *q, double *x, size_t n);

/* The class probabilities of input x (nin values, already rounded) into p (nout); h is
   scratch of nhid.  Returns the arg max. */
size_t fl_mlp_predict (const fl_mlp *m, const double *x, double *h, double *p,
                       fl_mlp_quant *q);

/* Mean cross-entropy over a batch of B inputs (rows of x) with labels y, and, when g is
   not NULL, its gradient (accumulated exactly, not rounded: the update rounds).  Rounds
   the forward and backward values with q. */
double fl_mlp_loss_grad (const fl_mlp *m, const double *x, const uint8_t *y, size_t B,
                         fl_mlp_grad *g, fl_mlp_quant *q);

/* w <- round(w - lr * g) for every weight and bias: one rounding per weight. */
void fl_mlp_step (fl_mlp *m, const fl_mlp_grad *g, double lr, fl_mlp_quant *q);

#endif
