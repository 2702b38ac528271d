"""The per-product steps: copy, image plan, one render, consistency check."""

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from spec2listing.consistency.engine import check_product
from spec2listing.imaging.planner import plan_images
from spec2listing.models.consistency import ConsistencyReport
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImagePlan, ImageQuality, ImageSize
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.tasks import (
    CheckResult,
    CheckTask,
    CopyResult,
    PlanResult,
    PlanTask,
    ProductTask,
    RenderResult,
    RenderStatus,
    RenderTask,
)
from spec2listing.providers import CopyWriter, ImageRenderer, VisionChecker
from spec2listing.storage import keys
from spec2listing.storage.objects import ObjectStore, get_json, put_json


class Stopwatch:
    def __init__(self) -> None:
        self.ms = 0


@contextmanager
def timed() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    start = time.monotonic()
    try:
        yield watch
    finally:
        watch.ms = round((time.monotonic() - start) * 1000)


def load_product(store: ObjectStore, spec_key: str) -> NormalizedProduct:
    return NormalizedProduct.model_validate(get_json(store, spec_key))


def generate_copy(task: ProductTask, *, store: ObjectStore, writer: CopyWriter) -> CopyResult:
    with timed() as watch:
        product = load_product(store, task.spec_key)
        draft = writer.write(product.spec, product.brand)
        copy_key = keys.product_file(task.run_id, task.sku, "copy.json")
        put_json(store, copy_key, draft.listing)
    return CopyResult(copy_key=copy_key, usage=draft.usage, provider=writer.name, duration_ms=watch.ms)


def plan_product_images(
    task: PlanTask,
    *,
    store: ObjectStore,
    size: ImageSize,
    lifestyle_size: ImageSize,
    quality: ImageQuality,
) -> PlanResult:
    with timed() as watch:
        product = load_product(store, task.spec_key)
        listing = ProductCopy.model_validate(get_json(store, task.copy_key))
        plan = plan_images(
            product.spec, listing, product.brand, size=size, lifestyle_size=lifestyle_size, quality=quality
        )
        jobs_key = keys.product_file(task.run_id, task.sku, "image-jobs.json")
        put_json(store, jobs_key, plan)
    return PlanResult(jobs_key=jobs_key, job_ids=[job.job_id for job in plan.jobs], duration_ms=watch.ms)


def render_image(task: RenderTask, *, store: ObjectStore, renderer: ImageRenderer) -> RenderResult:
    """Render one job and store the image; provider errors propagate for the state machine to retry."""
    with timed() as watch:
        product = load_product(store, task.spec_key)
        plan = ImagePlan.model_validate(get_json(store, task.jobs_key))
        job = plan.job(task.job_id)
        references = [store.get_bytes(key) for key in job.reference_images]
        image = renderer.render(job, product.spec, references)
        extension = image.media_type.split("/")[-1].replace("jpeg", "jpg")
        image_key = keys.product_image(task.run_id, task.sku, job.job_id, extension)
        store.put_bytes(image_key, image.data, image.media_type)
    return RenderResult(
        job_id=job.job_id,
        status=RenderStatus.RENDERED,
        image_key=image_key,
        usage=image.usage,
        provider=renderer.name,
        duration_ms=watch.ms,
    )


def parse_renders(raw: list[dict[str, object]]) -> list[RenderResult]:
    """Read the Map's results: rendered images, and caught failures shaped by the Catch states.

    A caught failure's error is Step Functions' Cause, the Lambda error as JSON;
    it is shortened to "ErrorType: message".
    """
    renders = []
    for item in raw:
        render = RenderResult.model_validate(item)
        if render.error:
            render.error = describe_cause(render.error)
        renders.append(render)
    return renders


def describe_cause(cause: str) -> str:
    try:
        parsed = json.loads(cause)
    except ValueError:
        return cause
    if isinstance(parsed, dict) and "errorMessage" in parsed:
        return f"{parsed.get('errorType', 'Error')}: {parsed['errorMessage']}"
    return cause


def check_consistency(
    task: CheckTask, *, store: ObjectStore, vision: VisionChecker | None = None, vision_concurrency: int = 4
) -> tuple[CheckResult, ConsistencyReport]:
    """Check copy and images against each other; the vision checker sees up to `vision_concurrency` images at once."""
    with timed() as watch:
        product = load_product(store, task.spec_key)
        listing = ProductCopy.model_validate(get_json(store, task.copy_key))
        plan = ImagePlan.model_validate(get_json(store, task.jobs_key))
        renders = parse_renders(task.renders)
        images = {
            render.job_id: store.get_bytes(render.image_key)
            for render in renders
            if render.status == RenderStatus.RENDERED and render.image_key
        }
        vision_reports = {}
        if vision is not None:
            checked = [job for job in plan.jobs if job.job_id in images]
            # Live checks wait on the network, so images are checked side by side to fit the function timeout.
            with ThreadPoolExecutor(max_workers=vision_concurrency) as pool:
                reports = pool.map(lambda job: vision.check(images[job.job_id], job), checked)
                vision_reports = {job.job_id: report for job, report in zip(checked, reports, strict=True)}
        report = check_product(
            spec=product.spec,
            brand=product.brand,
            listing=listing,
            plan=plan,
            renders=renders,
            images=images,
            vision=vision_reports,
        )
        if vision is not None:
            report.providers["vision"] = vision.name
        report_key = keys.product_file(task.run_id, task.sku, "consistency.json")
        put_json(store, report_key, report)
    result = CheckResult(
        report_key=report_key,
        score=report.score,
        passed=report.passed,
        flags=len(report.flags),
        duration_ms=watch.ms,
        usage=[item for vision_report in vision_reports.values() for item in vision_report.usage],
        provider=vision.name if vision is not None else "",
    )
    return result, report
