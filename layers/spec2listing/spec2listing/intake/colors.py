"""Colour names from PIMs and shops, turned into the name and hex code a variant needs.

Shopify option values and Akeneo colour options name a colour ("Navy",
"dark_green") but carry no hex code. A hex code written into the value
("Heather Grey #8C8F93") wins. Otherwise the name must be one of the CSS
named colours, matched without case, spaces, hyphens or underscores.
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
    key = re.sub(r"[\s_-]+", "", text.lower())
    channels = color_names.from_name(key) if key else None
    if channels is None:
        return None
    color = Color("srgb", channels[:3])
    return text, color.to_string(hex=True, upper=True)


def humanize_code(code: str) -> str:
    """Turn an option code such as 'dark_green' into 'Dark green'."""
    words = code.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]
