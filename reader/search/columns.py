"""A segment's per-document columns as NumPy arrays: field lengths (for BM25F) and publication dates.

Read straight from Whoosh's W3 codec columns (one ``frombuffer`` a column instead of one Python call a
document); anything unexpected in that private layout falls back to reading document by document,
slow but sure. Used by :class:`reader.search.engine.Engine`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, cast

import numpy as np
from whoosh.columns import TranslatingColumnReader
from whoosh.reading import IndexReader
from whoosh.util.times import datetime_to_long

from reader.log import DEBUG, log_exception


class _RawColumn(Protocol):
    """The fixed-width column reader of Whoosh's W3 codec, as far as :func:`_column_ints` reads its
    private layout (anything else there fails the probe and falls back to indexing)."""

    _typecode: str
    _fixedlen: int
    _count: int
    _default: Any
    _dbfile: Any
    _basepos: int

    def __getitem__(self, docnum: int) -> Any: ...


class _Segment(Protocol):
    """What :func:`_field_lengths` and :func:`_dates` read of a segment reader's private layout (W3
    codec; when it differs, they read document by document)."""

    _perdoc: Any


def _column_ints(raw: _RawColumn | None, count: int, default: int = 0) -> np.ndarray:
    """A fixed-width numeric column of a segment of ``count`` documents as ``count`` int64 values.

    Whoosh writes a column value only up to the last document that has a non-default value: when
    the last documents have none (an empty field, e.g. a title of stop words only, no place
    entity, no date), the column holds fewer than ``count`` values and the reader answers the
    default for the rest. So exactly the stored values are decoded at once (big-endian, as Whoosh
    packs them) and the rest is the default; a column that is absent (no document has a value)
    is all default. Anything unexpected in the private layout: value by value, slow but sure.
    Unsigned 64-bit values past the int64 range wrap to negative numbers.
    """
    if raw is None or count <= 0:
        return np.full(max(0, count), default, dtype=np.int64)
    try:
        dtype = np.dtype(">" + raw._typecode)
        if dtype.itemsize != raw._fixedlen:
            raise ValueError("unexpected column width")
        stored = max(0, min(count, int(raw._count)))
        out = np.full(count, raw._default, dtype=dtype)
        if stored:
            data = raw._dbfile.get(raw._basepos, stored * dtype.itemsize)
            out[:stored] = np.frombuffer(data, dtype=dtype, count=stored)
        probe = sorted({0, stored - 1, stored, count - 1} | set(range(0, count, max(1, count // 7))))
        if all(int(out[i]) == int(raw[i]) for i in probe if 0 <= i < count):
            return out.astype(np.int64)
    except Exception:  # noqa: BLE001 - private layout changed: slow but sure
        log_exception(__name__, "a column of the index is not in the expected layout: decoded value by value", level=DEBUG)
    return np.fromiter((_int64(raw[d]) for d in range(count)), dtype=np.int64, count=count)


def _int64(value: Any) -> int:
    value = int(value or 0)
    return value - (1 << 64) if value >= (1 << 63) else value


def field_lengths(leaf: IndexReader, field: str, count: int) -> np.ndarray:
    """Each document's length in ``field`` (0 where the field is empty), exactly ``count`` values."""
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        raw = cast(_Segment, leaf)._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        table = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
        return table[np.clip(_column_ints(raw, count), 0, 255)]
    except Exception:  # noqa: BLE001
        log_exception(__name__, "field lengths of %r not in the expected layout: read document by document", field, level=DEBUG)
        return np.array([leaf.doc_field_length(d, field) or 0 for d in range(count)], dtype=np.float32)


def published_dates(leaf: IndexReader, count: int) -> np.ndarray:
    try:
        if not cast(_Segment, leaf)._perdoc.has_column("published"):  # no dated article in this segment
            return np.zeros(count, dtype=np.int64)
        return _column_ints(cast(TranslatingColumnReader, leaf.column_reader("published")).raw_column(), count)
    except Exception:  # noqa: BLE001 - no column: the stored fields
        log_exception(__name__, "no published column: dates read from the stored fields", level=DEBUG)
        vals = []
        for d in range(count):
            pub = leaf.stored_fields(d).get("published")
            vals.append(datetime_to_long(pub) if isinstance(pub, dt.datetime) else 0)
        return np.array(vals, dtype=np.int64)
