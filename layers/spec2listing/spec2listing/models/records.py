"""Product and run records as kept in the table."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from spec2listing.errors import FieldError


class ProductStatus(StrEnum):
    """Outcome of one product in one run."""

    COMPLETE = "COMPLETE"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    FAILED = "FAILED"
    REJECTED = "REJECTED"


class RunStatus(StrEnum):
    """Lifecycle of a run."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Usage(BaseModel):
    """Provider usage of one call, with its cost."""

    step: str
    provider: str
    model: str
    calls: int = 1
    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    cached_tokens: int = Field(
        default=0, description="Input tokens the provider served from its prompt cache, counted in input_tokens."
    )
    images: int = 0
    cost_usd: float = 0.0
    job_id: str | None = Field(default=None, description="The image job a render or vision call was made for.")
    reported: bool = Field(
        default=True,
        description="False when the provider reported no usable usage. Tokens and cost are then estimated "
        "from the request (costs.tokens), or 0 when no reply came back (a timeout, a lost connection, a reply "
        "that is not JSON), so the provider may bill the call differently.",
    )


class ProductRecord(BaseModel):
    """One product's outcome in one run."""

    sku: str
    run_id: str
    status: ProductStatus
    name: str | None = None
    spec_hash: str | None = None
    source: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    changed_at: datetime | None = Field(
        default=None, description="The time of the event that brought the spec; see storage.records.outcome_order."
    )
    duration_ms: int | None = None
    timings_ms: dict[str, int] = Field(default_factory=dict)
    artifacts: dict[str, str] = Field(default_factory=dict)
    score: float | None = None
    flags: int = 0
    flag_summary: list[str] = Field(default_factory=list, description="The first drift flags, for the review index.")
    images: int = 0
    providers: dict[str, str] = Field(default_factory=dict)
    usage: list[Usage] = Field(
        default_factory=list,
        description="Calls summed by step, provider, model and reported usage (costs.ledger.summed_usage); the "
        "manifest and the ledger under usage/ list them one by one.",
    )
    cost_usd: float = 0.0
    error: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    rebuilt_because: str | None = Field(
        default=None, description="Why the listing of the same spec could not be kept whole and was made again."
    )
    reused_from: str | None = Field(
        default=None, description="The run whose listing this run kept because the spec had not changed."
    )


class ClaimState(StrEnum):
    """Progress of generating the listing of one spec content."""

    PENDING = "PENDING"
    DONE = "DONE"
    RETRY = "RETRY"


class SpecClaim(BaseModel):
    """The run that generates, or generated, a SKU's listing from one spec content hash."""

    sku: str
    spec_hash: str
    run_id: str
    state: ClaimState
    record: ProductRecord | None = Field(default=None, description="The product's outcome once DONE.")


class RunRecord(BaseModel):
    """One run: a spec file or event, from intake to summary."""

    run_id: str
    status: RunStatus
    source: str
    execution_id: str | None = None
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    product_count: int = 0
    cost_usd: float = 0.0
    summary_key: str | None = None
    error: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    delivery: str | None = Field(
        default=None, description="The hash of the trigger delivery this run claimed; released when the run fails."
    )
