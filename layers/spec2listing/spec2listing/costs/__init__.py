"""The price table and the cost of each provider call.

Prices are dated list prices in USD (`prices.json` beside this module). A
deployment can replace or extend them with its own table file (PRICE_TABLE, or
`--prices` on the command line) without a release.
"""

from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MILLION = 1_000_000
# GPT Image charges `auto` quality at the quality it picked; without that answer the estimate takes the dearest.
AUTO_QUALITY_FALLBACK = "high"


Price = Annotated[float, Field(ge=0, allow_inf_nan=False)]
"""A USD price: finite and not negative, so that no cost total turns negative or NaN."""


class TextPrice(BaseModel):
    """USD per million tokens of a text or vision model."""

    model_config = ConfigDict(extra="forbid")

    input_per_million: Price
    output_per_million: Price
    thinking_per_million: Price
    source: str = ""


class ImagePrice(BaseModel):
    """USD per generated image by quality and size, plus USD per million input tokens."""

    model_config = ConfigDict(extra="forbid")

    input_text_per_million: Price
    input_image_per_million: Price
    per_image: dict[str, dict[str, Price]]
    source: str = ""

    def image_price(self, quality: str, size: str) -> float | None:
        """The listed price of one image, or None when the table lists none for that quality and size."""
        by_size = self.per_image.get(AUTO_QUALITY_FALLBACK if quality == "auto" else quality)
        if by_size is None:
            return None
        return by_size.get(size)

    def estimated_image_price(self, quality: str, size: str) -> float | None:
        """Price one image of a quality or size the table does not list, by pixel count.

        An unlisted quality costs as AUTO_QUALITY_FALLBACK. An unlisted size
        costs as the smallest listed size with at least as many pixels. A size
        larger than all costs as the largest one, scaled by the pixel ratio,
        and a size that is not WIDTHxHEIGHT as the dearest listed size.
        Returns None only when the table lists no size for the quality.
        """
        by_size = self.per_image.get(quality) or self.per_image.get(AUTO_QUALITY_FALLBACK)
        if not by_size:
            return None
        listed = sorted((pixels, price) for name, price in by_size.items() if (pixels := _pixels(name)) is not None)
        pixels = _pixels(size)
        if pixels is None or not listed:
            return max(by_size.values())
        for listed_pixels, price in listed:
            if listed_pixels >= pixels:
                return price
        largest_pixels, largest_price = listed[-1]
        return largest_price * pixels / largest_pixels


class PriceTable(BaseModel):
    """List prices of the models the providers call, as of one date."""

    model_config = ConfigDict(extra="forbid")

    as_of: date
    currency: str = "USD"
    note: str = ""
    text: dict[str, TextPrice] = Field(default_factory=dict)
    image: dict[str, ImagePrice] = Field(default_factory=dict)

    def merged(self, override: "PriceTable") -> "PriceTable":
        """Return this table with the override's models replacing or adding entries."""
        return PriceTable(
            as_of=override.as_of,
            currency=override.currency,
            note=override.note or self.note,
            text={**self.text, **override.text},
            image={**self.image, **override.image},
        )

    def text_cost(self, model: str, *, input_tokens: int, output_tokens: int, thinking_tokens: int) -> float:
        """Cost of one text or vision call; 0.0 when the model has no price (see `missing`)."""
        price = self.text.get(model)
        if price is None:
            return 0.0
        cost = (
            input_tokens * price.input_per_million
            + output_tokens * price.output_per_million
            + thinking_tokens * price.thinking_per_million
        ) / MILLION
        return round(cost, 8)

    def lists_image_price(self, model: str, *, quality: str, size: str) -> bool:
        """Return whether the table lists this image price, which image_cost otherwise estimates by pixel count."""
        price = self.image.get(model)
        return price is not None and price.image_price(quality, size) is not None

    def image_cost(
        self,
        model: str,
        *,
        quality: str,
        size: str,
        images: int,
        input_text_tokens: int = 0,
        input_image_tokens: int = 0,
    ) -> float:
        """Cost of one image call: a price per image plus the prompt and reference-photo tokens.

        A quality or size the table does not list is priced by pixel count (ImagePrice.estimated_image_price).
        """
        price = self.image.get(model)
        if price is None:
            return 0.0
        per_image = price.image_price(quality, size)
        if per_image is None:
            per_image = price.estimated_image_price(quality, size) or 0.0
        cost = images * per_image
        cost += input_text_tokens * price.input_text_per_million / MILLION
        cost += input_image_tokens * price.input_image_per_million / MILLION
        return round(cost, 8)

    def missing(self, *, text_models: list[str], image_models: list[str]) -> list[str]:
        """Models that would be charged nothing because the table has no price for them."""
        absent = [model for model in text_models if model not in self.text]
        return absent + [model for model in image_models if model not in self.image]


def _pixels(size: str) -> int | None:
    """Return the pixel count of a WIDTHxHEIGHT size such as 1536x1024, or None for another text."""
    width, separator, height = size.partition("x")
    if not separator or not width.isdigit() or not height.isdigit():
        return None
    return int(width) * int(height)


@cache
def default_prices() -> PriceTable:
    """The table shipped with the package."""
    text = resources.files(__package__).joinpath("prices.json").read_text(encoding="utf-8")
    return PriceTable.model_validate_json(text)


def load_prices(path: Path | None) -> PriceTable:
    """The shipped table, with the models of the file at `path` replacing or adding entries."""
    table = default_prices()
    if path is None:
        return table
    return table.merged(PriceTable.model_validate_json(path.read_text(encoding="utf-8")))
