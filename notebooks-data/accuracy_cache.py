"""accuracy_cache.py CACHE.csv NEW.csv -- merge the rows of NEW.csv (ocr-cer.sh's cer.csv or
vad-agree.sh's vad.csv) into the accuracy cache CACHE.csv that 'fmtlab study' reads
(doc/studies.md).  A row's key is its first four columns (model_sha256, format, scale,
granularity): a new row replaces the cached row of the same key (the last of NEW's rows of
one key wins).  Both files must have the same header.  Written to a temporary file and
renamed into place."""
import csv
import os
import sys
import tempfile


def main():
    cache, new = sys.argv[1], sys.argv[2]
    with open(new, newline="") as f:
        rows = list(csv.reader(f))
    header, fresh = rows[0], list({tuple(r[:4]): r for r in rows[1:]}.values())
    kept = []
    if os.path.exists(cache):
        with open(cache, newline="") as f:
            old = list(csv.reader(f))
        if old and old[0] != header:
            sys.exit(f"accuracy_cache.py: {cache}: header {old[0]} differs from {new}'s {header}")
        keys = {tuple(r[:4]) for r in fresh}
        kept = [r for r in old[1:] if tuple(r[:4]) not in keys]
    os.makedirs(os.path.dirname(os.path.abspath(cache)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(cache)), suffix=".tmp")
    with os.fdopen(fd, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(kept + fresh)
    os.chmod(tmp, 0o644)
    os.replace(tmp, cache)


if __name__ == "__main__":
    main()
