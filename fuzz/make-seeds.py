#!/usr/bin/python3
"""Regenerate the seed corpora of the tensor reader fuzz targets (fuzz/corpus/<reader>/):
small valid files of each reader's format.  Run with Debian's /usr/bin/python3 (numpy)."""
import io
import json
import os
import struct
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def put(kind, name, data):
    d = os.path.join(HERE, 'corpus', kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def npy_bytes(a, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


rng = np.random.default_rng(1)
for code in ['<f4', '>f8', '<f2', '|i1', '<u2', '>i4', '|b1', '<i8']:
    a = (rng.standard_normal((3, 4)) * 10).astype(code)
    put('npy', 'c%s.npy' % code.replace('<', 'le').replace('>', 'be').replace('|', ''),
        npy_bytes(a))
put('npy', 'fortran.npy', npy_bytes(np.asfortranarray(np.arange(24, dtype='<f4').reshape(2, 3, 4))))
put('npy', 'v2.npy', npy_bytes(np.arange(5, dtype='<f4'), (2, 0)))
put('npy', 'v3.npy', npy_bytes(np.arange(5, dtype='<f4'), (3, 0)))
put('npy', 'scalar.npy', npy_bytes(np.array(1.5)))
put('npy', 'structured.npy', npy_bytes(np.zeros(2, dtype=[('a', '<f4'), ('b', '<i2')])))

for name, fn in [('stored.npz', np.savez), ('deflated.npz', np.savez_compressed)]:
    b = io.BytesIO()
    fn(b, w=np.arange(12, dtype='<f4').reshape(3, 4), b=np.array([1, -2], dtype='>i2'))
    put('npz', name, b.getvalue())


def st(header, data):
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    return struct.pack('<Q', len(h)) + h + data


f4 = np.arange(6, dtype='<f4').tobytes()
put('safetensors', 'f32.safetensors', st({'__metadata__': {'format': 'pt'},
                                          'w': {'dtype': 'F32', 'shape': [2, 3], 'data_offsets': [0, 24]}}, f4))
put('safetensors', 'mixed.safetensors', st({
    'a': {'dtype': 'BF16', 'shape': [2], 'data_offsets': [0, 4]},
    'b': {'dtype': 'F8_E4M3', 'shape': [2], 'data_offsets': [4, 6]},
    'c': {'dtype': 'I64', 'shape': [], 'data_offsets': [6, 14]},
    'd': {'dtype': 'F8_E8M0', 'shape': [2], 'data_offsets': [14, 16]},
    'e': {'dtype': 'BOOL', 'shape': [0], 'data_offsets': [16, 16]}}, bytes(range(16))))

put('text', 'matrix.csv', b'# w\n1, 2, 3\n4.5, -0x1p-3, nan\n')
put('text', 'vector.txt', b'1e-30 2e+30\ninf -inf\n 0.1\n')
