"""JSON uploads: the document shapes that hold products, and canonical JSON specs.

A JSON file holds one product object, a list of them, `{"products": [...]}`,
Shopify's `{"product": {...}}`, or an Akeneo page (`{"_embedded": {"items":
[...]}}`). A JSON Lines file holds one product object per line.

No unknown key in a document is ignored. A wrapper object with any other key beside
its product list rejects the file, because such a key (a `version`, a default
`currency`) may change how every product reads. A key given twice in one JSON
object, where `json.loads` would keep the last value, rejects the product (or
the file, when it is in the wrapper) with its path.
"""

import json
from collections.abc import Callable
from typing import Any

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import format_location, join_path, show_value
from spec2listing.intake.parse import ReadResult, Rejection, SpecCandidate, file_rejection

EXPECTED_DOCUMENT = 'a JSON object with a product spec, a list of them, or {"products": [...]}'
# Keys an Akeneo REST list response puts beside `_embedded`: links, the page number and the count.
AKENEO_PAGE_KEYS = frozenset({"_embedded", "_links", "current_page", "items_count"})
EXPECTED_UNIQUE_KEY = "each key once per JSON object; keep the value that is meant and delete the other"

Item = tuple[str, dict[str, Any]]


class JsonObject(dict[str, Any]):
    """A parsed JSON object that keeps the keys given more than once, which a dict keeps only the last of."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__()
        # Every value of each key given more than once, in file order.
        self.repeated_keys: dict[str, list[Any]] = {}
        for key, value in pairs:
            if key in self:
                self.repeated_keys.setdefault(key, [self[key]]).append(value)
            self[key] = value


# A spec nests a few levels and an Akeneo product about six. Deeper input is rejected before
# recursive code (the JSON decoder, the readers, validation) runs out of stack on it.
MAX_NESTING = 64
# A value of a key given twice is shown in its error up to this many characters.
REPEATED_VALUE_CHARACTERS = 60
EXPECTED_BOUNDS = (
    f"objects and lists nested at most {MAX_NESTING} levels deep and numbers of at most 30 digits, as product data has"
)


class JsonOutOfBounds(ValueError):
    """JSON nested deeper than MAX_NESTING, or with an integer longer than MAX_INTEGER_DIGITS digits."""


def parse_json(text: str) -> Any:
    """Parse JSON text like `json.loads`, with each object that repeats a key as a JsonObject.

    Raises json.JSONDecodeError, or JsonOutOfBounds.
    """
    try:
        document = json.loads(text, object_pairs_hook=_json_object, parse_int=_parse_int, parse_float=JsonFloat)
    except RecursionError as error:
        raise JsonOutOfBounds(f"nested deeper than {MAX_NESTING} levels") from error
    if nesting_exceeds(document, MAX_NESTING):
        raise JsonOutOfBounds(f"nested deeper than {MAX_NESTING} levels")
    return document


# Python refuses to convert integers of more than 4300 digits; no product figure needs more than this.
MAX_INTEGER_DIGITS = 30


class JsonFloat(float):
    """A JSON number with a fraction or exponent that prints as the file wrote it.

    A float keeps about 17 digits, so 12.4999999999999999 would become 12.5
    before a price's decimal places are checked. Validation turns an amount
    into a Decimal from its text, which keeps every digit, and a measure into
    a plain float.
    """

    text: str

    def __new__(cls, text: str) -> "JsonFloat":
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JsonOutOfBounds(f"a number with {len(text.lstrip('-'))} digits, more than {MAX_INTEGER_DIGITS}")
    return int(text)


def nesting_exceeds(document: Any, limit: int) -> bool:
    """Whether objects and lists in `document` nest deeper than `limit`, found without recursion."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    parsed = dict(pairs)
    return parsed if len(parsed) == len(pairs) else JsonObject(pairs)


def repeated_key_paths(value: Any) -> list[tuple[str, list[Any]]]:
    """Find every key given twice in an object inside `value`, by field path (`variants[0].sku`), with its values."""
    found: list[tuple[str, list[Any]]] = []
    if isinstance(value, dict):
        found.extend(getattr(value, "repeated_keys", {}).items())
        for key, child in value.items():
            found.extend((_below(key, path), values) for path, values in repeated_key_paths(child))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend((_below(f"[{index}]", path), values) for path, values in repeated_key_paths(child))
    return found


def _below(parent: str, path: str) -> str:
    return f"{parent}{path}" if path.startswith("[") else f"{parent}.{path}"


def _shown_values(values: list[Any]) -> str:
    """Show the values a repeated key was given, each as compact JSON cut to REPEATED_VALUE_CHARACTERS."""
    shown = []
    for value in values:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        # A lone surrogate (\ud800 in the file) cannot be stored as UTF-8, so it is shown escaped.
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        if len(text) > REPEATED_VALUE_CHARACTERS:
            text = text[: REPEATED_VALUE_CHARACTERS - 1] + "…"
        shown.append(text)
    return " then ".join(shown)


def without_repeated_keys(file: str, items: list[Item]) -> tuple[list[Item], list[Rejection]]:
    """Split off the product objects that give a key twice, each as a rejection naming every such path."""
    kept: list[Item] = []
    rejections = []
    for origin, item in items:
        repeated = repeated_key_paths(item)
        if not repeated:
            kept.append((origin, item))
            continue
        sku = item.get("sku")
        errors = [
            FieldError(
                file=file,
                path=join_path(origin, path),
                value=_shown_values(values),
                message="the key is given more than once",
                expected=EXPECTED_UNIQUE_KEY,
            )
            for path, values in repeated
        ]
        rejections.append(Rejection(sku=sku if isinstance(sku, str) else None, origin=origin, errors=errors))
    return kept, rejections


def load_json(file: str, text: str) -> Any | Rejection:
    """Parse JSON text, or explain where it breaks."""
    if not text.strip():
        return file_rejection(file, "(file)", "the file is empty", EXPECTED_DOCUMENT)
    try:
        return parse_json(text)
    except JsonOutOfBounds as error:
        return file_rejection(file, "(file)", str(error), EXPECTED_BOUNDS)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip())
        hint = "; the file looks truncated" if truncated else ""
        return file_rejection(
            file,
            f"line {error.lineno} column {error.colno}",
            f"invalid JSON: {error.msg}{hint}",
            "complete, valid JSON; re-export or re-upload the file",
            value=json_error_excerpt(error),
        )


def json_error_excerpt(error: json.JSONDecodeError, document: str = "file") -> str:
    """Show the text of the error's line up to 40 characters before and 20 after where parsing stopped.

    `document` names what the parsed text was, for an error at its end: a file, or a line of JSON Lines.
    """
    line_start = error.doc.rfind("\n", 0, error.pos) + 1
    line_end = error.doc.find("\n", error.pos)
    line_end = len(error.doc) if line_end < 0 else line_end
    before = error.doc[max(line_start, error.pos - 40) : error.pos]
    after = error.doc[error.pos : min(line_end, error.pos + 20)].rstrip("\r")
    return f"{before!r} then {after!r}" if after else f"{before!r} then the end of the {document}"


def document_items(file: str, document: Any) -> tuple[list[Item], list[Rejection]]:
    """Split a parsed JSON document into product objects, each with where it sits in the document."""
    if isinstance(document, dict) and isinstance(document.get("_embedded"), dict):
        wrapper_errors = _wrapper_errors(file, document, AKENEO_PAGE_KEYS)
        wrapper_errors += [_repeated(file, f"_embedded.{key}") for key in _repeated_in(document["_embedded"])]
        entries, prefix = document["_embedded"].get("items"), "_embedded.items"
    elif isinstance(document, dict) and "product" in document and "sku" not in document:
        wrapper_errors = _wrapper_errors(file, document, frozenset({"product"}))
        if not isinstance(document["product"], dict):
            wrapper_errors.append(_error(file, "product", "not a JSON object", "a product object"))
        if wrapper_errors:
            return [], [Rejection(origin="file", errors=wrapper_errors)]
        return without_repeated_keys(file, [("product", document["product"])])
    elif isinstance(document, dict) and "products" in document:
        wrapper_errors = _wrapper_errors(file, document, frozenset({"products"}))
        entries, prefix = document["products"], "products"
    elif isinstance(document, list):
        wrapper_errors, entries, prefix = [], document, ""
    elif isinstance(document, dict) and _looks_like_brand_guide(document):
        rejection = file_rejection(
            file,
            "(document)",
            "the file is a brand guide (brand, voice, visual), not a product spec",
            "the guide in a brands/ folder beside the specs (or passed with --brands), or brands/<name>.json "
            "in the bucket, named by the specs' brand_guide",
        )
        return [], [rejection]
    elif isinstance(document, dict):
        return without_repeated_keys(file, [("", document)])
    else:
        rejection = file_rejection(file, "(document)", f"the document is {_json_kind(document)}", EXPECTED_DOCUMENT)
        return [], [rejection]
    if not isinstance(entries, list):
        wrapper_errors.append(_error(file, prefix, "not a list", "a list of product objects"))
    if wrapper_errors:
        return [], [Rejection(origin="file", errors=wrapper_errors)]

    items: list[Item] = []
    rejections = []
    for index, entry in enumerate(entries):
        origin = f"{prefix}[{index}]"
        if isinstance(entry, dict):
            items.append((origin, entry))
        else:
            rejections.append(
                file_rejection(
                    file,
                    origin,
                    "the entry is not a JSON object",
                    "a product spec object",
                    show_value(entry),
                    origin=origin,
                )
            )
    kept, repeated = without_repeated_keys(file, items)
    return kept, rejections + repeated


def _looks_like_brand_guide(document: dict[str, Any]) -> bool:
    """Tell whether an object has a brand guide's keys, and none of a spec's own, as a guide saved among the
    specs instead of under brands/ has."""
    keys = set(document)
    return "brand" in keys and bool(keys & {"voice", "visual"}) and keys <= {"brand", "voice", "visual"}


def _json_kind(value: str | float | bool | None) -> str:
    """Name a JSON scalar as JSON does: 'null', 'true', 'a JSON string'."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return "a JSON string" if isinstance(value, str) else "a JSON number"


def _wrapper_errors(file: str, wrapper: dict[str, Any], allowed: frozenset[str]) -> list[FieldError]:
    """Return an error for each key of the object around the products that is unknown or given twice."""
    errors = [_repeated(file, key) for key in _repeated_in(wrapper)]
    for key in wrapper:
        if key not in allowed:
            errors.append(
                _error(
                    file,
                    key,
                    "unknown top-level field beside the products",
                    f"only {', '.join(sorted(allowed))} at the top level; move product fields into each product",
                )
            )
    return errors


def _repeated_in(value: dict[str, Any]) -> list[str]:
    return list(getattr(value, "repeated_keys", []))


def _repeated(file: str, path: str) -> FieldError:
    return _error(file, path, "the key is given more than once", EXPECTED_UNIQUE_KEY)


def _error(file: str, path: str, message: str, expected: str) -> FieldError:
    return FieldError(file=file, path=path, message=message, expected=expected)


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
