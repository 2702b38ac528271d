"""Inline styles a product description may carry: text formatting, and nothing that hides, moves or loads.

A denylist of what is unsafe misses its equivalents ("opacity:0%", "font-size:0vw", "image-set(...)",
"text-indent:-9999px"), so a `style` attribute passes only when every declaration is one that formats
visible text: an allowed property with a value it allows. Lengths are capped, so no margin, padding or
indent pushes text off the page, and colours may not be transparent.
"""

import re

# Text in any of these spells a load from elsewhere, script, arithmetic that hides a value, or an escape.
_NEVER = re.compile(r"url\s*\(|image-set|expression\s*\(|calc\s*\(|var\s*\(|@import|javascript:|[\\]|/\*", re.I)
_IMPORTANT = re.compile(r"!\s*important\s*$")
# A length or a percentage: "12px", "0.9em", "-3px", "150%".
_LENGTH = re.compile(r"(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))(?P<unit>[a-z%]*)")
# The largest length per unit that still lays text out on a product page; unitless numbers are line heights.
_MAX_LENGTH = {"": 10.0, "px": 400.0, "pt": 300.0, "em": 25.0, "rem": 25.0, "%": 100.0}
# The smallest size at which text still reads, per unit. Units such as vw or ex scale with something
# else, so they are not allowed at all.
_MIN_FONT_SIZE = {"px": 8.0, "pt": 6.0, "em": 0.5, "rem": 0.5, "%": 50.0}
_FONT_SIZE_WORDS = frozenset(
    {"xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "smaller", "larger", "inherit"}
)
_DISPLAYS = frozenset(
    {"block", "inline", "inline-block", "list-item", "flex", "inherit", "table", "table-row", "table-cell"}
    | {"table-header-group", "table-row-group", "table-footer-group", "table-caption", "table-column"}
)
_VERTICAL_ALIGNS = frozenset({"baseline", "top", "middle", "bottom", "sub", "super", "text-top", "text-bottom"})
# Properties whose value is a keyword or a font name.
_KEYWORDS = frozenset(
    {
        "text-align",
        "font-weight",
        "font-style",
        "font-family",
        "font-variant",
        "text-decoration",
        "text-transform",
        "white-space",
        "word-break",
        "word-wrap",
        "overflow-wrap",
        "list-style",
        "list-style-type",
        "list-style-position",
        "border-style",
        "border-collapse",
        "table-layout",
        "caption-side",
    }
)
_COLORS = frozenset({"color", "background-color", "background", "border-color"})
# Properties of lengths, and borders, whose lengths are capped and may not be negative.
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
        "text-indent",
        "border-spacing",
        "border-width",
        "border-radius",
        "border",
        "border-top",
        "border-bottom",
        "border-left",
        "border-right",
    }
)
# Sizes of a box, such as a table's width, which may be larger: they move no text off the page.
_SIZES = frozenset({"width", "max-width", "min-width", "height", "max-height", "min-height"})
_SIZE_SCALE = 10.0
_LENGTH_WORDS = frozenset({"auto", "normal", "inherit", "none", "thin", "medium", "thick"})
# A colour function and its arguments: "rgba(0, 0, 0, 0.5)", "oklch(0.5 0.1 30 / 0)".
_COLOR_FUNCTION = re.compile(r"(?P<name>[a-z]+)\((?P<arguments>[^)]*)\)")
_HEX_COLOR = re.compile(r"#[0-9a-f]{3,8}\b")
_HEX_ALPHA = re.compile(r"#(?:[0-9a-f]{6}(?P<long>[0-9a-f]{2})|[0-9a-f]{3}(?P<short>[0-9a-f]))\b")
# The alpha below which a colour hides the text it paints.
_MIN_ALPHA = 0.1


def unsafe_declarations(style: str) -> list[str]:
    """Return the declarations of a `style` attribute that do more than format visible text."""
    if _NEVER.search(style):
        return [style.strip()]
    unsafe = []
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), _IMPORTANT.sub("", value.strip().lower()).strip()
        if not colon or not _allowed(name, value):
            unsafe.append(declaration.strip())
    return unsafe


def _allowed(name: str, value: str) -> bool:
    if name in _KEYWORDS:
        return True
    if name in _COLORS:
        return not _invisible_color(value)
    if name == "font-size":
        return _readable_font_size(value)
    if name == "font":
        # The shorthand's size is its first length: "14px/1.5 Arial", "bold 1.1em Georgia".
        sizes = [part.split("/")[0] for part in value.split() if _LENGTH.fullmatch(part.split("/")[0])]
        return bool(sizes) and _readable_font_size(sizes[0])
    if name == "display":
        return value in _DISPLAYS
    if name == "vertical-align":
        return value in _VERTICAL_ALIGNS or _bounded_length(value)
    if name in _SIZES:
        return _bounded_length(value, scale=_SIZE_SCALE)
    if name in _LENGTHS:
        # A border names its colour and style beside its width: "1px solid rgb(0, 0, 0)".
        parts = _HEX_COLOR.sub(" ", _COLOR_FUNCTION.sub(" ", value)).split()
        return all(_bounded_length(part) or part.isalpha() for part in parts) and not _invisible_color(value)
    return False


def _readable_font_size(value: str) -> bool:
    if value in _FONT_SIZE_WORDS:
        return True
    size = _LENGTH.fullmatch(value)
    if size is None or size.group("unit") not in _MIN_FONT_SIZE:
        return False
    return float(size.group("number")) >= _MIN_FONT_SIZE[size.group("unit")]


def _bounded_length(part: str, *, scale: float = 1.0) -> bool:
    """Tell whether a length is a keyword, or not negative and within `scale` times the cap of its unit."""
    if part in _LENGTH_WORDS:
        return True
    length = _LENGTH.fullmatch(part)
    if length is None or length.group("unit") not in _MAX_LENGTH:
        return False
    cap = _MAX_LENGTH[length.group("unit")] * (scale if length.group("unit") != "%" else 1.0)
    return 0 <= float(length.group("number")) <= cap


def _invisible_color(value: str) -> bool:
    """Tell whether a colour value paints nothing: transparent, or an alpha under _MIN_ALPHA."""
    if "transparent" in value:
        return True
    for function in _COLOR_FUNCTION.finditer(value):
        arguments = function.group("arguments")
        if "/" in arguments:
            alpha = arguments.rsplit("/", 1)[1]
        else:
            parts = [part for part in re.split(r"[,\s]+", arguments.strip()) if part]
            if len(parts) < 4:
                continue
            alpha = parts[3]
        if _alpha(alpha.strip()) < _MIN_ALPHA:
            return True
    for hex_alpha in _HEX_ALPHA.finditer(value):
        if hex_alpha.group("long") is not None and int(hex_alpha.group("long"), 16) / 255 < _MIN_ALPHA:
            return True
        if hex_alpha.group("short") is not None and int(hex_alpha.group("short"), 16) / 15 < _MIN_ALPHA:
            return True
    return False


def _alpha(text: str) -> float:
    """Read an alpha value ("0.5", "50%"); one that does not read as a number counts as none (0)."""
    number = _LENGTH.fullmatch(text)
    if number is None or number.group("unit") not in ("", "%"):
        return 0.0
    value = float(number.group("number"))
    return value / 100 if number.group("unit") == "%" else value
