"""manifest.json: everything one product's run produced, with usage, cost and timings."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from spec2listing.models.records import ProductStatus, Usage


class ImageEntry(BaseModel):
    job_id: str
    kind: str
    status: str
    key: str | None = None
    variant_sku: str | None = None
    color: str | None = None
    color_hex: str | None = None
    platforms: list[str] = Field(default_factory=list)
    error: str | None = None
    cache_key: str | None = None
    reused: bool = Field(default=False, description="The image came from the cache; no provider drew it for this run.")


class Reuse(BaseModel):
    """The parts of a listing taken from earlier runs instead of generated again."""

    base_run_id: str | None = Field(description="The run whose listing the spec was compared with.")
    changed_fields: list[str] = Field(
        description="Spec fields that differ from that listing's spec, plus brand_guide, copy_writer, "
        "image_settings or vision_checker when the brand guide or a provider's model or settings differ."
    )
    copy_source: Literal["reused", "generated"]
    copy_reason: str
    images_reused: list[str] = Field(default_factory=list)
    images_generated: list[str] = Field(default_factory=list)
    vision_reused: list[str] = Field(
        default_factory=list,
        description="Jobs whose vision verdicts were not requested again: served by the cache, or, for an "
        "unchanged spec, kept with the whole listing from base_run_id (offline, the verdicts it left unverified).",
    )
    rebuilt_because: str | None = Field(
        default=None, description="Why the listing of the same spec could not be kept whole, such as a missing image."
    )


class Manifest(BaseModel):
    sku: str
    run_id: str
    name: str
    status: ProductStatus
    spec_hash: str
    source_file: str
    created_at: datetime
    providers: dict[str, str]
    artifacts: dict[str, str]
    exports: dict[str, str]
    images: list[ImageEntry]
    score: float
    flags: int
    usage: list[Usage]
    cost_usd: float
    timings_ms: dict[str, int]
    reuse: Reuse | None = None
    sizes: dict[str, int] = Field(
        default_factory=dict,
        description="Byte size of the copy and of each rendered image, by key, as the run wrote them.",
    )
