"""Turn pydantic validation errors into field errors a merchandiser can act on."""

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from spec2listing.errors import FieldError

_EXPECTED_BY_TYPE = {
    "missing": "a value; this field is required",
    "extra_forbidden": "only the documented fields; remove or rename this one",
    "string_type": "text",
    "string_too_short": "non-empty text",
    "string_too_long": "shorter text",
    "string_pattern_mismatch": "a value matching the pattern in the message",
    "float_parsing": "a number such as 19.99",
    "float_type": "a number such as 19.99",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "decimal_parsing": "a number such as 19.99",
    "decimal_type": "a number such as 19.99",
    "decimal_max_places": "at most 4 decimal places",
    "greater_than": "a number greater than zero",
    "greater_than_equal": "a number that is zero or more",
    "list_type": "a JSON list",
    "dict_type": "a JSON object",
    "model_type": "a JSON object",
    "model_attributes_type": "a JSON object",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}

MAX_SHOWN_VALUE = 80


def show_value(value: Any) -> str:
    """Render a bad input value for an error message, cut to a readable length."""
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
        else:
            path += f".{part}" if path else str(part)
    return path or "(document)"


def _expected(error: Any) -> str:
    kind = error["type"]
    if kind in ("literal_error", "enum"):
        allowed = error.get("ctx", {}).get("expected")
        return f"one of {allowed}" if allowed else "one of the allowed values"
    if kind == "value_error":
        message = str(error.get("ctx", {}).get("error", ""))
        if "; expected " in message:
            return message.split("; expected ", 1)[1]
        return "a valid value"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "A-Za-z0-9._-" in pattern:
            return "1-64 letters, digits, '.', '-' or '_', starting with a letter or digit"
        return f"text matching {pattern}"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"at most {limit} characters" if limit else "shorter text"
    return _EXPECTED_BY_TYPE.get(kind, "a valid value")


def _message(error: Any) -> str:
    if error["type"] == "missing":
        return "missing required field"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] in ("literal_error", "enum"):
        return "not an allowed value"
    if error["type"] in ("decimal_parsing", "float_parsing", "int_parsing"):
        return "not a number"
    message = str(error["msg"])
    return message.removeprefix("Value error, ").split("; expected ")[0]


def field_errors_from_validation(
    file: str,
    error: ValidationError,
    locate: Callable[[tuple[int | str, ...]], str] = format_location,
) -> list[FieldError]:
    """Convert every error in a ValidationError; `locate` maps a location to the path users see."""
    converted = []
    for item in error.errors():
        location = tuple(item["loc"])
        value = None if item["type"] == "missing" else show_value(item.get("input"))
        converted.append(
            FieldError(
                file=file,
                path=locate(location),
                value=value,
                message=_message(item),
                expected=_expected(item),
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
