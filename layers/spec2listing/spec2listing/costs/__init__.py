"""The price table and the cost of each provider call.

Prices are dated list prices in USD (`prices.json` beside this module). A
deployment can replace or extend them with its own table file (PRICE_TABLE, or
`--prices` on the command line) without a release.
"""

from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

MILLION = 1_000_000
# GPT Image charges `auto` quality at the quality it picked; without that answer the estimate takes the dearest.
AUTO_QUALITY_FALLBACK = "high"


class TextPrice(BaseModel):
    """USD per million tokens of a text or vision model."""

    model_config = ConfigDict(extra="forbid")

    input_per_million: float = Field(ge=0)
    output_per_million: float = Field(ge=0)
    thinking_per_million: float = Field(ge=0)
    source: str = ""


class ImagePrice(BaseModel):
    """USD per generated image by quality and size, plus USD per million input tokens."""

    model_config = ConfigDict(extra="forbid")

    input_text_per_million: float = Field(ge=0)
    input_image_per_million: float = Field(ge=0)
    per_image: dict[str, dict[str, float]]
    source: str = ""

    def image_price(self, quality: str, size: str) -> float | None:
        by_size = self.per_image.get(AUTO_QUALITY_FALLBACK if quality == "auto" else quality)
        if by_size is None:
            return None
        return by_size.get(size)


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
        """Cost of one image call: a price per image plus the prompt and reference-photo tokens."""
        price = self.image.get(model)
        if price is None:
            return 0.0
        per_image = price.image_price(quality, size) or 0.0
        cost = images * per_image
        cost += input_text_tokens * price.input_text_per_million / MILLION
        cost += input_image_tokens * price.input_image_per_million / MILLION
        return round(cost, 8)

    def missing(self, *, text_models: list[str], image_models: list[str]) -> list[str]:
        """Models that would be charged nothing because the table has no price for them."""
        absent = [model for model in text_models if model not in self.text]
        return absent + [model for model in image_models if model not in self.image]


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
