"""Decoding uploaded bytes into text, with errors that say what the bytes look like."""

import codecs
import re

from pydantic import BaseModel

from spec2listing.errors import FieldError

_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook is one)",
    b"\x1f\x8b": "a gzip archive",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
LEGACY_ENCODING = "cp1252"

# Signs that bytes decoded as Windows-1252 were written in another single-byte
# encoding: an upper-case accented letter inside a lower-case word ("CafŽ" and
# "MŠrz" are Mac Roman "Café" and "März"), characters that product text does
# not use, and typographic dashes or quotes glued between two letters ("K”ln"
# is DOS code page 850 "Köln").
# NOTE: a heuristic; a file it cannot tell apart needs the `encoding` option.
_MISREAD_SIGNS = re.compile(
    r"[a-zß-öø-ÿ][À-ÖØ-ÞŠŒŽŸ]"
    r"|[A-Za-zÀ-ÖØ-öø-ÿ][ŠŒŽŸ][a-zß-öø-ÿ]"
    r"|[ˆ˜ƒ†‡‰‹›‚]"
    r"|[A-Za-zÀ-ÖØ-öø-ÿ][„–—‘“”•][A-Za-zÀ-ÖØ-öø-ÿ]"
)


class DecodedText(BaseModel):
    """Text read from an upload, with the encoding it was read in."""

    text: str
    encoding: str


def describe_binary(data: bytes) -> str:
    for signature, name in _SIGNATURES.items():
        if data.startswith(signature):
            return name
    return "binary data"


def _binary_error(file: str, data: bytes) -> FieldError | None:
    if data.startswith(_UTF16_BOMS):
        return None
    if b"\x00" in data[:4096] or any(data.startswith(sig) for sig in _SIGNATURES):
        return FieldError(
            file=file,
            path="(file)",
            value=f"first bytes {data[:8].hex(' ')}",
            message=f"the file is {describe_binary(data)}, not text",
            expected="a UTF-8 text file with a product spec",
        )
    return None


def _offset_value(data: bytes, error: UnicodeDecodeError) -> str:
    return f"byte {data[error.start : error.start + 1].hex()} at offset {error.start}"


def decode_utf8(file: str, data: bytes) -> str | FieldError:
    """Decode UTF-8 (a byte order mark is dropped), or explain why the bytes are not text."""
    decoded = decode_text(file, data)
    return decoded if isinstance(decoded, FieldError) else decoded.text


def decode_text(
    file: str, data: bytes, *, encoding: str | None = None, legacy: bool = False
) -> DecodedText | FieldError:
    """Decode an upload: the named encoding, else a byte order mark, else UTF-8.

    With `legacy`, bytes that are not UTF-8 are read as Windows-1252, the
    encoding spreadsheets on Windows save CSV in, unless the result shows signs
    of another encoding. Pure ASCII reads the same either way.
    """
    binary = _binary_error(file, data)
    if binary is not None:
        return binary
    if encoding is not None:
        return _decode_as(file, data, encoding)
    if data.startswith(_UTF16_BOMS):
        return _decode_as(file, data, "utf-16")
    try:
        return DecodedText(text=data.decode("utf-8-sig"), encoding="utf-8")
    except UnicodeDecodeError as error:
        if not legacy:
            return FieldError(
                file=file,
                path="(file)",
                value=_offset_value(data, error),
                message="the file is not valid UTF-8",
                expected="UTF-8 text; re-save the file with UTF-8 encoding",
            )
        utf8_error = error
    try:
        text = data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError as error:
        return FieldError(
            file=file,
            path="(file)",
            value=_offset_value(data, error),
            message="the file is neither UTF-8 nor Windows-1252 text",
            expected="UTF-8 text, or the file's encoding as option encoding (such as mac_roman or cp850)",
        )
    suspect = _MISREAD_SIGNS.search(text)
    if suspect is not None:
        line = text.count("\n", 0, suspect.start()) + 1
        return FieldError(
            file=file,
            path=f"line {line}",
            value=f"{suspect.group(0)!r} when read as Windows-1252 ({_offset_value(data, utf8_error)} is not UTF-8)",
            message="the file is not UTF-8 and reads as garbled Windows-1252 text",
            expected="UTF-8 text, or the file's encoding as option encoding (such as mac_roman or cp850)",
        )
    return DecodedText(text=text, encoding=LEGACY_ENCODING)


def _decode_as(file: str, data: bytes, encoding: str) -> DecodedText | FieldError:
    name = codecs.lookup(encoding).name
    codec = "utf-8-sig" if name == "utf-8" else name
    try:
        return DecodedText(text=data.decode(codec), encoding=name)
    except UnicodeDecodeError as error:
        return FieldError(
            file=file,
            path="(file)",
            value=_offset_value(data, error),
            message=f"the file is not valid {name}",
            expected=f"text in {name}, or the file's real encoding as option encoding",
        )
