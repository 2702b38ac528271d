"""Constrained types shared by the models.

Validators raise ValueError("<what is wrong>; expected <the fix>"), which
intake.field_errors splits into a field error's message and expected value.
"""

import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
SKU_EXPECTED = "1-64 letters, digits, '.', '-' or '_', starting with a letter or digit"
_SKU = re.compile(SKU_PATTERN)
_HEX_COLOR = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

MAX_LABEL_LENGTH = 200
MAX_NAME_LENGTH = 300
MAX_ITEM_LENGTH = 500
MAX_TEXT_LENGTH = 1000
MAX_SUMMARY_LENGTH = 5000

# Characters that change how text reads or is stored without being seen. They
# are C0 and C1 controls other than tab and line breaks, zero-width space, word
# joiner and invisible operators, and bidi embeddings, overrides and isolates,
# which reorder what follows them. Also a byte order mark inside text,
# interlinear annotations, tag characters (they hide ASCII text from readers but
# not from a model) and lone surrogates, which cannot be written as UTF-8.
# Joiners (U+200C, U+200D), directional marks (U+200E, U+200F, U+061C) and the
# soft hyphen stay allowed: Persian, Indic scripts, emoji and German need them.
# Distinct hidden characters an error names; it counts the rest.
HIDDEN_SHOWN = 5
_HIDDEN_CLASS = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
# An emoji tag sequence (Unicode UTS #51): a black flag, tag letters and a cancel tag, as the flags of England,
# Scotland and Wales are written. Its tag characters are part of the emoji, so they are not hidden text.
_EMOJI_TAG_SEQUENCE = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
_HIDDEN_OR_EMOJI = re.compile(f"(?P<emoji>{_EMOJI_TAG_SEQUENCE})|{_HIDDEN_CLASS}")


def find_hidden(text: str) -> list[re.Match[str]]:
    """Find each hidden character of a text, leaving out those that belong to an emoji tag sequence."""
    return [match for match in _HIDDEN_OR_EMOJI.finditer(text) if match.group("emoji") is None]


def mark_hidden(text: str, mark: Callable[[str], str]) -> str:
    """Replace each hidden character of a text, outside emoji tag sequences, by `mark` of it."""
    return _HIDDEN_OR_EMOJI.sub(lambda match: match.group(0) if match.group("emoji") else mark(match.group(0)), text)


_SURROGATES = re.compile("[\ud800-\udfff]")


def _visible_text(value: str) -> str:
    """Reject text with control, bidi or zero-width characters, naming each kind (up to 5) and where it first is.

    Text that passes is returned in Unicode normal form C. So "Crème" typed as
    "e" and a combining accent, as macOS tools and some exports write it, is the
    same text as with "è": the same colour, the same spec hash, no new render.
    """
    first: dict[str, int] = {}
    for hidden in find_hidden(value):
        first.setdefault(hidden.group(0), hidden.start() + 1)
    if not first:
        return unicodedata.normalize("NFC", value)
    found = [
        f"{described(character)} at position {position}" for character, position in list(first.items())[:HIDDEN_SHOWN]
    ]
    if len(first) > HIDDEN_SHOWN:
        found.append(f"{len(first) - HIDDEN_SHOWN} more")
    codes = ", ".join(code_point(character) for character in list(first)[:HIDDEN_SHOWN])
    noun = "character" if len(first) == 1 else "characters"
    raise ValueError(
        f"contains the invisible {noun} {'; '.join(found)}; "
        f"expected text without control, bidi or zero-width characters: delete the {codes}, "
        "or retype text that was pasted from elsewhere"
    )


def _visible_input(value: Any) -> Any:
    """Check text as given, before trimming: a control character at either end would otherwise go unseen.

    Text with a lone surrogate is left to pydantic, whose error names it as half of a UTF-16 pair.
    """
    if isinstance(value, str) and not _SURROGATES.search(value):
        return _visible_text(value)
    return value


def code_point(character: str) -> str:
    """Write a character's code point as Unicode does: "U+202E"."""
    return f"U+{ord(character):04X}"


def described(character: str) -> str:
    """Name a character by code point and Unicode name: "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    return f"{code_point(character)} ({unicodedata.name(character, 'control character')})"


def _normalize_hex_color(value: str) -> str:
    if not value.strip():
        raise ValueError("missing hex colour; expected the colour's #RRGGBB code, such as #4B5E2A")
    match = _HEX_COLOR.match(value.strip())
    if match is None:
        raise ValueError("not a hex colour; expected #RRGGBB such as #4B5E2A")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


def _sku(value: str) -> str:
    if _SKU.match(value) is None:
        raise ValueError(f"not a valid sku; expected {SKU_EXPECTED}")
    return value


# ISO 4217 codes that are not money a shop prices in: precious metals, bond market
# and accounting units, special drawing rights, the testing code and "no currency".
_NOT_MONEY = frozenset(
    {"XAD", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)


def _currency(value: str) -> str:
    if _CURRENCY.match(value) is None:
        raise ValueError("not a three-letter currency code; expected an ISO 4217 code such as EUR or USD")
    if value in _NOT_MONEY or pycountry.currencies.get(alpha_3=value) is None:
        raise ValueError("not a currency in ISO 4217; expected a current ISO 4217 code such as EUR, USD or GBP")
    return value


# A number given as JSON text: ASCII digits with an optional sign, decimal point and exponent. Python's
# own parsing would also take "1_000" and full-width or Arabic-Indic digits, which a CSV cell may not hold.
_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _plain_number_text(value: Any) -> Any:
    """Reject number text that Python reads but a person or a spreadsheet would not write, such as 1_000."""
    if isinstance(value, str) and _NUMBER_TEXT.fullmatch(value.strip()) is None:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value  # not a number at all, which the field's own parsing reports
        if number.is_finite():
            raise ValueError(
                "not a plain number; expected ASCII digits with '.' as the decimal point and no "
                "separators, such as 1000 or 12.50"
            )
    return value


def _not_boolean(value: Any) -> Any:
    """Stop pydantic from reading true and false as 1 and 0 where a number is due."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a boolean, not a number; expected a number such as 250")
    return value


# File systems allow 255 bytes per name; the local output folder also writes a temporary name beside each file.
MAX_SEGMENT_BYTES = 200


def key_segment_problem(name: str) -> str | None:
    """Return why `name` cannot be one segment of an S3 key or local path, or None when it can.

    '.' and '..' resolve to the folder itself or its parent on disk, and a
    slash or backslash would start another segment.
    """
    if name in ("", ".", ".."):
        return f"{name!r} names no file"
    if "/" in name or "\\" in name:
        return "it contains a slash or backslash"
    control = next((character for character in name if unicodedata.category(character) == "Cc"), None)
    if control is not None:
        return f"it contains the control character U+{ord(control):04X}"
    if len(name.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return f"it is longer than {MAX_SEGMENT_BYTES} bytes in UTF-8, which a local folder may not store"
    return None


def _file_name(value: str) -> str:
    problem = key_segment_problem(value)
    if problem is not None:
        raise ValueError(f"not a usable file name because {problem}; expected a name such as catalog.json")
    return value


FileName = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_file_name)]
"""A file's name without its folder, such as catalog.json: not '.' or '..', no slash and no control character."""


Sku = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_sku)]
"""Stock keeping unit: 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit.

It doubles as an S3 key segment, so no slashes or spaces are allowed.
"""

HexColor = Annotated[str, AfterValidator(_normalize_hex_color)]
"""RGB colour written as #RRGGBB (#RGB is expanded); stored upper case."""

CurrencyCode = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True), AfterValidator(_currency)]
"""ISO 4217 three-letter currency code such as USD or EUR."""

Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LABEL_LENGTH),
    BeforeValidator(_visible_input),
]
"""Short required text such as a brand or colour name: 1-200 visible characters."""

ProductName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME_LENGTH),
    BeforeValidator(_visible_input),
]
"""A product's name: 1-300 visible characters."""

NonEmptyStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ITEM_LENGTH),
    BeforeValidator(_visible_input),
]
"""Text that is not blank after trimming, such as one list item: 1-500 visible characters."""


def _canonical_order(items: list[str]) -> list[str]:
    return sorted(items, key=lambda item: (item.casefold(), item))


UnorderedItems = Annotated[list[NonEmptyStr], AfterValidator(_canonical_order)]
"""Items whose order means nothing, such as the elements every image must show, kept sorted.

A file that lists them in another order then changes no spec hash, prompt or cache key, and costs nothing.
"""

Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_TEXT_LENGTH),
    BeforeValidator(_visible_input),
]
"""Optional free text such as a note or a style: up to 1000 visible characters."""

LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=MAX_SUMMARY_LENGTH),
    BeforeValidator(_visible_input),
]
"""A product summary: up to 5000 visible characters."""


def _canonical_amount(value: Decimal) -> Decimal:
    """Write an amount to the cent, or with every further decimal it has, so that equal amounts print alike.

    The content hash and the spec diff compare amounts as JSON text, where 119,
    119.0 and "119.00" would differ. All three become 119.00, and 19.9950 becomes 19.995.
    """
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value.normalize()


Amount = Annotated[
    Decimal,
    BeforeValidator(_plain_number_text),
    BeforeValidator(_not_boolean),
    Field(gt=0, max_digits=12, decimal_places=4, allow_inf_nan=False),
    AfterValidator(_canonical_amount),
]
"""Money amount greater than zero: at most 8 digits before the decimal point and 4 after.

It is stored to the cent, or with every further decimal the input gives, never rounded.
"""

# A measure above this is a typo or a unit mix-up in any unit a spec uses (a million kilograms,
# a million metres), and a float that large no longer prints the digits it was given.
MAX_MEASURE = 1_000_000


def _at_most_measure(value: float) -> float:
    # After the field's own constraints, so that infinity is reported as not finite rather than too large.
    if value > MAX_MEASURE:
        raise PydanticCustomError("less_than_equal", "Input should be less than or equal to {le}", {"le": MAX_MEASURE})
    return value


PositiveNumber = Annotated[
    float,
    BeforeValidator(_plain_number_text),
    BeforeValidator(_not_boolean),
    Field(gt=0, allow_inf_nan=False),
    AfterValidator(_at_most_measure),
]
"""Measured value greater than zero and at most MAX_MEASURE; finite, and never a boolean."""


class RepeatedKey(str):
    """The value given to a `specs` key that names the same entry as an earlier key; _spec_value rejects it."""

    def __new__(cls, key: str, earlier: str) -> "RepeatedKey":
        marked = super().__new__(cls, key)
        marked.earlier = earlier
        return marked

    earlier: str


def _spec_value(value: Any) -> Any:
    """Check one `specs` value whole, so a bad one gets one error instead of one per union member."""
    if isinstance(value, RepeatedKey):
        raise ValueError(
            f"the key names the same entry as {value.earlier!r}, differing only in surrounding spaces or case; "
            "expected each entry once"
        )
    if isinstance(value, list):
        value = _joined_list(value)
    if isinstance(value, str):
        text = _visible_text(value).strip()
        if len(text) > MAX_ITEM_LENGTH:
            raise ValueError(f"text of {len(text)} characters; expected at most {MAX_ITEM_LENGTH} characters")
        return text
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number; expected a finite number such as 2.5")
    if isinstance(value, bool | int | float):
        return value
    raise ValueError(
        f"a JSON {_json_type(value)} is not a spec value; expected text, a number or true/false, such as '20 W' or 3, "
        'or a list of them such as ["S", "M", "L"]'
    )


def _joined_list(items: list[Any]) -> str:
    """Write a list spec value of text and numbers as one text: ["S", "M", "L"] as "S, M, L".

    Numbers are written as the copy writes a single spec number, with every digit and no exponent: 2.0 as
    "2", 1e20 in full. Items are counted from 1 in errors.
    """
    words = []
    for index, item in enumerate(items, start=1):
        finite_number = isinstance(item, int | float) and not isinstance(item, bool) and math.isfinite(item)
        if not (isinstance(item, str) and item.strip()) and not finite_number:
            kind = "empty text" if isinstance(item, str) else f"a JSON {_json_type(item)}"
            raise ValueError(
                f"item {index} of the list is {kind}; expected a list of text and numbers, such as "
                '["S", "M", "L"], which the copy writes as "S, M, L"'
            )
        words.append(f"{Decimal(str(item)).normalize():f}" if finite_number else str(item).strip())
    return ", ".join(words)


def _json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        return "number that is not finite"
    return "null" if value is None else type(value).__name__


SpecKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    BeforeValidator(_visible_input),
]
"""The name of one entry in `specs`: 1-100 visible characters."""

SpecValue = Annotated[str | int | float | bool, BeforeValidator(_spec_value)]
"""One entry of `specs`: text, a finite number or a boolean. A list of text and numbers becomes one text."""


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    """Convert a normalized #RRGGBB string to an RGB triple."""
    digits = color.lstrip("#")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
