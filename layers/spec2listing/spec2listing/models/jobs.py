"""Image jobs: one image each, planned from the copy, the spec and the brand guide."""

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from spec2listing.types import HexColor


class ImageKind(StrEnum):
    """What an image is for."""

    PACKSHOT = "packshot"
    LIFESTYLE = "lifestyle"
    VARIANT = "variant"


ImageSize = Literal["1024x1024", "1536x1024", "1024x1536"]
ImageQuality = Literal["low", "medium", "high", "auto"]


class ImageJob(BaseModel):
    """Everything a renderer needs to draw one image, and everything a checker needs to judge it."""

    job_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,80}$")
    kind: ImageKind
    prompt: str
    size: ImageSize = "1024x1024"
    quality: ImageQuality = "medium"
    background: Literal["opaque", "transparent", "auto"] = "opaque"
    backdrop: str = Field(description="'white' for a seamless white studio background, else a scene.")
    anchors: list[str] = Field(default_factory=list)
    mandatory_elements: list[str] = Field(default_factory=list)
    variant_sku: str | None = None
    color: str | None = None
    color_hex: HexColor | None = None
    reference_images: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list, description="Where this image is used.")

    @property
    def width(self) -> int:
        return int(self.size.split("x")[0])

    @property
    def height(self) -> int:
        return int(self.size.split("x")[1])


class ImagePlan(BaseModel):
    """All image jobs of one product."""

    sku: str
    jobs: list[ImageJob]

    def job(self, job_id: str) -> ImageJob:
        for job in self.jobs:
            if job.job_id == job_id:
                return job
        raise KeyError(f"no image job {job_id!r} in the plan for {self.sku}")
