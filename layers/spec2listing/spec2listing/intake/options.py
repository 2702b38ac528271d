"""Reader options: what to assume where a file's bytes alone leave a choice open.

Options arrive as S3 object metadata on an upload (`x-amz-meta-currency: EUR`),
as `detail.options` of a ProductSpecChanged event, or as flags of
`spec2listing run`. Every option is optional; a reader that meets an ambiguity
an option would settle rejects the file and names that option.
"""

import codecs
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from spec2listing.errors import FieldError
from spec2listing.intake.field_errors import field_errors_from_validation
from spec2listing.types import CurrencyCode

SpecFormat = Literal["canonical", "shopify", "akeneo"]
Delimiter = Literal[",", ";", "\t", "|"]
DecimalMark = Literal[".", ","]

_DELIMITER_NAMES = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|", "\\t": "\t"}
_DECIMAL_NAMES = {"comma": ",", "point": ".", "dot": ".", "period": "."}
# Spec fields an Akeneo attribute can be mapped to with the `attributes` option.
AKENEO_FIELDS = (
    "name",
    "summary",
    "brand",
    "category",
    "price",
    "weight",
    "volume",
    "width",
    "depth",
    "height",
    "color",
    "color_hex",
    "materials",
    "features",
)


class ReadOptions(BaseModel):
    """How to read one upload; None everywhere means: detect, and reject what is ambiguous."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    format: SpecFormat | None = Field(
        default=None, description="canonical (spec2listing JSON or CSV catalog), shopify or akeneo."
    )
    encoding: str | None = Field(default=None, description="Text encoding of a CSV file, as Python names it.")
    delimiter: Delimiter | None = None
    decimal: DecimalMark | None = None
    locale: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8}){0,2}$")
    channel: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{1,100}$")
    currency: CurrencyCode | None = None
    color_option: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Name of the Shopify option that contains colours where no option has a known colour name; "
        "none to read such options as specs.",
    )
    include_inactive: bool = Field(
        default=False,
        description="Make listings for archived Shopify products and disabled Akeneo products too.",
    )
    attributes: dict[str, str] = Field(
        default_factory=dict, description="Akeneo attribute code per spec field, such as name=product_title."
    )
    variants: Literal["merge", "replace"] = Field(
        default="merge",
        description="merge: variant products of an Akeneo product model update the variants of the model's "
        "last listing; replace: they are all of its variants.",
    )

    @field_validator("format", mode="before")
    @classmethod
    def _format_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        expected = "expected a text encoding such as utf-8 or cp1252"
        try:
            name = codecs.lookup(value).name
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; {expected}") from None
        try:
            # Codecs such as hex, base64 and rot13 turn bytes into bytes, and 'undefined' refuses all text.
            "".encode(name)
            b"".decode(name)
        except (LookupError, UnicodeError):
            raise ValueError(f"{value!r} is not a text encoding; {expected}") from None
        return name

    @field_validator("delimiter", mode="before")
    @classmethod
    def _delimiter_name(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in _DELIMITER_NAMES:
            return _DELIMITER_NAMES[value.strip().lower()]
        if isinstance(value, str) and value not in _DELIMITER_NAMES.values():
            raise ValueError("unknown delimiter; expected comma, semicolon, tab or pipe")
        return value

    @field_validator("decimal", mode="before")
    @classmethod
    def _decimal_name(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in _DECIMAL_NAMES:
            return _DECIMAL_NAMES[value.strip().lower()]
        if value is not None and value not in _DECIMAL_NAMES.values():
            raise ValueError("unknown decimal mark; expected point or comma")
        return value

    @field_validator("attributes", mode="before")
    @classmethod
    def _attribute_pairs(cls, value: object) -> object:
        """Accept 'name=product_title,brand=maker' as S3 metadata carries only text."""
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for item in value.split(","):
            if not item.strip():
                continue
            field, separator, code = item.partition("=")
            if not separator:
                raise ValueError(f"{item.strip()!r} is not field=code; expected pairs such as name=product_title")
            pairs[field.strip()] = code.strip()
        return pairs

    @field_validator("attributes")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(AKENEO_FIELDS))
        if unknown:
            raise ValueError(f"unknown spec field {', '.join(unknown)}; expected some of {', '.join(AKENEO_FIELDS)}")
        return value


OPTION_NAMES = tuple(ReadOptions.model_fields)


def read_options(source: str, raw: Mapping[str, Any], *, ignore_unknown: bool) -> ReadOptions | list[FieldError]:
    """Validate options given as S3 metadata or event fields.

    S3 metadata may carry keys that other tools set, so uploads pass
    `ignore_unknown`. An event's `detail.options` belongs to this application,
    so an unknown key there is a typo to report.
    """
    options = {name: raw[name] for name in OPTION_NAMES if name in raw} if ignore_unknown else dict(raw)
    try:
        return ReadOptions.model_validate(options)
    except ValidationError as error:
        return field_errors_from_validation(source, error, lambda location: f"option {location[0]}")
