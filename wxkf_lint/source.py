"""Reading a file's bytes into text the way Python itself would (BOM, PEP 263 coding cookie).

The encoding, BOM and newline style are kept so that a fix can be written back byte-for-byte alike.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from typing import Optional


class DecodeError(Exception):
    """The bytes are not text in the encoding the file declares (reported as WXK002)."""


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str
    bom: bool
    newline: str


def _newline_of(text: str) -> str:
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    if index < 0 and "\r" in text:
        return "\r"
    return "\n"


def decode(data: bytes) -> SourceText:
    """Decode source bytes: a UTF-8 BOM wins, then a coding cookie, then UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise DecodeError(str(error)) from None
    bom = encoding == "utf-8-sig"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise DecodeError(f"cannot decode as {encoding}: {error}") from None
    return SourceText(text=text, encoding="utf-8" if bom else encoding, bom=bom, newline=_newline_of(text))


#: byte order marks of the encodings Python source cannot be in (it must be ASCII-compatible, PEP 263)
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian byte order mark)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian byte order mark)"),
    (b"\xff\xfe", "UTF-16 (little-endian byte order mark)"),
    (b"\xfe\xff", "UTF-16 (big-endian byte order mark)"),
)


def wide_encoding(data: bytes) -> Optional[str]:
    """The name of the UTF-16/UTF-32 encoding ``data`` declares by its byte order mark, if it does.

    Such a file is text, but not Python source (CPython refuses it too); its WeCom markers are not
    ASCII bytes, so without this test the prefilter would pass over it in silence.
    """
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return None


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes, whatever encoding the file was in (one measure for every front end)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def encode(text: str, source: SourceText) -> bytes:
    """The inverse of :func:`decode` for a (fixed) text of the same file."""
    data = text.encode(source.encoding)
    return (b"\xef\xbb\xbf" + data) if source.bom else data
