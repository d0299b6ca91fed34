/* badimpl.c -- hostile subjects for 'fmtlab verify --impl' (tests/test_hostile.sh): binary16
   add that crashes, hangs, or exits on the operand pair (3c00, 3c00), i.e. 1 + 1, and
   returns the right answer elsewhere for the few other cases the tests check.  Built as
   tests/libbad.so by tests/cli.mk; not part of libfmtlab. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

static volatile int *volatile nowhere;

static int
trigger (uint64_t a, uint64_t b)
{
  return a == 0x3c00 && b == 0x3c00;
}

/* 0 + x = x for the codes the tests use; the value is not what is checked here */
uint64_t
bad_segv (uint64_t a, uint64_t b)
{
  if (trigger (a, b))
    return (uint64_t) *nowhere;
  return a == 0 ? b : a;
}

uint64_t
bad_abort (uint64_t a, uint64_t b)
{
  if (trigger (a, b))
    abort ();
  return a == 0 ? b : a;
}

uint64_t
bad_loop (uint64_t a, uint64_t b)
{
  while (trigger (a, b))
    pause ();
  return a == 0 ? b : a;
}

uint64_t
bad_exit (uint64_t a, uint64_t b)
{
  if (trigger (a, b))
    exit (0);
  return a == 0 ? b : a;
}

uint64_t
bad_quick_exit (uint64_t a, uint64_t b)
{
  if (trigger (a, b))
    _exit (0);
  return a == 0 ? b : a;
}
