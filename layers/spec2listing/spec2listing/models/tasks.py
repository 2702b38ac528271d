"""Inputs and outputs of the state machine's tasks.

States pass S3 keys and small fields only; documents and images stay in the
bucket, because a Step Functions payload is limited to 256 KB.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, Json

from spec2listing.models.records import ProductStatus


class TaskModel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    execution_id: str | None = None


class PipelineConfig(TaskModel):
    """Knobs the state machine reads from Intake's output (MaxConcurrencyPath and friends)."""

    product_concurrency: int = Field(ge=0)
    image_concurrency: int = Field(ge=0)
    tolerated_failure_percentage: float = Field(ge=0, le=100)


class IntakeTask(TaskModel):
    trigger: dict[str, Any]
    execution_name: str
    started_at: datetime


class IntakeResult(TaskModel):
    run_id: str
    products_key: str
    product_count: int = Field(description="Products accepted: queued for the Products map, or reused.")
    queued_count: int = Field(default=0, description="Products the Products map generates.")
    reused_count: int = Field(default=0, description="Unchanged products that keep their last listing.")
    rejected_count: int
    duplicate_count: int = Field(default=0, description="Identical repeats of a product dropped within the file.")
    duplicate_of: str | None = Field(
        default=None, description="The run an earlier delivery of the same trigger started; nothing else ran."
    )
    config: PipelineConfig


class ProductTask(TaskModel):
    """One item of the Products map, read from products.json."""

    run_id: str
    sku: str
    spec_key: str


class QueuedProduct(ProductTask):
    """One entry of products.json: what the Products map gets, and the content hash it was claimed under."""

    spec_hash: str | None = None


class StepResult(TaskModel):
    duration_ms: int = 0
    cost_usd: float = Field(
        default=0.0, description="What this step's provider calls cost, for metrics; the ledger keeps each call."
    )
    provider: str = ""


class CopyResult(StepResult):
    copy_key: str
    reused_from: str | None = Field(default=None, description="The run whose copy was kept.")
    reason: str = ""


class PlanTask(ProductTask):
    copy_key: str


class RenderTask(TaskModel):
    run_id: str
    sku: str
    spec_key: str
    jobs_key: str
    job_id: str


class RenderStatus(StrEnum):
    RENDERED = "RENDERED"
    BLOCKED = "BLOCKED"
    FAILED = "FAILED"


class RenderResult(StepResult):
    job_id: str
    status: RenderStatus = RenderStatus.RENDERED
    image_key: str | None = None
    error: str | None = None
    cache_key: str | None = None
    reused: bool = False
    requested_format: str | None = Field(
        default=None,
        description="The format the renderer asked for (png, jpeg or webp); None for an image from the cache, "
        "which is cached only in that format.",
    )


class PlanResult(StepResult):
    jobs_key: str
    job_ids: list[str] = Field(description="The jobs to render; cached images are not among them.")
    cached: list[RenderResult] = Field(default_factory=list, description="Jobs whose image came from the cache.")


class RenderFailure(TaskModel):
    """A render that ended in a caught error, as the Catch block hands it on."""

    job_id: str
    error: dict[str, Any]


class CheckTask(ProductTask):
    copy_key: str
    jobs_key: str
    renders: list[dict[str, Any]]
    cached: list[dict[str, Any]] = Field(default_factory=list)
    vision_error: dict[str, Any] | None = Field(
        default=None,
        description="The error that ended the state machine's retries of the check; the vision calls are skipped.",
    )


class CheckResult(StepResult):
    report_key: str
    score: float
    passed: bool
    flags: int
    vision_reused: list[str] = Field(
        default_factory=list, description="Jobs whose vision verdicts came from the cache."
    )


class FinalizeTask(ProductTask):
    started_at: datetime | None = None
    copywriting: CopyResult
    plan: PlanResult
    renders: list[RenderResult]
    check: CheckResult


class ProductOutcome(BaseModel):
    sku: str
    status: ProductStatus
    images_failed: int = Field(
        default=0, description="Renders that failed after their retries, for the ImagesFailed metric."
    )


class FailureTask(TaskModel):
    """What a Catch block passes on: where it failed and the error Step Functions caught."""

    run_id: str | None = None
    sku: str | None = None
    spec_key: str | None = None
    error: dict[str, Any]


class SummarizeTask(TaskModel):
    run_id: str


class SummaryResult(BaseModel):
    run_id: str
    summary_key: str
    counts: dict[str, int]


class RunFailureTask(BaseModel):
    """What RecordRunFailure gets: the execution and its state, with the caught error under `error`."""

    execution_id: str
    execution_name: str
    started_at: datetime
    state: dict[str, Any]


class ExecutionStatusDetail(BaseModel):
    """The detail of a "Step Functions Execution Status Change" event on the default bus."""

    model_config = ConfigDict(extra="ignore")

    execution_arn: str = Field(alias="executionArn")
    state_machine_arn: str = Field(alias="stateMachineArn")
    name: str
    status: str
    start_date: datetime = Field(alias="startDate", description="Milliseconds since the epoch in the event.")
    stop_date: datetime | None = Field(default=None, alias="stopDate")
    input: Json[dict[str, Any]] | None = Field(
        default=None,
        description="The execution input; absent when Step Functions left it out (inputDetails.included false).",
    )
    error: str | None = None
    cause: str | None = None


class ExecutionStatusChange(BaseModel):
    """The event Step Functions sends when an execution of the pipeline ends."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    detail_type: str = Field(alias="detail-type")
    detail: ExecutionStatusDetail
