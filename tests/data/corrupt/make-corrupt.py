#!/usr/bin/python3
"""Regenerate the corrupt tensor files of tests/data/corrupt/ (one directory per reader).

Every file must make its reader fail cleanly: a non-OK status and a one-line message naming
the file (and the tensor) and the problem, no crash, no allocation larger than the file.
Raw arrays need a layout: FILE.bin comes with FILE.args, the fmtlab options to read it.
Run: /usr/bin/python3 tests/data/corrupt/make-corrupt.py  (from anywhere)."""
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(kind, name, data):
    d = os.path.join(HERE, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


# ---- .npy ----
def npy(header, data=b'', major=1, hlen=None):
    h = header.encode('latin1')
    pre = b'\x93NUMPY' + bytes([major, 0])
    n = len(h) if hlen is None else hlen
    pre += struct.pack('<H', n) if major == 1 else struct.pack('<I', n)
    return pre + h + data


GOOD = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n"
good = npy(GOOD, struct.pack('<4f', 1, 2, 3, 4))
put('npy', 'bad_magic.npy', b'\x93NUMPX' + good[6:])
put('npy', 'trunc_magic.npy', good[:4])
put('npy', 'trunc_version.npy', good[:7])
put('npy', 'trunc_hlen_v1.npy', good[:9])
put('npy', 'trunc_hlen_v2.npy', npy(GOOD, major=2)[:11])
put('npy', 'trunc_header.npy', good[:30])
put('npy', 'hlen_beyond_file.npy', npy(GOOD, hlen=60000))
put('npy', 'hlen_huge_v2.npy', npy(GOOD, major=2, hlen=0xffffffff))
put('npy', 'bad_version.npy', npy(GOOD, major=9))
put('npy', 'not_a_dict.npy', npy("['descr', '<f4']\n"))
put('npy', 'negative_dim.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, -1), }\n"))
put('npy', 'shape_overflow.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }\n"))
put('npy', 'bytes_overflow.npy', npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }\n"))
put('npy', 'dim_digits_overflow.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }\n"))
put('npy', 'data_truncated.npy', npy("{'descr': '<f8', 'fortran_order': True, 'shape': (10, 100), }\n", b'\0' * 10))
put('npy', 'too_many_dims.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }\n" % ('1, ' * 20)))
put('npy', 'missing_key.npy', npy("{'descr': '<f4', 'shape': (4,), }\n", b'\0' * 16))
put('npy', 'repeated_key.npy', npy("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (4,), }\n", b'\0' * 32))
put('npy', 'bad_fortran.npy', npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,), }\n", b'\0' * 16))
put('npy', 'unterminated_string.npy', npy("{'descr': '<f4, 'fortran_order': False, 'shape': (4,)}\n"))
put('npy', 'deep_descr.npy', npy("{'descr': %s, 'fortran_order': False, 'shape': (4,), }\n" % ('[' * 100 + ']' * 100)))
put('npy', 'text_after_dict.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), } x\n", b'\0' * 16))
put('npy', 'control_bytes_key.npy', npy("{'descr': '<f4', 'fort\x01\x1b[31m': False, 'shape': (4,), }\n", b'\0' * 16))


# ---- .npz: zip files built by hand so that every field can lie ----
def zip_file(members, eocd_count=None):
    """members: dicts with name, data (stored bytes), method, crc, size (declared)."""
    out = b''
    central = b''
    for m in members:
        name = m['name'].encode()
        data = m['data']
        size = m.get('size', len(data))
        crc = m.get('crc', 0)
        comp = len(data)
        extra = b''
        s32, c32 = size, comp
        if size > 0xffffffff:
            extra = struct.pack('<HHQQ', 1, 16, size, comp)
            s32 = c32 = 0xffffffff
        off = len(out)
        out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 45 if extra else 20, 0, m['method'],
                           0, 0, crc, c32, s32, len(name), len(extra)) + name + extra + data
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45 if extra else 20,
                               45 if extra else 20, 0, m['method'], 0, 0, crc, c32, s32,
                               len(name), len(extra), 0, 0, 0, 0, off) + name + extra
    n = len(members) if eocd_count is None else eocd_count
    eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, n, n, len(central), len(out), 0)
    return out + central + eocd


def deflate(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


def stored(name, payload, **kw):
    return dict(name=name, data=payload, method=0, crc=zlib.crc32(payload), **kw)


def deflated(name, payload, **kw):
    d = dict(name=name, data=deflate(payload), method=8, crc=zlib.crc32(payload),
             size=len(payload))
    d.update(kw)
    return d


put('npz', 'not_zip.npz', b'PK\x03\x04' + b'\xff' * 60)
put('npz', 'truncated.npz', zip_file([stored('a.npy', good), stored('b.npy', good)])[:150])
put('npz', 'member_claims_2e40.npz', zip_file([deflated('a.npy', good, size=1 << 40)]))
put('npz', 'stored_size_lies.npz', zip_file([stored('a.npy', good, size=1 << 30)]))
bomb = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }\n", b'\0' * 64)
put('npz', 'deflate_bomb.npz', zip_file([deflated('a.npy', bomb + b'\0' * (4 << 20), size=len(bomb),
                                                 crc=zlib.crc32(bomb))]))
put('npz', 'member_bad_npy.npz', zip_file([stored('a.npy', b'\x93NUMPY\x01\x00\xff\xff{')]))
put('npz', 'member_data_truncated.npz', zip_file([deflated('a.npy', npy(
    "{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }\n", b'\0' * 10))]))
flipped = bytearray(good)
flipped[-1] ^= 0xff
put('npz', 'bad_crc.npz', zip_file([dict(stored('a.npy', good), data=bytes(flipped))]))
put('npz', 'duplicate_names.npz', zip_file([stored('a.npy', good), stored('a.npy', good)]))
put('npz', 'bad_method.npz', zip_file([dict(stored('a.npy', good), method=99)]))
put('npz', 'absurd_count.npz', zip_file([stored('a.npy', good)], eocd_count=65535))
put('npz', 'short_member.npz', zip_file([stored('a.npy', good[:9])]))


# ---- safetensors ----
def st(header, data=b'', hlen=None):
    h = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack('<Q', len(h) if hlen is None else hlen) + h + data


F4 = struct.pack('<4f', 1, 2, 3, 4)
put('safetensors', 'trunc_length.safetensors', b'\x10\0\0\0\0')
put('safetensors', 'hlen_beyond_file.safetensors', st({'a': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]}}, F4, hlen=4096))
put('safetensors', 'hlen_huge.safetensors', st(b'{}', hlen=1 << 63))
put('safetensors', 'bad_json.safetensors', st(b'{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]', F4))
put('safetensors', 'not_object.safetensors', st(b'[1, 2, 3]'))
put('safetensors', 'nan_in_header.safetensors', st(b'{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 16]}}', F4))
put('safetensors', 'duplicate_names.safetensors', st(b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}', F4))
put('safetensors', 'offsets_outside.safetensors', st({'a': {'dtype': 'F32', 'shape': [4], 'data_offsets': [8, 24]}}, F4))
put('safetensors', 'offsets_huge.safetensors', st({'a': {'dtype': 'U8', 'shape': [4], 'data_offsets': [0, 1 << 60]}}, F4))
put('safetensors', 'begin_after_end.safetensors', st({'a': {'dtype': 'U8', 'shape': [0], 'data_offsets': [12, 4]}}, F4))
put('safetensors', 'overlapping.safetensors', st({'a': {'dtype': 'F32', 'shape': [3], 'data_offsets': [0, 12]},
                                                 'b': {'dtype': 'F32', 'shape': [2], 'data_offsets': [8, 16]}}, F4))
put('safetensors', 'shape_mismatch.safetensors', st({'a': {'dtype': 'F32', 'shape': [3], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'shape_overflow.safetensors', st({'a': {'dtype': 'F32', 'shape': [1 << 40, 1 << 40], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'negative_dim.safetensors', st({'a': {'dtype': 'F32', 'shape': [-4], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'float_dim.safetensors', st({'a': {'dtype': 'F32', 'shape': [4.0], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'too_many_dims.safetensors', st({'a': {'dtype': 'F32', 'shape': [1] * 20, 'data_offsets': [0, 4]}}, F4))
put('safetensors', 'no_dtype.safetensors', st({'a': {'shape': [4], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'metadata_not_strings.safetensors', st({'__metadata__': {'k': 1}, 'a': {'dtype': 'F32', 'shape': [4], 'data_offsets': [0, 16]}}, F4))
put('safetensors', 'description_not_object.safetensors', st({'a': [1, 2]}, F4))


# ---- raw (FILE.bin with FILE.args) ----
def raw(name, data, args):
    put('raw', name + '.bin', data)
    put('raw', name + '.args', (args + '\n').encode())


raw('short', F4, '--dtype f32 --shape 100')
raw('not_whole_elements', b'\0' * 7, '--dtype f64')
raw('offset_beyond', F4, '--dtype f32 --offset 1000')
raw('shape_overflow', F4, '--dtype f32 --shape 4294967296,4294967296,16')
raw('shape_beyond_offset', F4, '--dtype u8 --shape 16 --offset 4')

# ---- text ----
put('text', 'malformed.txt', b'1 2 3\n4 x5 6\n')
put('text', 'empty_field.csv', b'1,2,3\n4,,6\n')
put('text', 'trailing_comma.csv', b'1,2,3,\n')
put('text', 'leading_comma.csv', b',1,2\n')
put('text', 'nul_byte.txt', b'1 2\n3\x00 4\n')
put('text', 'only_comments.txt', b'# nothing here\n   # nor here\n')
put('text', 'empty.txt', b'')
put('text', 'field_too_long.txt', b'1 ' + b'7' * 500 + b'\n')
put('text', 'binary.txt', bytes(range(1, 256)) * 4)
put('text', 'two_points.txt', b'1.5 2.5.5\n')
