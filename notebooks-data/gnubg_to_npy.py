"""gnubg_to_npy.py WD_FILE OUT_DIR -- GNU Backgammon's gnubg.wd to one .npy per tensor.

Layout (doc/data.md): float32 magic 472.3782, float32 version 1.0, then six nets, each:
int32 cInput, cHidden, cOutput, nTrained; float32 betaHidden, betaOutput; float32 hidden
weights [cInput][cHidden], output weights [cOutput][cHidden], hidden bias [cHidden], output
bias [cOutput].  Little-endian (the amd64 package).  The parse must consume the file exactly;
any other size, magic or version is an error.  Scalars go to nets.json.
"""
import json
import os
import sys

import numpy as np

NETS = ("contact", "race", "crashed", "pruning_contact", "pruning_crashed", "pruning_race")
MAGIC = np.float32(472.3782)
# Sizes stated by the source (issue 8); checked so that a different file cannot slip by.
EXPECTED = {"contact": (250, 128, 5), "race": (214, 128, 5), "crashed": (250, 128, 5),
            "pruning_contact": (200, 16, 5), "pruning_crashed": (200, 16, 5),
            "pruning_race": (200, 8, 5)}


def fail(msg):
    sys.stderr.write("gnubg_to_npy.py: %s\n" % msg)
    sys.exit(1)


def main():
    if len(sys.argv) != 3:
        fail("usage: gnubg_to_npy.py WD_FILE OUT_DIR")
    path, out = sys.argv[1], sys.argv[2]
    data = open(path, "rb").read()
    pos = 0

    def take(dtype, count):
        nonlocal pos
        size = np.dtype(dtype).itemsize * count
        if pos + size > len(data):
            fail("%s: truncated at byte %d (need %d more bytes)" % (path, pos, size))
        arr = np.frombuffer(data, dtype=dtype, count=count, offset=pos)
        pos += size
        return arr

    magic, version = take("<f4", 2)
    if magic != MAGIC or version != np.float32(1.0):
        fail("%s: magic %r version %r, expected 472.3782 and 1.0" % (path, magic, version))
    meta = {"source": "gnubg.wd", "magic": float(magic), "version": float(version), "nets": {}}
    total = 0
    os.makedirs(out, exist_ok=True)
    for net in NETS:
        c_input, c_hidden, c_output, n_trained = (int(v) for v in take("<i4", 4))
        beta_hidden, beta_output = (float(v) for v in take("<f4", 2))
        if (c_input, c_hidden, c_output) != EXPECTED[net]:
            fail("%s: net %s is %d-%d-%d, expected %d-%d-%d"
                 % ((path, net, c_input, c_hidden, c_output) + EXPECTED[net]))
        tensors = {
            "hidden_weight": take("<f4", c_input * c_hidden).reshape(c_input, c_hidden),
            "output_weight": take("<f4", c_output * c_hidden).reshape(c_output, c_hidden),
            "hidden_bias": take("<f4", c_hidden),
            "output_bias": take("<f4", c_output),
        }
        for part, arr in tensors.items():
            if not np.all(np.isfinite(arr)):
                fail("%s: %s.%s has NaN or Inf values" % (path, net, part))
            np.save(os.path.join(out, "%s.%s.npy" % (net, part)), arr.astype("<f4"))
            total += arr.size
        meta["nets"][net] = {"cInput": c_input, "cHidden": c_hidden, "cOutput": c_output,
                             "nTrained": n_trained, "betaHidden": beta_hidden,
                             "betaOutput": beta_output}
    if pos != len(data):
        fail("%s: %d bytes left after the six nets" % (path, len(data) - pos))
    meta["tensors"] = 4 * len(NETS)
    meta["values"] = total
    with open(os.path.join(out, "nets.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    print("gnubg_to_npy.py: %d tensors, %d values" % (meta["tensors"], total))


if __name__ == "__main__":
    main()
