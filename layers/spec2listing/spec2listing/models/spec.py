"""The canonical product spec that every input format is normalized to."""

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spec2listing.models.brand import BrandVoice
from spec2listing.types import Amount, CurrencyCode, HexColor, NonEmptyStr, PositiveNumber, Sku


class Platform(StrEnum):
    """Sales channel a listing is written for."""

    AMAZON = "amazon"
    SHOPIFY = "shopify"
    INSTAGRAM = "instagram"
    GOOGLE_MERCHANT = "google_merchant"


class SpecModel(BaseModel):
    """Base for spec parts: unknown keys are errors, so a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Money(SpecModel):
    """Price in one currency."""

    amount: Amount
    currency: CurrencyCode

    def format(self) -> str:
        return f"{self.amount.quantize(Decimal('0.01'))} {self.currency}"


class Dimensions(SpecModel):
    """Outer size of the product; at least one of width, depth and height."""

    width: PositiveNumber | None = None
    depth: PositiveNumber | None = None
    height: PositiveNumber | None = None
    unit: Literal["mm", "cm", "m", "in"]
    note: str | None = None

    @model_validator(mode="after")
    def _has_a_side(self) -> "Dimensions":
        if self.width is None and self.depth is None and self.height is None:
            raise ValueError("dimensions need at least one of width, depth or height")
        return self


class Weight(SpecModel):
    """Net weight."""

    value: PositiveNumber
    unit: Literal["g", "kg", "oz", "lb"]
    note: str | None = None


class Volume(SpecModel):
    """Net content volume."""

    value: PositiveNumber
    unit: Literal["ml", "l", "fl oz"]
    note: str | None = None


class Variant(SpecModel):
    """One purchasable colour or configuration of the product."""

    sku: Sku
    color: NonEmptyStr
    color_hex: HexColor
    finish: str | None = None
    material: str | None = None


class Audience(SpecModel):
    """Who buys the product and how."""

    persona: str | None = None
    shopping_behavior: str | None = None
    preferences: str | None = None


class Competitor(SpecModel):
    """A product the listing may be compared against."""

    product: NonEmptyStr
    positioning: str | None = None
    price: Money | None = None


class VisualBrief(SpecModel):
    """What the images must show."""

    mandatory_elements: list[NonEmptyStr] = Field(default_factory=list)
    style: str | None = None
    anchors: list[NonEmptyStr] = Field(default_factory=list)


SpecValue = str | int | float | bool


class ProductSpec(SpecModel):
    """A product as the merchandiser describes it."""

    sku: Sku
    name: NonEmptyStr = Field(max_length=300)
    brand: NonEmptyStr
    category: NonEmptyStr
    price: Money
    summary: str | None = None
    materials: list[NonEmptyStr] = Field(default_factory=list)
    dimensions: Dimensions | None = None
    weight: Weight | None = None
    volume: Volume | None = None
    specs: dict[str, SpecValue] = Field(default_factory=dict)
    features: list[NonEmptyStr] = Field(default_factory=list)
    variants: list[Variant] = Field(default_factory=list)
    audience: Audience | None = None
    competitors: list[Competitor] = Field(default_factory=list)
    brand_voice: BrandVoice | None = None
    brand_guide: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    visual: VisualBrief = Field(default_factory=VisualBrief)
    campaign: str | None = None
    targets: list[Platform] = Field(default_factory=lambda: [Platform.SHOPIFY])
    reference_photos: list[NonEmptyStr] = Field(default_factory=list)

    @model_validator(mode="after")
    def _variant_skus_unique(self) -> "ProductSpec":
        seen: set[str] = set()
        for variant in self.variants:
            if variant.sku in seen:
                raise ValueError(f"variant sku {variant.sku!r} appears twice in variants")
            seen.add(variant.sku)
        return self

    @property
    def colors(self) -> list[str]:
        return [variant.color for variant in self.variants]
