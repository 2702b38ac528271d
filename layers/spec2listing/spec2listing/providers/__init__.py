"""Provider interfaces: copywriter, image renderer and vision checker.

Each has an offline implementation (deterministic, no network) and a live one.
Domain code depends on these protocols only, so tests hand in fakes. Every
call records its usage in the ledger it is given as soon as the provider
answers, so a call that fails afterwards still leaves its cost behind.
"""

from typing import Literal, Protocol
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field

from spec2listing.costs.ledger import UsageLedger
from spec2listing.models.brand import BrandGuide
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob
from spec2listing.models.spec import ProductSpec


class CopyDraft(BaseModel):
    """Copy as a copywriter wrote it."""

    listing: ProductCopy


class RenderedImage(BaseModel):
    """Encoded image bytes and their media type."""

    data: bytes
    media_type: str = "image/png"
    problems: list[str] = Field(
        default_factory=list,
        description="How the image differs from the request (format, size); such an image is kept but never cached.",
    )


class VisionVerdict(BaseModel):
    """A vision model's answer about one item it was asked to find in an image."""

    item: str
    kind: Literal["anchor", "mandatory_element", "color"]
    verdict: Literal["present", "absent", "unverified"]
    reason: str = ""


class VisionReport(BaseModel):
    """A vision model's verdicts on one image."""

    verdicts: list[VisionVerdict]
    error: str | None = Field(
        default=None,
        description="Why the image failed its vision check: no model judged it (a fault, no time left) and its "
        "items are unverified, or the model left unverified what it had to confirm.",
    )
    retryable: bool = Field(
        default=False,
        description="True when a provider fault or the time limit kept the model from judging the image, so a run "
        "of the same spec checks it again; a model's own answer, and a refusal, stand.",
    )


def own_endpoint(base_url: str | None, official: str) -> str | None:
    """Return a base URL as the endpoint it names, or None when it is unset or the provider's own.

    Spellings of one endpoint ("…/v1" and "…/v1/", a host in capitals) are one
    endpoint, so they never count as another model. The name leaves out a query,
    which may carry a key ("?key=…"), since generation settings and cache keys
    are written into the outputs.
    """
    if base_url is None or not base_url.strip():
        return None
    parts = urlsplit(base_url.strip())
    path = parts.path.rstrip("/")
    normal = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
    return None if normal == official else normal


def served_by(model: str, endpoint: str | None) -> str:
    """Name a model with the endpoint that serves it, when one other than the provider's own is set.

    Generation settings and cache keys use this name, so outputs made through a
    proxy or a local fake never pass for those of the provider itself.
    """
    return model if endpoint is None else f"{model}@{endpoint}"


class CopyWriter(Protocol):
    name: str
    model: str
    # The base URL requests go to when it is not the provider's own (GEMINI_BASE_URL, OPENAI_BASE_URL).
    endpoint: str | None

    def write(self, spec: ProductSpec, brand: BrandGuide | None, *, ledger: UsageLedger) -> CopyDraft: ...


class ImageRenderer(Protocol):
    name: str
    model: str
    endpoint: str | None
    # Whether `render` draws from the spec's category, which no prompt carries, so that it decides the image.
    draws_category: bool

    def render(
        self, job: ImageJob, spec: ProductSpec, references: list[bytes], *, ledger: UsageLedger
    ) -> RenderedImage: ...

    def output_format(self, job: ImageJob) -> str:
        """Return the format, "png", "jpeg" or "webp", that `render` requests or draws for the job."""
        ...


class VisionChecker(Protocol):
    name: str
    model: str
    endpoint: str | None

    def check(
        self, image: bytes, job: ImageJob, *, ledger: UsageLedger, budget_seconds: float | None = None
    ) -> VisionReport:
        """Judge one image; `budget_seconds` caps the time all attempts of the call may take."""
        ...
