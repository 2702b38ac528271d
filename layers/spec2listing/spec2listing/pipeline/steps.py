"""The per-product steps: copy, image plan, one render, consistency check.

Each step keeps what the product's last completed listing or the caches
already hold (see pipeline.incremental) and calls a provider only for the rest.
"""

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from pydantic import BaseModel, ValidationError

from spec2listing.consistency.engine import check_product
from spec2listing.errors import ArtifactMissing
from spec2listing.imaging.planner import plan_images
from spec2listing.models.consistency import ConsistencyReport
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob, ImagePlan, ImageQuality, ImageSize
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
from spec2listing.pipeline.incremental import CopyDecision, copy_decision, image_cache_key, vision_cache_key
from spec2listing.providers import CopyWriter, ImageRenderer, VisionChecker, VisionReport
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
    """Write the product's copy, or keep the last listing's copy when nothing it depends on changed."""
    with timed() as watch:
        product = load_product(store, task.spec_key)
        copy_key = keys.product_file(task.run_id, task.sku, "copy.json")
        decision = _copy_decision(store, product)
        if decision is not None and decision.reuse and product.base and product.base.copy_key:
            store.copy(product.base.copy_key, copy_key)
            reused_from: str | None = product.base.run_id
            usage = []
        else:
            draft = writer.write(product.spec, product.brand)
            put_json(store, copy_key, draft.listing)
            reused_from, usage = None, draft.usage
    return CopyResult(
        copy_key=copy_key,
        usage=usage,
        provider=writer.name,
        duration_ms=watch.ms,
        reused_from=reused_from,
        reason=decision.reason if decision else "",
    )


def _copy_decision(store: ObjectStore, product: NormalizedProduct) -> CopyDecision | None:
    base = product.base
    if base is None or base.copy_key is None:
        return None
    try:
        earlier = load_product(store, base.spec_key)
        earlier_copy = ProductCopy.model_validate(get_json(store, base.copy_key))
    except (ArtifactMissing, ValidationError):
        return None
    return copy_decision(base.changed_fields, earlier.spec, earlier_copy)


def plan_product_images(
    task: PlanTask,
    *,
    store: ObjectStore,
    size: ImageSize,
    lifestyle_size: ImageSize,
    quality: ImageQuality,
    renderer_model: str,
) -> PlanResult:
    """Plan every image job; jobs whose image is in the cache get it copied and are not rendered."""
    with timed() as watch:
        product = load_product(store, task.spec_key)
        listing = ProductCopy.model_validate(get_json(store, task.copy_key))
        plan = plan_images(
            product.spec, listing, product.brand, size=size, lifestyle_size=lifestyle_size, quality=quality
        )
        jobs_key = keys.product_file(task.run_id, task.sku, "image-jobs.json")
        put_json(store, jobs_key, plan)
        references = _reference_photos(store, plan.jobs)
        to_render, cached = [], []
        for job in plan.jobs:
            photos = [references.get(key) for key in job.reference_images]
            known = [photo for photo in photos if photo is not None]
            if len(known) < len(photos):
                to_render.append(job.job_id)  # the render reports the missing photo
                continue
            cache_key = image_cache_key(renderer_model, job, known, product.spec.category)
            extension = next(
                (ext for ext in keys.IMAGE_EXTENSIONS if store.exists(keys.image_cache(cache_key, ext))), None
            )
            if extension is None:
                to_render.append(job.job_id)
                continue
            image_key = keys.product_image(task.run_id, task.sku, job.job_id, extension)
            store.copy(keys.image_cache(cache_key, extension), image_key)
            cached.append(RenderResult(job_id=job.job_id, image_key=image_key, cache_key=cache_key, reused=True))
    return PlanResult(jobs_key=jobs_key, job_ids=to_render, cached=cached, duration_ms=watch.ms)


def _reference_photos(store: ObjectStore, jobs: list[ImageJob]) -> dict[str, bytes]:
    photos = {}
    for key in dict.fromkeys(key for job in jobs for key in job.reference_images):
        try:
            photos[key] = store.get_bytes(key)
        except ArtifactMissing:
            continue
    return photos


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
        cache_key = image_cache_key(renderer.model, job, references, product.spec.category)
        store.put_bytes(keys.image_cache(cache_key, extension), image.data, image.media_type)
    return RenderResult(
        job_id=job.job_id,
        status=RenderStatus.RENDERED,
        image_key=image_key,
        usage=image.usage,
        provider=renderer.name,
        duration_ms=watch.ms,
        cache_key=cache_key,
    )


class RenderError(BaseModel):
    """A failed render's error, kept in the bucket so the Map's results carry only its name."""

    job_id: str
    error: str
    message: str


def record_render_error(task: RenderTask, error: BaseException, *, store: ObjectStore) -> None:
    """Keep a render's error beside its image, for the steps that report it, before Step Functions sees it."""
    detail = RenderError(job_id=task.job_id, error=type(error).__name__, message=str(error))
    put_json(store, keys.render_error(task.run_id, task.sku, task.job_id), detail)


def parse_renders(raw: list[dict[str, object]], *, store: ObjectStore, run_id: str, sku: str) -> list[RenderResult]:
    """Read the Map's results: rendered images, and caught failures shaped by the Catch states.

    A caught failure carries only the error's name, because the Map's results
    of a product with a hundred variants must fit the 256 KB state. The message
    is read from the error the render kept in the bucket, as "ErrorType:
    message". Results of earlier versions carry Step Functions' whole Cause
    (the Lambda error as JSON), which is shortened the same way.
    """
    renders = []
    for item in raw:
        render = RenderResult.model_validate(item)
        if render.error:
            render.error = _render_error_text(render, store=store, run_id=run_id, sku=sku)
        renders.append(render)
    return renders


def _render_error_text(render: RenderResult, *, store: ObjectStore, run_id: str, sku: str) -> str:
    name = describe_cause(render.error or "")
    if name != render.error:
        return name
    try:
        detail = RenderError.model_validate(get_json(store, keys.render_error(run_id, sku, render.job_id)))
    except (ArtifactMissing, ValueError):
        # States.Timeout and other errors Step Functions raises itself leave no detail behind.
        return name
    if detail.error != name:
        return name
    return f"{detail.error}: {detail.message}"


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
        renders = parse_renders(task.renders, store=store, run_id=task.run_id, sku=task.sku)
        renders += [RenderResult.model_validate(item) for item in task.cached]
        images = {
            render.job_id: store.get_bytes(render.image_key)
            for render in renders
            if render.status == RenderStatus.RENDERED and render.image_key
        }
        vision_reports: dict[str, VisionReport] = {}
        vision_reused: list[str] = []
        cache_keys = {render.job_id: render.cache_key for render in renders}
        unchecked = []
        for job in plan.jobs:
            if vision is None or job.job_id not in images:
                continue
            cached_report = _cached_vision(store, vision, job, cache_keys.get(job.job_id))
            if cached_report is None:
                unchecked.append(job)
                continue
            vision_reports[job.job_id] = cached_report
            vision_reused.append(job.job_id)
        if vision is not None and unchecked:
            # Live checks wait on the network, so images are checked side by side to fit the function timeout.
            with ThreadPoolExecutor(max_workers=vision_concurrency) as pool:
                fresh = pool.map(lambda job: vision.check(images[job.job_id], job), unchecked)
                for job, fresh_report in zip(unchecked, fresh, strict=True):
                    vision_reports[job.job_id] = fresh_report
                    _cache_vision(store, vision, job, cache_keys.get(job.job_id), fresh_report)
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
        vision_reused=vision_reused,
    )
    return result, report


def _cached_vision(
    store: ObjectStore, vision: VisionChecker, job: ImageJob, image_cache_key: str | None
) -> VisionReport | None:
    """Verdicts an earlier run got for the same image and claims; they cost nothing now."""
    if image_cache_key is None:
        return None
    try:
        cached = VisionReport.model_validate(
            get_json(store, keys.vision_cache(vision_cache_key(vision.model, image_cache_key, job)))
        )
    except (ArtifactMissing, ValidationError):
        return None
    return cached.model_copy(update={"usage": []})


def _cache_vision(
    store: ObjectStore, vision: VisionChecker, job: ImageJob, image_cache_key: str | None, report: VisionReport
) -> None:
    # An 'unverified' verdict may come from a passing fault of the model, so only settled verdicts are kept.
    if image_cache_key is None or any(verdict.verdict == "unverified" for verdict in report.verdicts):
        return
    put_json(store, keys.vision_cache(vision_cache_key(vision.model, image_cache_key, job)), report)
