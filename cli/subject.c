/* subject.c -- run 'verify --impl' in a child process and watch it (subject.h).

   The child runs fl_verify_subject with a slot per thread in shared memory (the case whose
   subject call is under way) and sends its result back through a pipe.  The parent polls
   the pipe and the slots: a call that stays under way for longer than the timeout is a
   hang (the child is killed); a child that dies of a signal crashed; one that ends without
   sending its result exited inside the subject.  When several threads were inside the
   subject at that moment, each of those cases is run again alone, in a child of its own,
   to name the one that does it. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
# include <sys/prctl.h>
#endif
#ifdef _OPENMP
# include <omp.h>
#endif
#include "cli.h"
#include "subject.h"

#define NSLOTS 4096             /* --threads is at most 4096 */
#define RESULT_MAGIC 0x666c7672u

typedef struct {
  volatile int exiting;         /* set by an atexit handler: the subject called exit */
  char pad[60];
  fl_verify_slot slot[NSLOTS];
} shared_state;

typedef struct {
  uint32_t magic;
  int32_t status;
  uint64_t cases, mismatches, nfirst, errlen;
} result_head;

static shared_state *shared;

static void
note_exit (void)
{
  if (shared)
    shared->exiting = 1;
}

static void
pause_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

static int
write_all (int fd, const void *p, size_t n)
{
  const char *c = p;
  while (n)
    {
      ssize_t w = write (fd, c, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return -1;
      c += w;
      n -= (size_t) w;
    }
  return 0;
}

/* One read of fd onto the end of *buf, grown as needed: what read returned. */
static ssize_t
read_more (int fd, char **buf, size_t *blen, size_t *bcap)
{
  if (*blen == *bcap)
    {
      *bcap = *bcap ? 2 * *bcap : 65536;
      *buf = realloc (*buf, *bcap);
      if (!*buf)
        abort ();
    }
  ssize_t got = read (fd, *buf + *blen, *bcap - *blen);
  if (got > 0)
    *blen += (size_t) got;
  return got;
}

/* In a fresh child: die with the parent, note an exit inside the subject. */
static void
child_setup (void)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
  shared->exiting = 0;
  atexit (note_exit);
  /* a crash in the subject is reported as the signal it is, even when a sanitizer's
     handler (or the subject's) would turn it into an exit */
  static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
  for (size_t i = 0; i < sizeof crash / sizeof crash[0]; i++)
    signal (crash[i], SIG_DFL);
}

static int
thread_count (const fl_verify_opts *vo)
{
  int n = vo->threads;
#ifdef _OPENMP
  if (n <= 0)
    n = omp_get_max_threads ();
#else
  n = 1;
#endif
  return n < 1 ? 1 : n > NSLOTS ? NSLOTS : n;
}

/* Case i alone in a child: the outcome it has (SUBJECT_OK when it returns). */
static subject_outcome
run_one (const fl_verify_opts *vo, void (*fn) (void), const fl_gen *g, int random,
         uint64_t seed, uint64_t i, double timeout, int *sig, int *status)
{
  uint64_t ops[3] = { 0, 0, 0 };
  if (random)
    fl_gen_random (g, seed, i, ops);
  else
    fl_gen_all (g, i, ops);
  unsigned n = fl_gen_arity (g);
  (void) vo;
  fflush (NULL);
  pid_t pid = fork ();
  if (pid < 0)
    return SUBJECT_ERROR;
  if (pid == 0)
    {
      child_setup ();
      switch (n)
        {
        case 1: ((fl_subject1) fn) (ops[0]); break;
        case 2: ((fl_subject2) fn) (ops[0], ops[1]); break;
        default: ((fl_subject3) fn) (ops[0], ops[1], ops[2]); break;
        }
      _exit (0);
    }
  double t0 = cli_now ();
  int wst;
  for (;;)
    {
      pid_t w = waitpid (pid, &wst, WNOHANG);
      if (w == pid)
        break;
      if (timeout > 0 && cli_now () - t0 > timeout)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &wst, 0);
          return SUBJECT_HANG;
        }
      pause_ms (10);
    }
  if (WIFSIGNALED (wst))
    {
      *sig = WTERMSIG (wst);
      return SUBJECT_CRASH;
    }
  *status = WEXITSTATUS (wst);
  if (*status != 0 || shared->exiting)
    return SUBJECT_EXIT;
  return SUBJECT_OK;
}

subject_outcome
subject_verify (const fl_verify_opts *vo, void (*fn) (void), int random, uint64_t seed,
                uint64_t lo, uint64_t hi, double timeout, fl_verify_result *res,
                subject_report *rep)
{
  memset (rep, 0, sizeof *rep);
  fl_gen *g;
  if (fl_gen_new (vo->f, vo->op, &g, rep->err, sizeof rep->err) != FL_OK)
    return rep->outcome = SUBJECT_ERROR;
  shared = mmap (NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int pfd[2] = { -1, -1 };
  if (shared == MAP_FAILED || pipe (pfd) != 0)
    {
      snprintf (rep->err, sizeof rep->err, "cannot set up the subject's process: %s",
                strerror (errno));
      if (shared != MAP_FAILED)
        munmap (shared, sizeof *shared);
      shared = NULL;
      fl_gen_free (g);
      return rep->outcome = SUBJECT_ERROR;
    }
  int nthr = thread_count (vo);
  fflush (NULL);                /* nothing buffered twice if the subject calls exit */
  pid_t pid = fork ();
  if (pid < 0)
    {
      snprintf (rep->err, sizeof rep->err, "cannot fork: %s", strerror (errno));
      close (pfd[0]);
      close (pfd[1]);
      munmap (shared, sizeof *shared);
      shared = NULL;
      fl_gen_free (g);
      return rep->outcome = SUBJECT_ERROR;
    }
  if (pid == 0)
    {
      close (pfd[0]);
      child_setup ();
      fl_verify_opts o = *vo;
      o.watch = shared->slot;
      o.nwatch = nthr;
      fl_verify_result r;
      fl_verify_result_init (&r);
      char err[512] = "";
      fl_status st = fl_verify_subject (&o, fn, random, seed, lo, hi, &r, err, sizeof err);
      result_head h = { RESULT_MAGIC, (int32_t) st, r.cases, r.mismatches, r.nfirst, strlen (err) };
      if (write_all (pfd[1], &h, sizeof h) != 0
          || write_all (pfd[1], r.first, r.nfirst * sizeof *r.first) != 0
          || write_all (pfd[1], err, h.errlen) != 0)
        _exit (3);
      _exit (0);
    }
  close (pfd[1]);

  /* watch: read the result as it comes, look at the slots every 100 ms */
  char *buf = NULL;
  size_t blen = 0, bcap = 0;
  uint64_t *last_started = calloc ((size_t) nthr, sizeof *last_started);
  double *since = calloc ((size_t) nthr, sizeof *since);
  if (!last_started || !since)
    abort ();
  int open = 1, exited = 0, wst = 0;
  while (open || !exited)
    {
      if (open)
        {
          fd_set rd;
          FD_ZERO (&rd);
          FD_SET (pfd[0], &rd);
          struct timeval tv = { 0, 100000 };
          int pr = select (pfd[0] + 1, &rd, NULL, NULL, &tv);
          if (pr > 0)
            {
              ssize_t got = read_more (pfd[0], &buf, &blen, &bcap);
              if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
                open = 0;
            }
        }
      else
        pause_ms (20);
      if (!exited && waitpid (pid, &wst, WNOHANG) == pid)
        {
          exited = 1;
          /* what the child wrote is in the pipe now; a grandchild holding the pipe open
             must not keep us waiting */
          fcntl (pfd[0], F_SETFL, fcntl (pfd[0], F_GETFL) | O_NONBLOCK);
        }
      if (exited && open)
        {
          for (;;)
            {
              ssize_t got = read_more (pfd[0], &buf, &blen, &bcap);
              if (got <= 0 && !(got < 0 && errno == EINTR))
                break;
            }
          open = 0;
        }
      if (!exited && timeout > 0)
        {
          /* a call under way (started != finished) on the same case for longer than the
             timeout: each thread's cases are distinct, so the same value is the same call */
          double t = cli_now ();
          for (int k = 0; k < nthr; k++)
            {
              fl_verify_slot *s = &shared->slot[k];
              uint64_t started = s->started, finished = s->finished;
              if (started == finished || started != last_started[k] || since[k] == 0)
                {
                  last_started[k] = started;
                  since[k] = t;
                  continue;
                }
              if (t - since[k] > timeout)
                {
                  kill (pid, SIGKILL);
                  waitpid (pid, &wst, 0);
                  rep->outcome = SUBJECT_HANG;
                  rep->known = 1;
                  rep->index = started - 1;
                  goto done;
                }
            }
        }
    }
  close (pfd[0]);
  pfd[0] = -1;

  result_head h;
  int complete = 0;
  if (WIFEXITED (wst) && WEXITSTATUS (wst) == 0 && !shared->exiting && blen >= sizeof h)
    {
      memcpy (&h, buf, sizeof h);
      complete = h.magic == RESULT_MAGIC && h.nfirst <= vo->max_report && h.errlen < 512
                 && blen == sizeof h + h.nfirst * sizeof (fl_mismatch) + h.errlen;
    }
  if (complete)
    {
      if (h.status != FL_OK)
        {
          memcpy (rep->err, buf + blen - h.errlen, h.errlen);
          rep->err[h.errlen] = 0;
          rep->outcome = SUBJECT_ERROR;
          goto done;
        }
      res->cases += h.cases;
      res->mismatches += h.mismatches;
      if (h.nfirst)
        {
          fl_mismatch *m = realloc (res->first, (res->nfirst + h.nfirst) * sizeof *m);
          if (!m)
            abort ();
          memcpy (m + res->nfirst, buf + sizeof h, h.nfirst * sizeof *m);
          res->first = m;
          res->nfirst += h.nfirst;
        }
      rep->outcome = SUBJECT_OK;
      goto done;
    }
  /* a crash or an exit: the cases under way then */
  if (WIFSIGNALED (wst))
    {
      rep->outcome = SUBJECT_CRASH;
      rep->sig = WTERMSIG (wst);
    }
  else
    {
      rep->outcome = SUBJECT_EXIT;
      rep->status = WEXITSTATUS (wst);
    }
  for (int k = 0; k < nthr; k++)
    if (shared->slot[k].started != shared->slot[k].finished && rep->nsuspects < 4)
      rep->suspects[rep->nsuspects++] = shared->slot[k].started - 1;
  if (rep->nsuspects == 1)
    {
      rep->known = 1;
      rep->index = rep->suspects[0];
    }
  else
    for (unsigned k = 0; k < rep->nsuspects && !rep->known; k++)
      {
        int sig = 0, status = 0;
        subject_outcome o = run_one (vo, fn, g, random, seed, rep->suspects[k], timeout, &sig,
                                     &status);
        if (o == rep->outcome)
          {
            rep->known = 1;
            rep->index = rep->suspects[k];
            rep->sig = sig ? sig : rep->sig;
            rep->status = status;
          }
      }
done:
  if (pfd[0] >= 0)
    close (pfd[0]);
  free (buf);
  free (last_started);
  free (since);
  munmap (shared, sizeof *shared);
  shared = NULL;
  fl_gen_free (g);
  return rep->outcome;
}
