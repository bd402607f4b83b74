"""Bounded decoding of a response body's Content-Encoding layers. Pure.

Bodies are read raw and decoded here, not by the HTTP library, so that every layer is cut
as it streams: each layer yields pieces of at most ``PIECE`` bytes and stops once it has
produced more than the limit, so ``gzip, gzip`` around gigabytes of zeros costs a few
hundred kilobytes of memory, not the gigabytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

PIECE = 64 * 1024
MAX_LAYERS = 2
_NAMES = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}


class DecodeError(ValueError):
    """The body cannot be decoded: an unknown or excessive encoding, or corrupt data."""


class TooLarge(ValueError):
    """A layer produced more than the limit."""


def encodings(header: str | None) -> list[str]:
    """The layers of a Content-Encoding header, in the order they were applied; raises
    ``DecodeError`` for an encoding we did not ask for or more than ``MAX_LAYERS``."""
    names = [n.strip().lower() for n in (header or "").split(",")]
    layers = [n for n in names if n and n != "identity"]
    for name in layers:
        if name not in _NAMES:
            raise DecodeError(f"unsupported Content-Encoding {name[:40]!r}")
    if len(layers) > MAX_LAYERS:
        raise DecodeError(f"{len(layers)} stacked Content-Encodings (at most {MAX_LAYERS})")
    return [_NAMES[n] for n in layers]


class _Layer:
    """One zlib stream (gzip members one after another, or deflate with or without its
    zlib header), emitting bounded pieces."""

    def __init__(self, kind: str, limit: int) -> None:
        self.kind = kind
        self.limit = limit
        self.produced = 0
        self.fed = False
        self._raw_deflate_tried = kind != "deflate"
        self._d = self._new()

    def _new(self, raw: bool = False) -> zlib._Decompress:
        if self.kind == "gzip":
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        self.fed = self.fed or bool(data)
        while True:
            if self._d.eof:
                rest = self._d.unused_data + data
                if self.kind != "gzip" or not rest.startswith(b"\x1f\x8b"):
                    return  # trailing bytes after the stream: ignored, as browsers do
                self._d, data = self._new(), rest  # the next gzip member
            if not data:  # output still held back by the last max_length
                while not self._d.eof and (out := self._d.decompress(b"", PIECE)):
                    yield from self._emit(out)
                return
            try:
                out = self._d.decompress(data, PIECE)
            except zlib.error as exc:
                if not self._raw_deflate_tried and self.produced == 0:
                    self._raw_deflate_tried = True  # "deflate" sent without its zlib header
                    self._d = self._new(raw=True)
                    continue
                raise DecodeError(f"corrupt {self.kind} data: {exc}") from None
            self._raw_deflate_tried = True
            data = self._d.unconsumed_tail
            if out:
                yield from self._emit(out)
            elif not data and not self._d.eof:
                return

    def _emit(self, out: bytes) -> Iterator[bytes]:
        self.produced += len(out)
        if self.produced > self.limit:
            raise TooLarge(f"a {self.kind} layer exceeds the {self.limit}-byte limit")
        yield out


    def finish(self) -> None:
        """Raise ``DecodeError`` when the stream stopped before its end (a cut body)."""
        if self.fed and not self._d.eof:
            raise DecodeError(f"truncated {self.kind} data: the stream ends before its end "
                              "marker")


def _through(layer: _Layer, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


class Decoder:
    """Decodes raw body chunks through the given layers (outermost last, as in the header);
    every layer's output is bounded by ``limit``."""

    def __init__(self, layers: list[str], limit: int) -> None:
        self._layers = [_Layer(kind, limit) for kind in reversed(layers)]

    def decode(self, chunk: bytes) -> Iterator[bytes]:
        pieces: Iterable[bytes] = (chunk,)
        for layer in self._layers:
            pieces = _through(layer, pieces)
        yield from pieces

    def finish(self) -> None:
        """Check that every layer reached its end once the body is read: a gzip cut short
        (its Content-Length or last chunk matching the cut) is an error, not a partial text
        stored for good."""
        for layer in self._layers:
            layer.finish()
