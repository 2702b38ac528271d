"""Decoding uploaded bytes into text, with errors that say what the bytes look like."""

from spec2listing.errors import FieldError

_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook is one)",
    b"\x1f\x8b": "a gzip archive",
}


def describe_binary(data: bytes) -> str:
    for signature, name in _SIGNATURES.items():
        if data.startswith(signature):
            return name
    return "binary data"


def decode_utf8(file: str, data: bytes) -> str | FieldError:
    """Decode UTF-8 (a byte order mark is dropped), or explain why the bytes are not text."""
    if b"\x00" in data[:4096] or any(data.startswith(sig) for sig in _SIGNATURES):
        return FieldError(
            file=file,
            path="(file)",
            value=f"first bytes {data[:8].hex(' ')}",
            message=f"the file is {describe_binary(data)}, not text",
            expected="a UTF-8 text file with a product spec",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return FieldError(
            file=file,
            path="(file)",
            value=f"byte {data[error.start : error.start + 1].hex()} at offset {error.start}",
            message="the file is not valid UTF-8",
            expected="UTF-8 text; re-save the file with UTF-8 encoding",
        )
