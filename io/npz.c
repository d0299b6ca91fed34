/* npz.c -- NumPy .npz archives: a zip file of .npy members (stored or deflated), read
   through libzip from the mapped file.  Opening reads each member's .npy header only;
   a member's data is inflated when it is first read, into a buffer of its declared size,
   and released when another member is loaded, so one member is in memory at a time.

   Hostile archives: a member's declared size is checked before anything is allocated --
   stored members must declare their compressed size, deflated ones at most 1032 times it
   (deflate's largest ratio) -- and inflation stops at the declared size: a member that
   inflates to more (or less) is an error, as is a CRC mismatch. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include "reader-impl.h"
#include "npy-impl.h"

#define DEFLATE_MAX_RATIO 1032

typedef struct
{
  zip_t *za;
  zip_uint64_t *member;         /* zip index of each entry */
  size_t loaded;                /* the entry whose data is held, or SIZE_MAX */
} npz_state;

static void
npz_free (void *p)
{
  npz_state *s = p;
  if (s->za)
    zip_discard (s->za);
  free (s->member);
  free (s);
}

static void
release_buffer (void *owned, size_t len)
{
  (void) len;
  free (owned);
}

/* Open member idx and check its declared sizes; fills *size. */
static fl_status
member_open (fl_tensor_file *f, zip_t *za, zip_uint64_t idx, const char *name,
             zip_file_t **zf, zip_uint64_t *size, char *err, size_t errlen)
{
  zip_stat_t sb;
  zip_stat_init (&sb);
  if (zip_stat_index (za, idx, 0, &sb) != 0)
    return fl_io_error (err, errlen, f, name, "bad zip member: %s", zip_strerror (za));
  zip_uint64_t want = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD;
  if ((sb.valid & want) != want)
    return fl_io_error (err, errlen, f, name, "zip member without sizes");
  if ((sb.valid & ZIP_STAT_ENCRYPTION_METHOD) && sb.encryption_method != ZIP_EM_NONE)
    return fl_io_error (err, errlen, f, name, "encrypted zip member");
  if (sb.comp_size > f->size)
    return fl_io_error (err, errlen, f, name, "compressed size %llu beyond the file (%zu "
                        "bytes)", (unsigned long long) sb.comp_size, f->size);
  if (sb.comp_method == ZIP_CM_STORE)
    {
      if (sb.size != sb.comp_size)
        return fl_io_error (err, errlen, f, name, "stored member declares %llu bytes but "
                            "holds %llu", (unsigned long long) sb.size,
                            (unsigned long long) sb.comp_size);
    }
  else if (sb.comp_method == ZIP_CM_DEFLATE)
    {
      if (sb.size / DEFLATE_MAX_RATIO > sb.comp_size)
        return fl_io_error (err, errlen, f, name, "member declares %llu bytes from %llu "
                            "compressed: beyond deflate's largest ratio",
                            (unsigned long long) sb.size, (unsigned long long) sb.comp_size);
    }
  else
    return fl_io_error (err, errlen, f, name, "zip compression method %d (only stored and "
                        "deflated members are read)", (int) sb.comp_method);
  if (sb.size > SIZE_MAX / 2)
    return fl_io_error (err, errlen, f, name, "member of %llu bytes is too large",
                        (unsigned long long) sb.size);
  *zf = zip_fopen_index (za, idx, 0);
  if (!*zf)
    return fl_io_error (err, errlen, f, name, "cannot open the zip member: %s",
                        zip_strerror (za));
  *size = sb.size;
  return FL_OK;
}

/* Read exactly n bytes. */
static fl_status
member_read (fl_tensor_file *f, zip_file_t *zf, const char *name, void *buf, size_t n,
             char *err, size_t errlen)
{
  size_t got = 0;
  while (got < n)
    {
      zip_int64_t r = zip_fread (zf, (char *) buf + got, n - got);
      if (r < 0)
        return fl_io_error (err, errlen, f, name, "corrupt zip member: %s",
                            zip_file_strerror (zf));
      if (r == 0)
        return fl_io_error (err, errlen, f, name, "zip member ends after %zu of its %zu "
                            "declared bytes", got, n);
      got += (size_t) r;
    }
  return FL_OK;
}

/* The .npy header of a member: preamble first, then exactly the header it announces. */
static fl_status
read_header (fl_tensor_file *f, zip_file_t *zf, zip_uint64_t size, const char *name,
             fl_npy_header *h, char *err, size_t errlen)
{
  unsigned char pre[12];
  size_t n = size < sizeof pre ? (size_t) size : sizeof pre;
  fl_status st = member_read (f, zf, name, pre, n, err, errlen);
  if (st != FL_OK)
    return st;
  char msg[256];
  size_t start, hlen;
  if (fl_npy_preamble (pre, n, &start, &hlen, msg, sizeof msg))
    return fl_io_error (err, errlen, f, name, "%s", msg);
  size_t total = start + (hlen < FL_NPY_MAX_HEADER ? hlen : FL_NPY_MAX_HEADER + 1);
  if (total > size)
    total = (size_t) size;
  if (total < n)
    total = n;
  unsigned char *buf = malloc (total);
  if (!buf)
    return fl_io_error (err, errlen, f, name, "out of memory");
  memcpy (buf, pre, n);
  st = member_read (f, zf, name, buf + n, total - n, err, errlen);
  if (st == FL_OK && fl_npy_parse (buf, total, h, msg, sizeof msg))
    st = fl_io_error (err, errlen, f, name, "%s", msg);
  free (buf);
  return st;
}

/* The tensor's name: the member's name without its .npy extension (numpy's keys). */
static char *
member_stem (const char *m)
{
  size_t n = strlen (m);
  if (n > 4 && strcasecmp (m + n - 4, ".npy") == 0)
    n -= 4;
  char *s = malloc (n + 1);
  if (s)
    {
      memcpy (s, m, n);
      s[n] = 0;
    }
  return s;
}

static fl_status
npz_load (fl_tensor_file *f, size_t i, char *err, size_t errlen)
{
  npz_state *s = f->state;
  fl_tensor_entry *e = &f->t[i];
  if (s->loaded != SIZE_MAX)
    {
      fl_tensor_entry *old = &f->t[s->loaded];
      free (old->owned);
      old->owned = NULL;
      old->release = NULL;
      old->data = NULL;
      s->loaded = SIZE_MAX;
    }
  zip_file_t *zf;
  zip_uint64_t size;
  fl_status st = member_open (f, s->za, s->member[i], e->info.name, &zf, &size, err, errlen);
  if (st != FL_OK)
    return st;
  unsigned char *buf = malloc (size ? (size_t) size : 1);
  if (!buf)
    {
      zip_fclose (zf);
      return fl_io_error (err, errlen, f, e->info.name, "out of memory for %llu bytes",
                          (unsigned long long) size);
    }
  st = member_read (f, zf, e->info.name, buf, (size_t) size, err, errlen);
  if (st == FL_OK)
    {
      /* at the declared end the member must end too (this also checks its CRC) */
      char extra;
      zip_int64_t r = zip_fread (zf, &extra, 1);
      if (r > 0)
        st = fl_io_error (err, errlen, f, e->info.name, "zip member inflates beyond its "
                          "declared %llu bytes", (unsigned long long) size);
      else if (r < 0)
        st = fl_io_error (err, errlen, f, e->info.name, "corrupt zip member: %s",
                          zip_file_strerror (zf));
    }
  zip_fclose (zf);
  fl_npy_header h;
  char msg[256];
  if (st == FL_OK && fl_npy_parse (buf, (size_t) size, &h, msg, sizeof msg))
    st = fl_io_error (err, errlen, f, e->info.name, "%s", msg);
  if (st == FL_OK && (h.dtype != e->info.dtype || h.data_offset + e->info.nbytes > size))
    st = fl_io_error (err, errlen, f, e->info.name, "zip member changed while read");
  if (st != FL_OK)
    {
      free (buf);
      return st;
    }
  e->owned = buf;
  e->owned_len = (size_t) size;
  e->release = release_buffer;
  e->data = buf + h.data_offset;
  s->loaded = i;
  return FL_OK;
}

/* The end-of-central-directory record's member count against the directory's size, before
   libzip allocates a table of that many members: a 200-byte file claiming 65535 members
   would otherwise cost megabytes.  Archives without the record are left to libzip. */
static fl_status
check_directory (fl_tensor_file *f, char *err, size_t errlen)
{
  const unsigned char *m = f->map;
  if (f->size < 22)
    return FL_OK;
  size_t lo = f->size > 22 + 65535 ? f->size - 22 - 65535 : 0;
  for (size_t at = f->size - 22 + 1; at-- > lo;)
    {
      if (fl_io_le (m + at, 4) != 0x06054b50)
        continue;
      uint64_t count = fl_io_le (m + at + 10, 2), cd_size = fl_io_le (m + at + 12, 4),
               cd_off = fl_io_le (m + at + 16, 4);
      if ((count == 0xffff || cd_size == 0xffffffff || cd_off == 0xffffffff) && at >= 20
          && fl_io_le (m + at - 20, 4) == 0x07064b50)
        {
          uint64_t z = fl_io_le (m + at - 20 + 8, 8);
          if (z > f->size || f->size - z < 56 || fl_io_le (m + z, 4) != 0x06064b50)
            return fl_io_error (err, errlen, f, NULL, "zip64 directory record outside the "
                                "file");
          count = fl_io_le (m + z + 32, 8);
          cd_size = fl_io_le (m + z + 40, 8);
          cd_off = fl_io_le (m + z + 48, 8);
        }
      uint64_t need;
      if (fl_io_mul_u64 (count, 46, &need) || need > cd_size || cd_size > f->size
          || cd_off > f->size - cd_size)
        return fl_io_error (err, errlen, f, NULL, "zip directory of %llu bytes at %llu cannot "
                            "hold the %llu members it claims", (unsigned long long) cd_size,
                            (unsigned long long) cd_off, (unsigned long long) count);
      return FL_OK;
    }
  return FL_OK;
}

fl_status
fl_io_open_npz (fl_tensor_file *f, char *err, size_t errlen)
{
  fl_status cst = check_directory (f, err, errlen);
  if (cst != FL_OK)
    return cst;
  npz_state *s = calloc (1, sizeof *s);
  if (!s)
    return fl_io_error (err, errlen, f, NULL, "out of memory");
  s->loaded = SIZE_MAX;
  f->state = s;
  f->free_state = npz_free;
  f->load = npz_load;
  zip_error_t ze;
  zip_error_init (&ze);
  zip_source_t *src = zip_source_buffer_create (f->map, f->size, 0, &ze);
  if (src)
    {
      s->za = zip_open_from_source (src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
      if (!s->za)
        zip_source_free (src);
    }
  if (!s->za)
    {
      int code = zip_error_code_zip (&ze);
      fl_status st = fl_io_error (err, errlen, f, NULL, "not a readable zip archive: %s",
                                  code == ZIP_ER_EXISTS ? "two members of the same name"
                                  : code == ZIP_ER_INCONS ? "its directory and members "
                                  "disagree" : zip_error_strerror (&ze));
      zip_error_fini (&ze);
      return st;
    }
  zip_error_fini (&ze);
  zip_int64_t nm = zip_get_num_entries (s->za, 0);
  if (nm < 0 || (uint64_t) nm > f->size / 22)    /* a central directory entry takes 46 */
    return fl_io_error (err, errlen, f, NULL, "absurd member count %lld",
                        (long long) nm);
  s->member = calloc (nm ? (size_t) nm : 1, sizeof *s->member);
  if (!s->member)
    return fl_io_error (err, errlen, f, NULL, "out of memory");
  for (zip_uint64_t i = 0; i < (zip_uint64_t) nm; i++)
    {
      const char *mname = zip_get_name (s->za, i, 0);
      if (!mname)
        return fl_io_error (err, errlen, f, NULL, "zip member %llu has no name",
                            (unsigned long long) i);
      size_t ml = strlen (mname);
      if (ml && mname[ml - 1] == '/')
        continue;                                  /* a directory */
      char *name = member_stem (mname);
      if (!name)
        return fl_io_error (err, errlen, f, NULL, "out of memory");
      zip_file_t *zf;
      zip_uint64_t size;
      fl_npy_header h;
      fl_status st = member_open (f, s->za, i, name, &zf, &size, err, errlen);
      if (st == FL_OK)
        {
          st = read_header (f, zf, size, name, &h, err, errlen);
          zip_fclose (zf);
        }
      fl_tensor_entry *e = NULL;
      if (st == FL_OK)
        st = fl_io_add (f, name, h.dtype, h.descr, h.ndim, h.shape, &e, err, errlen);
      if (st == FL_OK)
        {
          size_t avail = (size_t) size - h.data_offset;
          if (h.dtype == FL_DT_OPAQUE)
            e->info.nbytes = avail;
          else if (e->info.nbytes > avail)
            st = fl_io_error (err, errlen, f, name, "truncated: %llu elements of %s need "
                              "%llu bytes, the member holds %zu after the header",
                              (unsigned long long) e->info.count, h.descr,
                              (unsigned long long) e->info.nbytes, avail);
          e->big_endian = h.big_endian;
          e->fortran_order = h.fortran_order;
          s->member[f->n - 1] = i;
        }
      free (name);
      if (st != FL_OK)
        return st;
    }
  return FL_OK;
}
