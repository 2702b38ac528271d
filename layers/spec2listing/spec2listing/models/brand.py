"""Brand guides: how a brand speaks and what its images must look like."""

from pydantic import Field, field_validator

from spec2listing.models.base import InputModel
from spec2listing.types import HexColor, Label, NonEmptyStr, Text, UnorderedItems

MAX_TONE_WORDS = 10
MAX_BANNED_PHRASES = 200
MAX_RULES = 50
MAX_PALETTE = 20


class BrandVoice(InputModel):
    """Tone and wording rules for copy."""

    tone: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_TONE_WORDS)
    reading_level: Text | None = None
    banned_phrases: UnorderedItems = Field(default_factory=list, max_length=MAX_BANNED_PHRASES)
    always: list[NonEmptyStr] = Field(default_factory=list, max_length=MAX_RULES)

    @field_validator("tone", mode="before")
    @classmethod
    def _tone_as_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class BrandVisual(InputModel):
    """Visual rules every image of the brand follows."""

    mandatory_elements: UnorderedItems = Field(default_factory=list, max_length=MAX_RULES)
    palette: list[HexColor] = Field(default_factory=list, max_length=MAX_PALETTE)
    lighting: Text | None = None
    forbidden: UnorderedItems = Field(default_factory=list, max_length=MAX_RULES)


class BrandGuide(InputModel):
    """A brand's voice and visual rules, stored as brands/<name>.json or given inline."""

    brand: Label
    voice: BrandVoice = Field(default_factory=BrandVoice)
    visual: BrandVisual = Field(default_factory=BrandVisual)
