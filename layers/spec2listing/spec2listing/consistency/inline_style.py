"""Inline styles a product description may carry: text formatting, and nothing that hides, moves or loads.

A denylist of what is unsafe misses its equivalents ("opacity:0%", "font-size:0vw", "image-set(...)",
"text-indent:-9999px"), so a `style` attribute passes only when every declaration is one that formats
visible text: an allowed property with a value it allows.
"""

import re

# Text in any of these spells a load from elsewhere, script or an escape that hides either.
_NEVER = re.compile(r"url\s*\(|image-set|expression\s*\(|@import|javascript:|[\\]|/\*", re.IGNORECASE)
# A length or a percentage: "12px", "0.9em", "-3px", "150%".
_LENGTH = re.compile(r"(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))(?P<unit>[a-z%]*)")
# The smallest size at which text still reads, per unit; units such as vw or ex, which scale with
# something else, are not allowed at all.
_MIN_FONT_SIZE = {"px": 8.0, "pt": 6.0, "em": 0.5, "rem": 0.5, "%": 50.0}
_FONT_SIZE_WORDS = frozenset(
    {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "smaller", "larger", "inherit"}
)
_LENGTH_UNITS = frozenset({"", "px", "pt", "em", "rem", "%"})
_DISPLAYS = frozenset({"block", "inline", "inline-block", "list-item", "flex", "inherit"})
# Properties whose value is a keyword or a colour, checked only for what never passes and for transparency.
_FORMATTING = frozenset(
    {
        "text-align",
        "font-weight",
        "font-style",
        "font-family",
        "font-variant",
        "text-decoration",
        "text-transform",
        "vertical-align",
        "white-space",
        "list-style",
        "list-style-type",
        "list-style-position",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
        "border-color",
        "border-style",
        "border-width",
        "border-collapse",
        "border-radius",
    }
)
_COLORS = frozenset({"color", "background-color"})
# Lengths that may not be negative: a negative margin or padding moves text off the page.
_LENGTHS = frozenset(
    {
        "margin",
        "margin-top",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "padding",
        "padding-top",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "line-height",
        "letter-spacing",
        "word-spacing",
        "width",
        "max-width",
        "min-width",
    }
)
_TRANSPARENT = re.compile(
    r"transparent|rgba?\([^)]*[,/]\s*0*\.?0*%?\s*\)|hsla?\([^)]*[,/]\s*0*\.?0*%?\s*\)|#[0-9a-f]{6}00\b|#[0-9a-f]{3}0\b"
)


def unsafe_declarations(style: str) -> list[str]:
    """Return the declarations of a `style` attribute that do more than format visible text."""
    if _NEVER.search(style):
        return [style.strip()]
    unsafe = []
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip().lower().removesuffix("!important").strip()
        if not colon or not _allowed(name, value):
            unsafe.append(declaration.strip())
    return unsafe


def _allowed(name: str, value: str) -> bool:
    if name in _FORMATTING:
        return True
    if name in _COLORS:
        return _TRANSPARENT.search(value) is None
    if name == "font-size":
        return _readable_font_size(value)
    if name == "display":
        return value in _DISPLAYS
    if name in _LENGTHS:
        return all(_non_negative_length(part) for part in value.split())
    return False


def _readable_font_size(value: str) -> bool:
    if value in _FONT_SIZE_WORDS:
        return True
    size = _LENGTH.fullmatch(value)
    if size is None or size.group("unit") not in _MIN_FONT_SIZE:
        return False
    return float(size.group("number")) >= _MIN_FONT_SIZE[size.group("unit")]


def _non_negative_length(part: str) -> bool:
    if part in ("auto", "normal", "inherit"):
        return True
    length = _LENGTH.fullmatch(part)
    return length is not None and length.group("unit") in _LENGTH_UNITS and float(length.group("number")) >= 0
