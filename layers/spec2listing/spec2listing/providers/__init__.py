"""Provider interfaces: copywriter, image renderer and vision checker.

Each has an offline implementation (deterministic, no network) and a live one.
Domain code depends on these protocols only, so tests hand in fakes.
"""

from typing import Literal, Protocol

from pydantic import BaseModel, Field

from spec2listing.models.brand import BrandGuide
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob
from spec2listing.models.records import Usage
from spec2listing.models.spec import ProductSpec


class CopyDraft(BaseModel):
    """Copy plus the usage it cost."""

    listing: ProductCopy
    usage: list[Usage] = Field(default_factory=list)


class RenderedImage(BaseModel):
    """Encoded image bytes plus the usage they cost."""

    data: bytes
    media_type: str = "image/png"
    usage: list[Usage] = Field(default_factory=list)


class VisionVerdict(BaseModel):
    """A vision model's answer about one item it was asked to find in an image."""

    item: str
    kind: Literal["anchor", "mandatory_element", "color"]
    verdict: Literal["present", "absent", "unverified"]
    reason: str = ""


class VisionReport(BaseModel):
    verdicts: list[VisionVerdict]
    usage: list[Usage] = Field(default_factory=list)


class CopyWriter(Protocol):
    name: str
    model: str

    def write(self, spec: ProductSpec, brand: BrandGuide | None) -> CopyDraft: ...


class ImageRenderer(Protocol):
    name: str
    model: str

    def render(self, job: ImageJob, spec: ProductSpec, references: list[bytes]) -> RenderedImage: ...


class VisionChecker(Protocol):
    name: str
    model: str

    def check(self, image: bytes, job: ImageJob) -> VisionReport: ...
