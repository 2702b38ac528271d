"""Colour names from PIMs and shops, turned into the name and hex code a variant needs.

Shopify option values and Akeneo colour options name a colour ("Navy",
"dark_green") but carry no hex code. A hex code written into the value
("Heather Grey #8C8F93") wins. Otherwise the name must be one of the CSS
named colours, matched without case, spaces, hyphens or underscores. CSS
'transparent' is not taken: it is black with no opacity, so a clear product
needs the hex code of how it looks.
"""

import re

from coloraide import Color
from coloraide.css import color_names

_HEX_IN_TEXT = re.compile(r"\(?\s*#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})\b\s*\)?")


def resolve_color(value: str) -> tuple[str, str] | None:
    """Return (display name, '#RRGGBB') for a colour value, or None when no hex code is known."""
    text = value.strip()
    match = _HEX_IN_TEXT.search(text)
    if match is not None:
        name = (text[: match.start()] + text[match.end() :]).strip(" -/") or "#" + match.group(1).upper()
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return name, "#" + digits.upper()
    hex_code = css_color(text)
    return None if hex_code is None else (text, hex_code)


def css_color(name: str) -> str | None:
    """Return the '#RRGGBB' of a CSS colour name, matched without case, spaces, hyphens or underscores."""
    key = re.sub(r"[\s_-]+", "", name.lower())
    channels = color_names.from_name(key) if key else None
    if channels is None or _see_through(channels):
        return None
    return Color("srgb", channels[:3]).to_string(hex=True, upper=True)


def _see_through(channels: list[float]) -> bool:
    """Check for CSS 'transparent', whose RGB channels (black) say nothing about how a product looks."""
    return len(channels) > 3 and channels[3] < 1


def unresolved_color(value: str, hex_source: str = "") -> tuple[str, str]:
    """Word the error for a colour that resolve_color found no hex code for: (message, expected).

    `hex_source` names a field that could carry the hex code instead, such as an Akeneo attribute.
    """
    alternative = f"{hex_source}, " if hex_source else ""
    key = re.sub(r"[\s_-]+", "", value.strip().lower())
    channels = color_names.from_name(key) if key else None
    if channels is not None and _see_through(channels):
        return (
            "a see-through colour has no hex code to render or check images with",
            f"{alternative}the hex code of how the product looks in the value, such as 'Transparent #E8EEF0'",
        )
    return (
        "no hex colour is known for this colour name",
        f"{alternative}a CSS colour name such as 'slategray', or the hex code in the value: 'Heather Grey #8C8F93'",
    )


def humanize_code(code: str) -> str:
    """Turn an option code such as 'dark_green' into 'Dark green'."""
    words = code.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]
