"""The per-product steps: copy, image plan, one render, consistency check.

Each step keeps what the product's last completed listing or the caches
already hold (see pipeline.incremental) and calls a provider only for the rest.
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from spec2listing.consistency.engine import check_product
from spec2listing.consistency.image_checks import RENDER_CHECKS
from spec2listing.costs.ledger import StoreLedger
from spec2listing.errors import (
    ArtifactMissing,
    ArtifactUnreadable,
    ContentBlocked,
    ProviderAuthFailed,
    ProviderOutputInvalid,
    ProviderRequestRejected,
    ProviderRetryLater,
    ProviderThrottled,
    ProviderUnavailable,
    ReferencePhotoInvalid,
    ReferencePhotoMissing,
    RenderPending,
)
from spec2listing.imaging.planner import plan_images
from spec2listing.models.consistency import CheckTarget, ConsistencyReport
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
from spec2listing.pipeline.references import read_reference_photos
from spec2listing.providers import CopyWriter, ImageRenderer, VisionChecker, VisionReport, VisionVerdict, served_by
from spec2listing.providers.media import image_problem
from spec2listing.providers.prompts import checklist
from spec2listing.storage import keys
from spec2listing.storage.objects import ObjectStore, get_json, put_json

logger = logging.getLogger(__name__)
# Time the check keeps after the vision pass for pixel checks, the report and the return, in seconds.
# How long a product's claim to render an image for its run holds: RenderImage's timeout (template.yaml) and a
# minute more. A claim older than that belongs to a render that ended without the image, and the next product
# that wants the image renders it itself.
RENDER_CLAIM_SECONDS = 960
VISION_RESERVE_SECONDS = 60.0
# A vision call is not started with less time than this left, in seconds.
MIN_VISION_CALL_SECONDS = 5.0


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
    ledger = StoreLedger(store, task.run_id, task.sku)
    with timed() as watch:
        product = load_product(store, task.spec_key)
        copy_key = keys.product_file(task.run_id, task.sku, "copy.json")
        decision = _copy_decision(store, product)
        if decision.reuse and product.base and product.base.copy_key:
            store.copy(product.base.copy_key, copy_key)
            reused_from: str | None = product.base.run_id
        else:
            draft = writer.write(product.spec, product.brand, ledger=ledger)
            put_json(store, copy_key, draft.listing)
            reused_from = None
    return CopyResult(
        copy_key=copy_key,
        cost_usd=ledger.cost_usd,
        provider=writer.name,
        duration_ms=watch.ms,
        reused_from=reused_from,
        reason=decision.reason,
    )


def _copy_decision(store: ObjectStore, product: NormalizedProduct) -> CopyDecision:
    base = product.base
    if base is None:
        # Intake attaches no base when the SKU has no completed listing or its spec cannot be read.
        return CopyDecision(reuse=False, reason="no completed listing of the sku whose spec can be read")
    if base.copy_key is None:
        return CopyDecision(reuse=False, reason="the last listing has no copy")
    try:
        earlier = load_product(store, base.spec_key)
        copy_bytes = store.get_bytes(base.copy_key)
        earlier_copy = ProductCopy.model_validate_json(copy_bytes)
    except (ArtifactMissing, ArtifactUnreadable, ValidationError) as error:
        detail = str(error).splitlines()[0]
        return CopyDecision(reuse=False, reason=f"the last listing's spec or copy cannot be read: {detail}")
    if base.copy_size is not None and len(copy_bytes) != base.copy_size:
        # Someone or something changed the file after its run wrote and checked it.
        reason = (
            f"the last listing's copy is not the one its run wrote ({len(copy_bytes)} bytes, {base.copy_size} written)"
        )
        return CopyDecision(reuse=False, reason=reason)
    return copy_decision(
        base.changed_fields, earlier.spec, earlier_copy, _copy_flags(store, base.report_key), new_spec=product.spec
    )


# Coverage checks that judge the copy's anchors: image jobs come from the spec's anchors, so when the copy
# leaves out a spec anchor or lists one that no job requests, the copy is what to write again.
COPY_COVERAGE_CHECKS = frozenset({"anchor_promised", "anchor_covered"})


def _copy_flags(store: ObjectStore, report_key: str | None) -> list[str]:
    """Return the titles of the flags the last listing's checks raised on its copy.

    A report that cannot be read counts as a flag: the copy it judged is then written again.
    """
    if report_key is None:
        return []
    try:
        report = ConsistencyReport.model_validate(get_json(store, report_key))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        return ["its consistency report cannot be read"]
    copy_targets = (CheckTarget.TEXT, CheckTarget.CLAIM)
    return list(
        dict.fromkeys(
            flag.title or flag.kind
            for flag in report.flags
            if flag.target in copy_targets or flag.kind in COPY_COVERAGE_CHECKS
        )
    )


def plan_product_images(
    task: PlanTask,
    *,
    store: ObjectStore,
    size: ImageSize,
    lifestyle_size: ImageSize,
    quality: ImageQuality,
    renderer: ImageRenderer,
) -> PlanResult:
    """Plan every image job; jobs whose image is in the cache get it copied and are not rendered.

    `renderer` is the renderer RenderImage uses. Its model and output format are
    part of the cache key, and the plan calls none of its providers.
    """
    with timed() as watch:
        product = load_product(store, task.spec_key)
        plan = plan_images(product.spec, product.brand, size=size, lifestyle_size=lifestyle_size, quality=quality)
        jobs_key = keys.product_file(task.run_id, task.sku, "image-jobs.json")
        put_json(store, jobs_key, plan)
        references = _reference_photos(store, product.spec.sku, plan.jobs)
        to_render, cached = [], []
        for job in plan.jobs:
            photos = [references.get(key) for key in job.reference_images]
            known = [photo for photo in photos if photo is not None]
            if len(known) < len(photos):
                to_render.append(job.job_id)  # the render reports the missing photo
                continue
            cache_key = _image_cache_key(renderer, job, known, product.spec.category)
            extension = keys.IMAGE_EXTENSIONS[renderer.output_format(job)]
            if not _usable_cache_entry(store, cache_key, extension, job, renderer.output_format(job)):
                to_render.append(job.job_id)
                continue
            image_key = _copy_cached(store, task, job, cache_key, extension)
            cached.append(RenderResult(job_id=job.job_id, image_key=image_key, cache_key=cache_key, reused=True))
    return PlanResult(jobs_key=jobs_key, job_ids=to_render, cached=cached, duration_ms=watch.ms)


def _usable_cache_entry(store: ObjectStore, cache_key: str, extension: str, job: ImageJob, output_format: str) -> bool:
    """Tell whether the image cache entry of `cache_key` is the image the job requests.

    The entry must decode, in the job's format and at its size, as the render
    checked before caching it, and must not have failed the checks of an
    earlier run. Any other entry is rendered again, replacing it.
    """
    key = keys.image_cache(cache_key, extension)
    try:
        data = store.get_bytes(key)
    except ArtifactMissing:
        return False
    problem = image_problem(data, expected_media=f"image/{output_format}", expected_size=(job.width, job.height))
    if problem is None:
        failed = _failed_checks_before(store, cache_key, data)
        problem = f"it failed {', '.join(failed)} in an earlier run" if failed else None
    if problem:
        logger.warning("cached image is unusable; rendering it again", extra={"cache_key": key, "problem": problem})
    return problem is None


def _copy_cached(store: ObjectStore, task: PlanTask | RenderTask, job: ImageJob, cache_key: str, extension: str) -> str:
    """Copy a cached image to the job's place in the task's run and return that key."""
    image_key = keys.product_image(task.run_id, task.sku, job.job_id, extension)
    store.copy(keys.image_cache(cache_key, extension), image_key)
    return image_key


def _image_cache_key(renderer: ImageRenderer, job: ImageJob, references: list[bytes], category: str) -> str:
    drawn_category = category if renderer.draws_category else None
    model = served_by(renderer.model, renderer.endpoint)
    return image_cache_key(model, job, references, drawn_category, output_format=renderer.output_format(job))


def _reference_photos(store: ObjectStore, sku: str, jobs: list[ImageJob]) -> dict[str, bytes]:
    """Read each photo the jobs name, by its entry in the spec; a photo that cannot be read is left out."""
    photos = {}
    for entry in dict.fromkeys(entry for job in jobs for entry in job.reference_images):
        try:
            (photos[entry],) = read_reference_photos(store, sku, [entry])
        except (ReferencePhotoMissing, ReferencePhotoInvalid):
            continue
    return photos


def render_image(task: RenderTask, *, store: ObjectStore, renderer: ImageRenderer) -> RenderResult:
    """Render one job and store the image; provider errors propagate for the state machine to retry.

    An image that differs from the request (format, size) is kept for this run's
    checks to flag but stays out of the image cache, so a later run renders it again.
    Products of one run whose jobs request the same image (one product sold under
    two SKUs) render it once: the first claims the cache key, and the others raise
    RenderPending, for the state machine to try again, until the image is in the
    cache, which they then copy.
    """
    with timed() as watch:
        product = load_product(store, task.spec_key)
        plan = ImagePlan.model_validate(get_json(store, task.jobs_key))
        job = plan.job(task.job_id)
        references = read_reference_photos(store, product.spec.sku, job.reference_images)
        cache_key = _image_cache_key(renderer, job, references, product.spec.category)
        output_format = renderer.output_format(job)
        cached_extension = keys.IMAGE_EXTENSIONS[output_format]
        if _usable_cache_entry(store, cache_key, cached_extension, job, output_format):
            return RenderResult(
                job_id=job.job_id,
                image_key=_copy_cached(store, task, job, cache_key, cached_extension),
                provider=renderer.name,
                duration_ms=watch.ms,
                cache_key=cache_key,
                requested_format=output_format,
                reused=True,
            )
        if not _claim_render(store, task, cache_key):
            raise RenderPending(f"another product of run {task.run_id} is rendering the image of {job.job_id}")
        ledger = StoreLedger(store, task.run_id, task.sku, job_id=job.job_id)
        try:
            image = renderer.render(job, product.spec, references, ledger=ledger)
        except BaseException:
            # The products waiting for this image render it themselves on their next try, seconds from now.
            _release_render(store, task, cache_key)
            raise
        extension = image.media_type.split("/")[-1].replace("jpeg", "jpg")
        image_key = keys.product_image(task.run_id, task.sku, job.job_id, extension)
        store.put_bytes(image_key, image.data, image.media_type)
        cached_as: str | None = None
        if image.problems:
            logger.warning("image not cached", extra={"job_id": job.job_id, "problems": image.problems})
            _release_render(store, task, cache_key)
        else:
            store.put_bytes(keys.image_cache(cache_key, extension), image.data, image.media_type)
            cached_as = cache_key
    return RenderResult(
        job_id=job.job_id,
        status=RenderStatus.RENDERED,
        image_key=image_key,
        cost_usd=ledger.cost_usd,
        provider=renderer.name,
        duration_ms=watch.ms,
        cache_key=cached_as,
        requested_format=renderer.output_format(job),
    )


class RenderClaim(BaseModel):
    """A product's claim to render the image of a cache key for its run, with the time it lapses."""

    sku: str
    job_id: str
    until: datetime


def _claim_render(store: ObjectStore, task: RenderTask, cache_key: str) -> bool:
    """Claim the rendering of a cache key's image in the task's run; return whether this task may render it.

    It may when it makes the claim, when the claim is its own (a retry of its render), and when the claim has
    lapsed. A render that failed, or left no image in the cache, lets its claim lapse at once, and the claim of
    a render that died lapses after RENDER_CLAIM_SECONDS.
    """
    now = datetime.now(UTC)
    key = keys.render_claim(task.run_id, cache_key)
    claim = RenderClaim(sku=task.sku, job_id=task.job_id, until=now + timedelta(seconds=RENDER_CLAIM_SECONDS))
    if store.put_if_absent(key, claim.model_dump_json().encode("utf-8"), "application/json"):
        return True
    try:
        holder = RenderClaim.model_validate(get_json(store, key))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        holder = None
    if holder is not None and (holder.sku, holder.job_id) == (task.sku, task.job_id):
        return True
    if holder is not None and holder.until > now:
        return False
    # Taken over, so that the other products waiting for the image keep waiting, for this render.
    put_json(store, key, claim)
    return True


def _release_render(store: ObjectStore, task: RenderTask, cache_key: str) -> None:
    """Let a claim lapse at once, for a render that leaves no image in the cache (no delete: the role has none)."""
    claim = RenderClaim(sku=task.sku, job_id=task.job_id, until=datetime.now(UTC))
    put_json(store, keys.render_claim(task.run_id, cache_key), claim)


class RenderError(BaseModel):
    """A failed render's error, kept in the bucket so the Map's results carry only its name."""

    job_id: str
    error: str
    message: str


def record_render_error(task: RenderTask, error: BaseException, *, store: ObjectStore) -> None:
    """Write a render's error beside its image for the steps that report it, before the error reaches Step Functions."""
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
    task: CheckTask,
    *,
    store: ObjectStore,
    vision: VisionChecker | None = None,
    vision_concurrency: int = 4,
    seconds_left: Callable[[], float] | None = None,
) -> tuple[CheckResult, ConsistencyReport]:
    """Check copy and images against each other; the vision checker sees up to `vision_concurrency` images at once.

    A vision fault never loses the listing: an image whose check is refused,
    invalid, unreachable or out of time gets its items unverified with the
    reason, and a flag that its vision check failed. Only throttling that
    outlasts the in-function retries propagates, for the state machine's Retry.
    `seconds_left` returns the function's remaining time; the vision pass ends
    `VISION_RESERVE_SECONDS` before it.
    """
    ledger = StoreLedger(store, task.run_id, task.sku)
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
        if vision is not None:
            deadline = None if seconds_left is None else time.monotonic() + seconds_left() - VISION_RESERVE_SECONDS
            vision_reports, vision_reused = _vision_reports(
                task,
                store=store,
                vision=vision,
                plan=plan,
                images=images,
                ledger=ledger,
                concurrency=vision_concurrency,
                deadline=deadline,
            )
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
        _note_failed_cache_entries(store, renders, images, report)
    result = CheckResult(
        report_key=report_key,
        score=report.score,
        passed=report.passed,
        flags=len(report.flags),
        duration_ms=watch.ms,
        cost_usd=ledger.cost_usd,
        provider=vision.name if vision is not None else "",
        vision_reused=vision_reused,
    )
    return result, report


def _note_failed_cache_entries(
    store: ObjectStore, renders: list[RenderResult], images: dict[str, bytes], report: ConsistencyReport
) -> None:
    """Note each cached image that failed a check another render may pass, so no later run takes it from the cache.

    The cache has no deletes, so the note contains the image's SHA-256: once a
    new render of the job replaces the entry, the note no longer applies.
    """
    for render in renders:
        data = images.get(render.job_id)
        if render.cache_key is None or data is None:
            continue
        failed = [
            check.check
            for check in report.checks
            if check.where == render.job_id and not check.passed and check.weight > 0 and check.check in RENDER_CHECKS
        ]
        if failed:
            note = {"sha256": hashlib.sha256(data).hexdigest(), "checks": list(dict.fromkeys(failed))}
            put_json(store, keys.image_cache_flag(render.cache_key), note)


def _failed_checks_before(store: ObjectStore, cache_key: str, data: bytes) -> list[str]:
    """Return the checks that this cached image failed in an earlier run, or [] when it failed none."""
    try:
        note = get_json(store, keys.image_cache_flag(cache_key))
    except (ArtifactMissing, ArtifactUnreadable):
        return []
    if not isinstance(note, dict) or note.get("sha256") != hashlib.sha256(data).hexdigest():
        return []
    return [str(check) for check in note.get("checks") or ["a check"]]


def _vision_reports(
    task: CheckTask,
    *,
    store: ObjectStore,
    vision: VisionChecker,
    plan: ImagePlan,
    images: dict[str, bytes],
    ledger: StoreLedger,
    concurrency: int,
    deadline: float | None,
) -> tuple[dict[str, VisionReport], list[str]]:
    """Verdicts for every rendered image, from the cache or the vision checker, and the jobs the cache served."""
    reports: dict[str, VisionReport] = {}
    reused: list[str] = []
    unchecked = []
    for job in plan.jobs:
        if job.job_id not in images:
            continue
        cached_report = _cached_vision(store, vision, job, images[job.job_id])
        if cached_report is None:
            unchecked.append(job)
            continue
        reports[job.job_id] = cached_report
        reused.append(job.job_id)
    if task.vision_error is not None:
        skipped = f"vision check skipped after repeated faults: {_error_cause(task.vision_error)}"
        reports.update({job.job_id: failed_vision(job, skipped) for job in unchecked})
        return reports, reused
    fresh, throttled = _vision_pass(
        unchecked, images=images, vision=vision, ledger=ledger, concurrency=concurrency, deadline=deadline
    )
    for job_id, report in fresh.items():
        reports[job_id] = report
        _cache_vision(store, vision, plan.job(job_id), images[job_id], report)
    if throttled is not None:
        # Raised once the finished verdicts are cached, so a retry of the check requests only the rest.
        raise throttled
    return reports, reused


# Vision faults that leave an image's items unverified instead of failing the product.
VISION_FAULTS = (
    ContentBlocked,
    ProviderOutputInvalid,
    ProviderRequestRejected,
    ProviderAuthFailed,
    ProviderUnavailable,
    ProviderRetryLater,
)


def _vision_pass(
    jobs: list[ImageJob],
    *,
    images: dict[str, bytes],
    vision: VisionChecker,
    ledger: StoreLedger,
    concurrency: int,
    deadline: float | None,
) -> tuple[dict[str, VisionReport], ProviderThrottled | None]:
    """Check the images side by side, as live checks wait on the network, and finish by `deadline` (monotonic).

    Every job that was not throttled gets a report: the model's verdicts, or
    unverified items with the fault or the lack of time as the reason. The
    first ProviderThrottled comes back beside the reports for the caller to raise.
    """

    def check(job: ImageJob) -> VisionReport:
        budget = None if deadline is None else deadline - time.monotonic()
        if budget is not None and budget < MIN_VISION_CALL_SECONDS:
            return failed_vision(job, OUT_OF_TIME)
        return vision.check(images[job.job_id], job, ledger=ledger.for_job(job.job_id), budget_seconds=budget)

    reports: dict[str, VisionReport] = {}
    throttled: list[ProviderThrottled] = []
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency))
    futures = {pool.submit(check, job): job for job in jobs}
    try:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        done, _ = wait(futures, timeout=timeout)
    finally:
        # Checks still running end on their own budget, which the deadline bounds; nothing waits for them.
        pool.shutdown(wait=False, cancel_futures=True)
    for future, job in futures.items():
        if future not in done:
            reports[job.job_id] = failed_vision(job, OUT_OF_TIME)
            continue
        try:
            reports[job.job_id] = future.result()
        except VISION_FAULTS as error:
            logger.warning("vision check failed", extra={"job_id": job.job_id, "error": type(error).__name__})
            # The provider rejects the same image again, so a refusal is final for that image.
            retryable = not isinstance(error, ContentBlocked)
            reports[job.job_id] = failed_vision(job, f"{type(error).__name__}: {error}", retryable=retryable)
        except ProviderThrottled as error:
            throttled.append(error)
        except Exception as error:
            # The check only advises, so not even an unexpected error of it may lose the copy and images.
            logger.exception("vision check failed unexpectedly", extra={"job_id": job.job_id})
            reports[job.job_id] = failed_vision(job, f"{type(error).__name__}: {error}")
    return reports, (throttled[0] if throttled else None)


OUT_OF_TIME = "the vision check did not finish within the function's time limit"


def failed_vision(job: ImageJob, reason: str, *, retryable: bool = True) -> VisionReport:
    """Return every item of the job's checklist as unverified, with the reason no model judged them."""
    verdicts = [
        VisionVerdict.model_validate({**item, "verdict": "unverified", "reason": reason}) for item in checklist(job)
    ]
    return VisionReport(verdicts=verdicts, error=reason, retryable=retryable)


def _error_cause(error: dict[str, Any]) -> str:
    name = str(error.get("Error", "Error"))
    cause = describe_cause(str(error.get("Cause", "")))
    return cause if cause.startswith(name) else f"{name}: {cause}"


def _vision_cache(vision: VisionChecker, image: bytes, job: ImageJob) -> str:
    """Key the verdicts by the image's own bytes: a new render under the same image cache key gets its own."""
    digest = hashlib.sha256(image).hexdigest()
    return keys.vision_cache(vision_cache_key(served_by(vision.model, vision.endpoint), digest, job))


def _cached_vision(store: ObjectStore, vision: VisionChecker, job: ImageJob, image: bytes) -> VisionReport | None:
    """Verdicts an earlier run got for the same image and claims; they cost nothing now."""
    try:
        return VisionReport.model_validate(get_json(store, _vision_cache(vision, image, job)))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        return None


def _cache_vision(store: ObjectStore, vision: VisionChecker, job: ImageJob, image: bytes, report: VisionReport) -> None:
    # A model's verdicts are cached, unverified items included, because checking the same image again costs a
    # call and returns the same verdicts. A check that a fault or the time limit cut short is not cached.
    if not report.retryable:
        put_json(store, _vision_cache(vision, image, job), report)
