"""The canonical product spec that every input format is normalized to."""

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from spec2listing.consistency.units import unit_key
from spec2listing.models.base import InputModel
from spec2listing.models.brand import BrandVoice
from spec2listing.types import (
    SKU_EXPECTED,
    SKU_PATTERN,
    Amount,
    CurrencyCode,
    HexColor,
    Label,
    LongText,
    NonEmptyStr,
    PositiveNumber,
    ProductName,
    RepeatedKey,
    Sku,
    SpecKey,
    SpecValue,
    Text,
    UnorderedItems,
)

# List sizes a spec may not exceed. Each variant adds one rendered image and one
# job to the product's render map, whose input must stay under the 256 KB Step
# Functions payload; 100 is the variant limit Shopify kept for years.
MAX_VARIANTS = 100
MAX_FEATURES = 30
MAX_MATERIALS = 20
MAX_VISUAL_ITEMS = 20
MAX_COMPETITORS = 10
MAX_REFERENCE_PHOTOS = 10
MAX_SPECS = 100


class Platform(StrEnum):
    """Sales channel a listing is written for."""

    AMAZON = "amazon"
    SHOPIFY = "shopify"
    INSTAGRAM = "instagram"
    GOOGLE_MERCHANT = "google_merchant"


def _platform_name(value: Any) -> Any:
    """Read a platform as people write it: "Shopify", "Google Merchant" and "google-merchant" name a platform.

    A value that names no platform stays as written, for the error to show it.
    """
    if not isinstance(value, str):
        return value
    name = "_".join(value.replace("-", " ").split()).casefold()
    return name if name in {platform.value for platform in Platform} else value


Target = Annotated[Platform, BeforeValidator(_platform_name)]
"""A platform named in any case, with spaces or hyphens in place of underscores."""


class SpecModel(InputModel):
    """Base for spec parts: unknown keys are errors, so a typo is never silently ignored."""


# Currencies without a minor unit (ISO 4217 minor unit 0): a yen price has no cents.
WHOLE_UNIT_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV"}
    | {"XAF", "XOF", "XPF"}
)


class Money(SpecModel):
    """Price in one currency."""

    amount: Amount
    currency: CurrencyCode

    @model_validator(mode="after")
    def _whole_where_no_cents(self) -> "Money":
        if self.currency in WHOLE_UNIT_CURRENCIES and self.amount != self.amount.to_integral_value():
            raise ValueError(
                f"{self.amount.normalize():f} {self.currency} has a fraction, but {self.currency} has no minor unit; "
                f"expected a whole amount such as {self.amount.to_integral_value():f}"
            )
        return self

    def format(self) -> str:
        """Write the amount and currency code to the cent, or with every further decimal the spec gives.

        Copy must never round a price: "19.995 EUR" stays as it is, while "150" becomes "150.00 USD". A
        currency without a minor unit is written whole: "2100 JPY".
        """
        if self.currency in WHOLE_UNIT_CURRENCIES:
            return f"{self.amount.to_integral_value():f} {self.currency}"
        cents = self.amount.quantize(Decimal("0.01"))
        amount = cents if cents == self.amount else self.amount.normalize()
        return f"{amount:f} {self.currency}"


def _unit_spelling(allowed: dict[str, str]) -> BeforeValidator:
    """Read a unit as labels write it: in any case, with points ("fl. oz") and in its other spellings ("Liter",
    "grams", "lbs"), as the consistency checks know them. `allowed` maps each unit the field allows to its key
    in those spellings. A value that names no allowed unit stays as written, for the error to show it."""

    def normalize(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        written = " ".join(value.replace(".", " ").split()).lower()
        key = unit_key(written) or unit_key(written.replace(" ", ""))
        return next((unit for unit, unit_of in allowed.items() if key is not None and unit_of == key), value)

    return BeforeValidator(normalize)


class Dimensions(SpecModel):
    """Outer size of the product; at least one of width, depth and height."""

    width: PositiveNumber | None = None
    depth: PositiveNumber | None = None
    height: PositiveNumber | None = None
    unit: Annotated[Literal["mm", "cm", "m", "in"], _unit_spelling({"mm": "mm", "cm": "cm", "m": "m", "in": "inch"})]
    note: Text | None = None

    @model_validator(mode="after")
    def _has_a_side(self) -> "Dimensions":
        if self.width is None and self.depth is None and self.height is None:
            raise ValueError("no side given; expected at least one of width, depth or height")
        return self


class Weight(SpecModel):
    """Net weight."""

    value: PositiveNumber
    unit: Annotated[Literal["g", "kg", "oz", "lb"], _unit_spelling({"g": "g", "kg": "kg", "oz": "oz", "lb": "lb"})]
    note: Text | None = None


class Volume(SpecModel):
    """Net content volume."""

    value: PositiveNumber
    unit: Annotated[
        Literal["ml", "cl", "l", "fl oz"], _unit_spelling({"ml": "ml", "cl": "cl", "l": "l", "fl oz": "fl oz"})
    ]
    note: Text | None = None


class Variant(SpecModel):
    """One purchasable colour or configuration of the product."""

    sku: Sku
    color: Label
    color_hex: HexColor
    finish: Text | None = None
    material: Text | None = None


class Audience(SpecModel):
    """Who buys the product and how."""

    persona: Text | None = None
    shopping_behavior: Text | None = None
    preferences: Text | None = None


class Competitor(SpecModel):
    """A product the listing may be compared against."""

    product: Label
    positioning: Text | None = None
    price: Money | None = None


class VisualBrief(SpecModel):
    """What the images must show."""

    mandatory_elements: UnorderedItems = Field(default_factory=list, max_length=MAX_VISUAL_ITEMS)
    style: Text | None = None
    anchors: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_VISUAL_ITEMS)


def _brand_guide_name(value: str) -> str:
    if re.match(SKU_PATTERN, value) is None:
        raise ValueError(f"not a brand guide name; expected the file name under brands/ without .json: {SKU_EXPECTED}")
    return value


GuideName = Annotated[str, AfterValidator(_brand_guide_name)]
"""The name of a brand guide stored as brands/<name>.json."""


def _category_levels(value: str) -> str:
    """Drop empty levels of a category path ("Home > Mugs >"), whose last level names the product's kind."""
    levels = [level.strip() for level in value.split(">")]
    named = [level for level in levels if level]
    if not named:
        raise ValueError("no category name between the '>' separators; expected a category such as 'Kitchen > Mugs'")
    return value if len(named) == len(levels) else " > ".join(named)


Category = Annotated[NonEmptyStr, AfterValidator(_category_levels)]
"""A category path, most general level first, levels separated by '>'."""


class ProductSpec(SpecModel):
    """A product as the merchandiser describes it."""

    sku: Sku
    name: ProductName
    brand: Label
    category: Category
    price: Money
    summary: LongText | None = None
    materials: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_MATERIALS)
    dimensions: Dimensions | None = None
    weight: Weight | None = None
    volume: Volume | None = None
    specs: dict[SpecKey, SpecValue] = Field(default_factory=dict, max_length=MAX_SPECS)
    features: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_FEATURES)
    variants: list[Variant] = Field(default_factory=list, max_length=MAX_VARIANTS)
    audience: Audience | None = None
    competitors: list[Competitor] = Field(default_factory=list, max_length=MAX_COMPETITORS)
    brand_voice: BrandVoice | None = None
    brand_guide: GuideName | None = None
    visual: VisualBrief = Field(default_factory=VisualBrief)
    campaign: Text | None = None
    targets: list[Target] = Field(default_factory=lambda: [Platform.SHOPIFY], min_length=1, max_length=len(Platform))
    reference_photos: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_REFERENCE_PHOTOS)

    @model_validator(mode="before")
    @classmethod
    def _spec_keys_once(cls, data: Any) -> Any:
        """Drop `specs` entries without a value, and mark a key that names the same entry as an earlier one.

        A null, an empty list or blank text is no value, as PIM exports write an attribute left empty, so its
        entry is left out. Trimmed of spaces, pydantic would keep only the last of "drop_mm " and "drop_mm". Keys that
        differ only in case are rejected too, because the copy would list one label twice. The later key's
        value is replaced by a RepeatedKey, which fails as that entry's error beside every other error of the
        spec.
        """
        specs = data.get("specs") if isinstance(data, dict) else None
        if not isinstance(specs, dict):
            return data
        valued = {key: value for key, value in specs.items() if not _without_value(value)}
        first: dict[str, str] = {}
        marked: dict[Any, Any] = {}
        for key, value in valued.items():
            folded = key.strip().casefold() if isinstance(key, str) else key
            if folded not in first:
                first[folded] = key
                marked[key] = value
                continue
            # The mark takes the place of the earlier entry, which the key would merge with or repeat.
            marked.pop(first[folded], None)
            marked[key.strip()] = RepeatedKey(key, first[folded])
        return data if len(marked) == len(specs) else {**data, "specs": marked}

    @model_validator(mode="after")
    def _each_once(self) -> "ProductSpec":
        """Reject a variant sku or a target given twice, at the second one's path."""
        errors: list[InitErrorDetails] = []
        seen: dict[str, str] = {}
        for index, variant in enumerate(self.variants):
            key = variant.sku.casefold()
            if key in seen:
                problem = (
                    "the variant sku appears twice in variants"
                    if seen[key] == variant.sku
                    else f"the variant sku differs from {seen[key]!r} of another variant only in case"
                )
                errors.append(
                    _error(("variants", index, "sku"), variant.sku, f"{problem}; expected one sku per variant")
                )
            seen.setdefault(key, variant.sku)
        errors += self._colors_once()
        targets: set[Platform] = set()
        for index, target in enumerate(self.targets):
            if target in targets:
                errors.append(
                    _error(("targets", index), target.value, "target given twice; expected each platform once")
                )
            targets.add(target)
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        # Targets are a set of platforms: in one order, another order of them in the file changes nothing.
        self.targets.sort(key=list(Platform).index)
        return self

    def _colors_once(self) -> list[InitErrorDetails]:
        """Reject a variant that repeats another's colour name, finish and material, which copy cannot tell apart."""
        errors: list[InitErrorDetails] = []
        first: dict[tuple[str, str, str], int] = {}
        for index, variant in enumerate(self.variants):
            key = (
                " ".join(variant.color.casefold().split()),
                (variant.finish or "").casefold(),
                (variant.material or "").casefold(),
            )
            if key in first:
                message = (
                    f"an earlier variant ({self.variants[first[key]].sku}) has the same colour name, finish and "
                    "material, so the copy cannot tell the two apart; expected a different colour name per "
                    "variant, or a finish or material that differs"
                )
                errors.append(_error(("variants", index, "color"), variant.color, message))
            first.setdefault(key, index)
        return errors

    @property
    def colors(self) -> list[str]:
        return [variant.color for variant in self.variants]


def _error(location: tuple[int | str, ...], value: str, message: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError("value_error", "Value error, {error}", {"error": message}),
        loc=location,
        input=value,
    )


def _without_value(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())
