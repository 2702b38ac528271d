"""Turn pydantic validation errors into field errors a merchandiser can act on."""

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from spec2listing.errors import FieldError

# Per pydantic error type: the problem in plain words, and what to write instead.
_WORDING_BY_TYPE = {
    "missing": ("missing required field", "a value; this field is required"),
    "extra_forbidden": ("unknown field", "only the documented fields; remove or rename this one"),
    "string_type": ("not text", "text"),
    "string_too_short": ("empty text", "non-empty text"),
    "float_parsing": ("not a number", "a number such as 19.99"),
    "float_type": ("not a number", "a number such as 19.99"),
    "int_parsing": ("not a whole number", "a whole number"),
    "int_type": ("not a whole number", "a whole number"),
    "decimal_parsing": ("not a number", "a number such as 19.99"),
    "decimal_type": ("not a number", "a number such as 19.99"),
    "finite_number": ("not a finite number", "a finite number such as 19.99"),
    "list_type": ("not a JSON list", "a JSON list"),
    "dict_type": ("not a JSON object", "a JSON object"),
    "model_type": ("not a JSON object", "a JSON object with the documented fields"),
    "model_attributes_type": ("not a JSON object", "a JSON object with the documented fields"),
    "bool_parsing": ("not true or false", "true or false"),
    "bool_type": ("not true or false", "true or false"),
    "literal_error": ("not an allowed value", "one of the allowed values"),
    "enum": ("not an allowed value", "one of the allowed values"),
}

MAX_SHOWN_VALUE = 80


def show_value(value: Any) -> str:
    """Render a bad input value for an error message, cut to a readable length.

    Text is quoted; true, false, null, objects and lists read as the JSON the user wrote (`{"text": "x"}`,
    not Python's `{'text': 'x'}`).
    """
    if value is None or isinstance(value, bool | dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = repr(value)
    if len(text) > MAX_SHOWN_VALUE:
        text = text[: MAX_SHOWN_VALUE - 3] + "..."
    return text


def format_location(location: tuple[int | str, ...]) -> str:
    """Write a pydantic location as a field path: ('variants', 0, 'color_hex') -> variants[0].color_hex."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part == "[key]":
            # pydantic's marker for an error in a mapping's key rather than its value.
            path += " (key)"
        else:
            path += f".{part}" if path else str(part)
    return path or "(document)"


def _wording(error: Any) -> tuple[str, str]:
    """Describe one pydantic error as (what is wrong, what is expected), without pydantic's class names."""
    kind = error["type"]
    context = error.get("ctx", {})
    if kind == "value_error":
        # Validators here raise "<problem>; expected <fix>".
        problem, _, expected = str(context.get("error", "")).partition("; expected ")
        return problem, expected or "a valid value"
    if kind in ("literal_error", "enum") and context.get("expected"):
        return "not an allowed value", f"one of {context['expected']}"
    if kind == "string_unicode":
        # A JSON escape such as \ud800 without its pair decodes to a lone surrogate, which UTF-8 cannot hold.
        surrogates = sorted(
            {f"U+{ord(char):04X}" for char in str(error.get("input", "")) if 0xD800 <= ord(char) <= 0xDFFF}
        )
        return (
            f"contains the lone surrogate {', '.join(surrogates) or 'code point'}, half of a UTF-16 pair",
            "text without a lone \\uD800-\\uDFFF escape: write the character itself, or both halves of its pair",
        )
    if kind == "string_too_long":
        return "text too long", f"at most {context.get('max_length')} characters"
    if kind == "too_long":
        # pydantic gives no actual_length for a mapping such as specs.
        given = error.get("input")
        actual = context.get("actual_length") or (len(given) if isinstance(given, dict | list) else "?")
        return (
            f"too many items ({actual})",
            f"at most {context.get('max_length')} items; split the product or shorten the list",
        )
    if kind == "too_short":
        return "too few items", f"at least {context.get('min_length')} item(s)"
    if kind in ("greater_than", "greater_than_equal"):
        limit = context.get("gt", context.get("ge"))
        return "too small", f"a number greater than {limit}" if kind == "greater_than" else f"{limit} or more"
    if kind in ("less_than", "less_than_equal"):
        limit = context.get("lt", context.get("le"))
        return "too large", f"a number of at most {limit}; check the value and its unit"
    if kind == "decimal_max_digits":
        return "too many digits", f"at most {context.get('max_digits')} digits in all, such as 1249.99"
    if kind == "decimal_whole_digits":
        return "too many digits before the decimal point", f"at most {context.get('whole_digits')} of them"
    if kind == "decimal_max_places":
        return "too many decimal places", f"at most {context.get('decimal_places')} decimal places"
    if kind == "string_pattern_mismatch":
        return "invalid format", f"text matching {context.get('pattern', 'the documented form')}"
    if kind in _WORDING_BY_TYPE:
        return _WORDING_BY_TYPE[kind]
    return str(error["msg"]), "a valid value"


class GeneratedValue(BaseModel):
    """A value that a reader made up where the file leaves it blank, described for errors about it."""

    source: str = Field(description="What it was made from and why: 'columns sku and color, because ...'.")
    fix: str = Field(description="How to give the value instead: 'a sku in column variant_sku of row 3'.")


def _null_in_required_field(error: Any) -> bool:
    """Tell whether an error is a JSON null given for a required field.

    Models built on InputModel read null in an optional field as the field left out, so only a required
    field reports it. A null list item or spec value is a wrong value, not a missing one, and keeps the
    error of its type.
    """
    location = error["loc"]
    return (
        error.get("input", "") is None
        and str(error["type"]).endswith("_type")
        and bool(location)
        and isinstance(location[-1], str)
    )


def field_errors_from_validation(
    file: str,
    error: ValidationError,
    locate: Callable[[tuple[int | str, ...]], str] = format_location,
    generated: Mapping[str, GeneratedValue] | None = None,
    *,
    fixes: Mapping[str, str] | None = None,
) -> list[FieldError]:
    """Convert every error in a ValidationError; `locate` maps a location to the path users see.

    `generated` contains the values the reader made up, by field path such as
    'variants[1].sku', so that an error about one of them states that it was generated.
    `fixes` contains, by field path, what an error there expects in place of the model's wording.
    """
    converted = []
    for item in error.errors():
        location = tuple(item["loc"])
        value = None if item["type"] == "missing" else show_value(item.get("input"))
        message, expected = _wording(item)
        if _null_in_required_field(item):
            message, expected = "missing required field", f"{expected}; this field is required and null is no value"
        if fixes and format_location(location) in fixes:
            expected = fixes[format_location(location)]
        made_up = generated.get(format_location(location)) if generated else None
        if made_up is not None:
            message = f"{message}; this value was generated from {made_up.source}"
            expected = f"{expected}; or {made_up.fix}"
        converted.append(
            FieldError(
                file=file,
                path=locate(location),
                value=value,
                message=message,
                expected=expected,
            )
        )
    return converted


def join_path(origin: str, path: str) -> str:
    """Join where an entry sits in a file ('products[2]', 'line 3') and a field path inside it."""
    if not origin or not path:
        return origin or path
    if origin.endswith("]") or origin.isidentifier():
        return f"{origin}.{path}"
    return f"{origin}: {path}"
