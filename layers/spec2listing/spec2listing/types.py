"""Constrained types shared by the models."""

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_HEX_COLOR = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")


def _normalize_hex_color(value: str) -> str:
    match = _HEX_COLOR.match(value.strip())
    if match is None:
        raise ValueError("not a hex colour; expected #RRGGBB such as #4B5E2A")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


Sku = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=SKU_PATTERN),
]
"""Stock keeping unit: 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit.

It doubles as an S3 key segment, so no slashes or spaces are allowed.
"""

HexColor = Annotated[str, AfterValidator(_normalize_hex_color)]
"""RGB colour written as #RRGGBB (#RGB is expanded); stored upper case."""

CurrencyCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$"),
]
"""ISO 4217 three-letter currency code such as USD or EUR."""

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Text that is not blank after trimming."""

Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
"""Non-negative money amount."""

PositiveNumber = Annotated[float, Field(gt=0)]
"""Measured value greater than zero."""


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Convert a normalized #RRGGBB string to an RGB triple."""
    digits = color.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
