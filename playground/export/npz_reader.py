"""Reading an uploaded .npz of weights without trusting it.

`numpy.load` trusts the file: an .npy header that claims a shape of 1e10 makes it allocate
80 GB before it reads a byte, and a zip member that is encrypted, compressed with an unknown
method or corrupted raises whatever `zipfile` raises. Here every member's zip header and .npy
header (magic, shape, dtype) is checked against the network's expected shapes before anything
is inflated or allocated, the archive's size and member count are bounded by what the network's
weights can take, and every failure of the parsers becomes one `WeightsFileError` line.
"""

from __future__ import annotations

import io
import math
import struct
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy

from ..config import show_value

MAX_HEADER_BYTES = 4096      # numpy writes 128 bytes for these arrays; allow generous padding
ZIP_OVERHEAD = 1024          # per member: local and central headers, name, extras, descriptor
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}  # what numpy.savez(_compressed) writes
NPY_MAGIC = b"\x93NUMPY"
# Everything the zip, zlib and .npy parsers are known to raise on a broken or hostile file.
PARSER_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError,
                 ValueError, KeyError, TypeError, OverflowError, MemoryError, zlib.error, struct.error,
                 SyntaxError, RecursionError)


class WeightsFileError(ValueError):
    """An uploaded weights file that cannot be used, with the reason on one line."""


def member_limit(shape: tuple[int, ...]) -> int:
    """The largest .npy member (bytes) an array of `shape` can take: 8 bytes a value plus a header."""
    return 8 * math.prod(shape) + MAX_HEADER_BYTES


def read_weights(data: bytes, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """The float64 arrays w000, w001, ... of an .npz file, each checked to have its shape in `shapes`.

    Raises WeightsFileError (a ValueError) saying what is wrong, whatever the bytes are.
    """
    try:
        return _read(bytes(data), [tuple(int(n) for n in shape) for shape in shapes])
    except WeightsFileError:
        raise
    except PARSER_ERRORS as exc:
        reason = " ".join(str(exc).split())[:120] or "no details"
        raise WeightsFileError(f"The weights file cannot be read ({type(exc).__name__}: {reason}).") from None


def _read(data: bytes, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    if data.startswith(NPY_MAGIC):
        raise WeightsFileError("Expected an .npz archive of weight arrays. Received: a single .npy array")
    limit = 2 * sum(member_limit(shape) + ZIP_OVERHEAD for shape in shapes) + 64 * 1024
    if len(data) > limit:
        raise WeightsFileError(f"The weights of this network ({len(shapes)} arrays) fit in {limit:,} bytes. "
                               f"Received: a {len(data):,}-byte file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except PARSER_ERRORS as exc:
        raise WeightsFileError(f"Not a weights .npz file ({type(exc).__name__}: {str(exc)[:80]}).") from None
    with archive:
        wanted = [f"w{index:03d}.npy" for index in range(len(shapes))]
        names = sorted(info.filename for info in archive.infolist())
        if names != wanted:
            shown = ", ".join(show_value(name) for name in names[:6]) + (", ..." if len(names) > 6 else "")
            raise WeightsFileError(f"The weights file does not fit this network: it needs {len(shapes)} arrays "
                                   f"named w000..w{len(shapes) - 1:03d}. Received: {len(names)} members ({shown})")
        return [_member(archive, archive.getinfo(name), shape) for name, shape in zip(wanted, shapes, strict=True)]


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shape: tuple[int, ...]) -> np.ndarray:
    """One member's array, its zip header and .npy header checked before its data is read."""
    name = info.filename.removesuffix(".npy")
    if info.flag_bits & 0x1:
        raise WeightsFileError(f"Weight {name} is encrypted. Expected the plain .npz that numpy.savez writes")
    if info.compress_type not in METHODS:
        raise WeightsFileError(f"Weight {name} uses zip compression method {info.compress_type}. Expected "
                               f"{' or '.join(METHODS.values())} (what numpy.savez writes)")
    if info.file_size > member_limit(shape):
        raise WeightsFileError(f"Weight {name} should have shape {shape}. Received: a {info.file_size:,}-byte array")
    with archive.open(info) as stream:
        version = npy.read_magic(stream)
        readers = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}
        if version not in readers:
            raise WeightsFileError(f"Weight {name} is an .npy array of format version {version}. Expected 1.0 "
                                   "or 2.0")
        found, fortran_order, dtype = readers[version](stream, max_header_size=MAX_HEADER_BYTES)
        if dtype.hasobject:
            raise WeightsFileError(f"Weight {name} is not a plain numeric array (it holds Python objects, "
                                   "which would need pickle).")
        if dtype.kind not in "fiu" or dtype.itemsize > 8:
            raise WeightsFileError(f"Weight {name} must hold real numbers. Received: dtype={dtype}")
        if tuple(found) != shape:
            raise WeightsFileError(f"Weight {name} should have shape {shape}. Received: shape={tuple(found)}")
        size = math.prod(shape) * dtype.itemsize
        raw = stream.read(size)
        if len(raw) != size:
            raise WeightsFileError(f"Weight {name} is truncated: {len(raw):,} of its {size:,} bytes")
        if stream.read(1):  # reading to the end also checks the member's CRC
            raise WeightsFileError(f"Weight {name} has data after its {size:,} bytes")
    array = np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
    return array.astype(np.float64)
