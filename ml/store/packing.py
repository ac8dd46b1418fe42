"""Compressed snapshot values on SQLite: the JSON of a profile, a feature set or an answer,
stored as a zstd frame behind a short header.

Why: a snapshot row is about 18 KiB of JSON (the profile 3, the model inputs 7 and the
precomputed answer 8). At 4.3 million employees that is about 79 GB, beyond a small server's
disk; packed it is about 4.3 KiB a row (bench/snapshot_national.py). PostgreSQL already
compresses these columns itself (lz4, migration 0006), so there they stay plain text.

A packed value is ``MAGIC + uint32 length (little endian) + zstd frame``. JSON text never starts
with a NUL byte, so a plain value (a store written before packing, or PostgreSQL's) is told
apart by its first bytes and read as it is: no migration, and both kinds may sit side by side.
SQLite keeps a BLOB in a TEXT column as it is given (type affinity converts numbers only).
zstd comes from pyarrow, already a dependency, at level 3 (levels 1–6 differ by 5 % here).
"""

from __future__ import annotations

import struct

import pyarrow as pa

MAGIC = b"\x00TZ1"
_HEADER = struct.Struct("<I")
_START = len(MAGIC) + _HEADER.size
_CODEC = pa.Codec("zstd", compression_level=3)


def pack(data: bytes) -> bytes:
    """``data`` compressed, with the header that :func:`unpack` reads."""
    return MAGIC + _HEADER.pack(len(data)) + _CODEC.compress(data, asbytes=True)


def is_packed(value: bytes | bytearray | memoryview | str) -> bool:
    return not isinstance(value, str) and bytes(value[: len(MAGIC)]) == MAGIC


def unpack(value: bytes | bytearray | memoryview) -> bytes:
    """The bytes that were packed; a value that was never packed, unchanged."""
    value = bytes(value)
    if not value.startswith(MAGIC):
        return value
    (size,) = _HEADER.unpack_from(value, len(MAGIC))
    return bytes(_CODEC.decompress(value[_START:], decompressed_size=size, asbytes=True))


def unpack_text(value: bytes | bytearray | memoryview | str) -> str:
    """A JSON column's text, whether it was stored packed (bytes) or plain (text)."""
    if isinstance(value, str):
        return value
    return unpack(value).decode()
