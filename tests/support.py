"""Paths and loaders shared by the tests."""

import json
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moto import mock_aws
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.intake import parse_upload
from spec2listing.local.runtime import serialize_moto_backends
from spec2listing.local.template import load_template
from spec2listing.models.brand import BrandGuide
from spec2listing.models.records import ProductStatus
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import (
    CheckTask,
    FinalizeTask,
    IntakeTask,
    PipelineConfig,
    PlanResult,
    PlanTask,
    ProductOutcome,
    ProductTask,
    RenderResult,
    RenderStatus,
    RenderTask,
)
from spec2listing.pipeline.intake import run_intake
from spec2listing.pipeline.outcomes import finalize_product
from spec2listing.pipeline.steps import check_consistency, generate_copy, plan_product_images, render_image
from spec2listing.storage.objects import get_json

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "events"
EXAMPLES = ROOT / "examples"
# Acceptance inputs kept beside the checkout: canonical specs, brand guides, a catalog and bad files.
ACCEPTANCE = ROOT.parent / "shared" / "specs"
ACCEPTANCE_SPECS = sorted(ACCEPTANCE.glob("*.json"))
ACCEPTANCE_CATALOGS = sorted((ACCEPTANCE / "catalogs").glob("*.csv"))
ACCEPTANCE_BAD = sorted((ACCEPTANCE / "bad").iterdir()) if (ACCEPTANCE / "bad").is_dir() else []
ACCEPTANCE_BRANDS = ACCEPTANCE / "brands"


def load_event(name: str) -> dict[str, Any]:
    """Load a sample event from events/ by file name without the .json suffix."""
    document: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return document


def specs_in(path: Path) -> list[ProductSpec]:
    upload = parse_upload(path.name, path.read_bytes())
    assert not upload.rejections, upload.rejections
    return [spec for _, spec in upload.specs]


def brand_for(spec: ProductSpec) -> BrandGuide | None:
    """The brand guide a spec names, from the acceptance or example brand folders, merged with inline voice."""
    guide = None
    if spec.brand_guide:
        for folder in (ACCEPTANCE_BRANDS, EXAMPLES / "brands"):
            path = folder / f"{spec.brand_guide}.json"
            if path.is_file():
                guide = BrandGuide.model_validate_json(path.read_text(encoding="utf-8"))
    if spec.brand_voice is not None:
        guide = (guide or BrandGuide(brand=spec.brand)).model_copy(update={"voice": spec.brand_voice})
    return guide


def all_acceptance_specs() -> list[ProductSpec]:
    specs = [spec for path in ACCEPTANCE_SPECS for spec in specs_in(path)]
    specs += [spec for path in ACCEPTANCE_CATALOGS for spec in specs_in(path)]
    return specs


def planned_example(store: Any, records: Any, *, renderer: Any) -> tuple[dict[str, Any], str, PlanResult]:
    """Take examples/daypack.json through intake, offline copy and image planning, as the pipeline does.

    Returns the product's Map item, the key of its copy and the plan, whose jobs are left to render.
    """
    path = EXAMPLES / "daypack.json"
    store.put_bytes(f"incoming/{path.name}", path.read_bytes(), "application/json")
    store.put_bytes("brands/fjellstad.json", (EXAMPLES / "brands" / "fjellstad.json").read_bytes(), "application/json")
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = f"incoming/{path.name}"
    started = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    intake = run_intake(
        IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="example", started_at=started),
        store=store,
        records=records,
        config=PipelineConfig(product_concurrency=1, image_concurrency=1, tolerated_failure_percentage=100),
    )
    (item,) = get_json(store, intake.products_key)
    copy = generate_copy(ProductTask.model_validate(item), store=store, writer=OfflineCopyWriter())
    return item, copy.copy_key, plan_default_images(store, item, copy.copy_key, renderer)


def plan_default_images(store: Any, item: dict[str, Any], copy_key: str, renderer: Any) -> PlanResult:
    """Plan a product's images at the default sizes and quality."""
    return plan_product_images(
        PlanTask(**item, copy_key=copy_key),
        store=store,
        size="1024x1024",
        lifestyle_size="1536x1024",
        quality="medium",
        renderer=renderer,
    )


def run_product_steps(store: Any, records: Any, item: dict[str, Any], **options: Any) -> ProductStatus:
    """Chain the product steps as the Products map does, and return the product's status (see product_outcome)."""
    return product_outcome(store, records, item, **options).status


def product_outcome(
    store: Any,
    records: Any,
    item: dict[str, Any],
    *,
    writer: Any = None,
    renderer: Any = None,
    vision: Any = None,
    started_at: datetime | None = None,
    failed_jobs: frozenset[str] = frozenset(),
) -> ProductOutcome:
    """Run the product steps and return FinalizeProduct's outcome, rendering only the jobs the plan leaves to render.

    The renders of `failed_jobs` end as the render Catch ends them, FAILED with a provider error.
    """
    task = ProductTask.model_validate(item)
    renderer = renderer or OfflineRenderer()
    copy = generate_copy(task, store=store, writer=writer or OfflineCopyWriter())
    plan = plan_default_images(store, item, copy.copy_key, renderer)
    renders = [
        RenderResult(job_id=job_id, status=RenderStatus.FAILED, error="ProviderUnavailable: OpenAI returned HTTP 503")
        if job_id in failed_jobs
        else render_image(RenderTask(**item, jobs_key=plan.jobs_key, job_id=job_id), store=store, renderer=renderer)
        for job_id in plan.job_ids
    ]
    check, _ = check_consistency(
        CheckTask(
            **item,
            copy_key=copy.copy_key,
            jobs_key=plan.jobs_key,
            renders=[render.model_dump(mode="json") for render in renders],
            cached=[render.model_dump(mode="json") for render in plan.cached],
        ),
        store=store,
        vision=vision,
    )
    outcome = finalize_product(
        FinalizeTask(**item, started_at=started_at, copywriting=copy, plan=plan, renders=renders, check=check),
        store=store,
        records=records,
        providers={"copy": "offline", "images": "offline", "vision": vision.name if vision else "none"},
    )
    return outcome


@contextmanager
def emulated_aws() -> Iterator[None]:
    """moto's AWS, safe to call from several threads, as the local pipeline runs it.

    DynamoDB applies a conditional write atomically; moto checks and writes in
    two steps, so without the lock two threads can both pass one condition.
    """
    with mock_aws():
        restore = serialize_moto_backends()
        try:
            yield
        finally:
            restore()


def create_records_table(dynamodb: Any, name: str = "records") -> None:
    """Create the template's DynamoDB table, keys and indexes as deployed, through a DynamoDB client (moto's)."""
    _, table = load_template(ROOT).resource_of_type("AWS::DynamoDB::Table")
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=table["AttributeDefinitions"],
        KeySchema=table["KeySchema"],
        GlobalSecondaryIndexes=table["GlobalSecondaryIndexes"],
    )


def png_header(width: int, height: int) -> bytes:
    """Return a PNG that declares an RGB image of the given size and stops after its header.

    Pillow reads the size and refuses or accepts the image before any pixel data, so a test can declare
    hundreds of megapixels in a few dozen bytes.
    """

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")
