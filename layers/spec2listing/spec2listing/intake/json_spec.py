"""JSON uploads: the document shapes that hold products, and canonical JSON specs.

A JSON file holds one product object, a list of them, `{"products": [...]}`,
Shopify's `{"product": {...}}`, or an Akeneo page (`{"_embedded": {"items":
[...]}}`). A JSON Lines file holds one product object per line.
"""

import json
from collections.abc import Callable
from typing import Any

from spec2listing.intake.field_errors import format_location, join_path
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate, file_rejection

EXPECTED_DOCUMENT = 'a JSON object with a product spec, a list of them, or {"products": [...]}'

Item = tuple[str, dict[str, Any]]


def load_json(file: str, text: str) -> Any | Rejection:
    """Parse JSON text, or explain where it breaks."""
    if not text.strip():
        return file_rejection(file, "(file)", "the file is empty", EXPECTED_DOCUMENT)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip())
        hint = "; the file looks truncated" if truncated else ""
        return file_rejection(
            file,
            f"line {error.lineno} column {error.colno}",
            f"invalid JSON: {error.msg}{hint}",
            "complete, valid JSON; re-export or re-upload the file",
        )


def document_items(file: str, document: Any) -> tuple[list[Item], list[Rejection]]:
    """Split a parsed JSON document into product objects, each with where it sits in the document."""
    if isinstance(document, dict) and isinstance(document.get("_embedded"), dict):
        entries, prefix = document["_embedded"].get("items"), "_embedded.items"
    elif isinstance(document, dict) and isinstance(document.get("product"), dict) and "sku" not in document:
        return [("product", document["product"])], []
    elif isinstance(document, dict) and isinstance(document.get("products"), list):
        entries, prefix = document["products"], "products"
    elif isinstance(document, list):
        entries, prefix = document, ""
    elif isinstance(document, dict):
        return [("", document)], []
    else:
        rejection = file_rejection(
            file, "(document)", f"the document is a JSON {type(document).__name__}", EXPECTED_DOCUMENT
        )
        return [], [rejection]
    if not isinstance(entries, list):
        return [], [file_rejection(file, prefix, "not a list", "a list of product objects")]

    items: list[Item] = []
    rejections = []
    for index, entry in enumerate(entries):
        origin = f"{prefix}[{index}]"
        if isinstance(entry, dict):
            items.append((origin, entry))
        else:
            rejections.append(file_rejection(file, origin, "the entry is not a JSON object", "a product spec object"))
    return items, rejections


def canonical_candidates(items: list[Item], format_name: str) -> ReadResult:
    """Canonical specs need no mapping: each object is a candidate as it stands."""
    result = ReadResult(format=format_name)
    for origin, item in items:
        locate = _prefixed_locator(origin) if origin else format_location
        result.candidates.append(SpecCandidate(origin=origin, data=item, locate=locate))
    return result


def _prefixed_locator(origin: str) -> Callable[[tuple[int | str, ...]], str]:
    def locate(location: tuple[int | str, ...]) -> str:
        return join_path(origin, format_location(location))

    return locate
