"""manifest.json: everything one product's run produced, with usage, cost and timings."""

from datetime import datetime

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
