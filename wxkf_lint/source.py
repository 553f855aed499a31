"""Reading a file's bytes into text the way Python itself would (BOM, PEP 263 coding cookie).

The encoding, BOM and newline style are kept so that a fix can be written back byte-for-byte alike.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass


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


def encode(text: str, source: SourceText) -> bytes:
    """The inverse of :func:`decode` for a (fixed) text of the same file."""
    data = text.encode(source.encoding)
    return (b"\xef\xbb\xbf" + data) if source.bom else data
