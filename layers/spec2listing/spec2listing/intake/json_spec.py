"""Canonical JSON specs: one product object, a list of them, or {"products": [...]}."""

import json
from collections.abc import Callable
from typing import Any

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import format_location
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate, file_rejection
from spec2listing.intake.text import decode_utf8

_EXPECTED_DOCUMENT = 'a JSON object with a product spec, a list of them, or {"products": [...]}'


def read_json_specs(file: str, data: bytes) -> ReadResult:
    text = decode_utf8(file, data)
    if isinstance(text, FieldError):
        return ReadResult(rejections=[Rejection(origin="(file)", errors=[text])])
    if not text.strip():
        return ReadResult(rejections=[file_rejection(file, "(file)", "the file is empty", _EXPECTED_DOCUMENT)])
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip())
        hint = "; the file looks truncated" if truncated else ""
        return ReadResult(
            rejections=[
                file_rejection(
                    file,
                    f"line {error.lineno} column {error.colno}",
                    f"invalid JSON: {error.msg}{hint}",
                    "complete, valid JSON; re-export or re-upload the file",
                )
            ]
        )
    return candidates_from_document(file, document)


def candidates_from_document(file: str, document: Any) -> ReadResult:
    """Split a parsed JSON document into product candidates."""
    if isinstance(document, dict) and isinstance(document.get("products"), list):
        items, prefix = document["products"], "products"
    elif isinstance(document, list):
        items, prefix = document, ""
    elif isinstance(document, dict):
        return ReadResult(candidates=[SpecCandidate(origin="", data=document)])
    else:
        return ReadResult(
            rejections=[
                file_rejection(
                    file,
                    "(document)",
                    f"the document is a JSON {type(document).__name__}",
                    _EXPECTED_DOCUMENT,
                )
            ]
        )

    result = ReadResult()
    for index, item in enumerate(items):
        origin = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            result.rejections.append(
                file_rejection(file, origin, "the entry is not a JSON object", "a product spec object")
            )
            continue
        result.candidates.append(SpecCandidate(origin=origin, data=item, locate=_prefixed_locator(origin)))
    return result


def _prefixed_locator(origin: str) -> Callable[[tuple[int | str, ...]], str]:
    def locate(location: tuple[int | str, ...]) -> str:
        return f"{origin}.{format_location(location)}"

    return locate
