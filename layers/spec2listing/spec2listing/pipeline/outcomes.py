"""Finishing steps: finalize a product, record a failure, summarize the run."""

import json
from datetime import UTC, datetime
from typing import Any, NamedTuple

from spec2listing.consistency.claims import places_text
from spec2listing.costs.ledger import SUMMED_COUNTS, read_ledger, summed_usage, total_cost
from spec2listing.errors import ArtifactMissing, ContentBlocked
from spec2listing.intake import Rejection
from spec2listing.models.consistency import ConsistencyReport, DriftFlag
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImagePlan
from spec2listing.models.manifest import ImageEntry, Manifest, Reuse
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus, RunRecord, RunStatus, Usage
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import (
    FailureTask,
    FinalizeTask,
    ProductOutcome,
    QueuedProduct,
    RenderStatus,
    SummarizeTask,
    SummaryResult,
)
from spec2listing.pipeline.intake import RejectionReport
from spec2listing.pipeline.references import EXPECTED_IMAGE, read_reference_photo
from spec2listing.pipeline.steps import load_product, parse_renders, timed
from spec2listing.review.html import (
    ReferencePhoto,
    preview_data_uri,
    reference_photo,
    render_product_sheet,
    render_run_index,
)
from spec2listing.storage import keys
from spec2listing.storage.events import EventPublisher
from spec2listing.storage.objects import ObjectStore, get_json, put_json
from spec2listing.storage.parallel import map_parallel
from spec2listing.storage.records import RecordStore

LISTINGS_READY = "ListingsReady"
# Errors a provider raises to refuse content: the product needs a person, not a retry.
REVIEW_ERRORS = frozenset({"ContentBlocked"})
SLOWEST_SHOWN = 5
# The error name of a product that a run queued but that ended with no recorded outcome.
NO_OUTCOME_ERROR = "NoOutcomeRecorded"
FLAGS_SHOWN = 5


def finalize_product(
    task: FinalizeTask, *, store: ObjectStore, records: RecordStore, providers: dict[str, str]
) -> ProductOutcome:
    """Write manifest, exports and review sheet, and record the product's status."""
    with timed() as watch:
        product = load_product(store, task.spec_key)
        copy_bytes = store.get_bytes(task.copywriting.copy_key)
        listing = ProductCopy.model_validate_json(copy_bytes)
        plan = ImagePlan.model_validate(get_json(store, task.plan.jobs_key))
        report = ConsistencyReport.model_validate(get_json(store, task.check.report_key))
        task_renders = parse_renders(
            [render.model_dump() for render in task.renders], store=store, run_id=task.run_id, sku=task.sku
        )
        task_renders += task.plan.cached
        renders = {render.job_id: render for render in task_renders}

        all_rendered = all(render.status == RenderStatus.RENDERED for render in task_renders)
        status = ProductStatus.COMPLETE if report.passed and all_rendered else ProductStatus.NEEDS_REVIEW
        images = []
        for job in plan.jobs:
            render = renders.get(job.job_id)
            images.append(
                ImageEntry(
                    job_id=job.job_id,
                    kind=job.kind.value,
                    status=render.status.value if render else "MISSING",
                    key=render.image_key if render else None,
                    variant_sku=job.variant_sku,
                    color=job.color,
                    color_hex=job.color_hex,
                    platforms=job.platforms,
                    error=render.error if render else None,
                    cache_key=render.cache_key if render else None,
                    reused=render.reused if render else False,
                )
            )

        usage = read_ledger(store, task.run_id, task.sku)
        exports = write_exports(store, task.run_id, product.spec, listing, images)
        review_key = keys.product_file(task.run_id, task.sku, "review.html")
        manifest_key = keys.product_file(task.run_id, task.sku, "manifest.json")
        now = datetime.now(UTC)
        timings = {
            "copy": task.copywriting.duration_ms,
            "plan": task.plan.duration_ms,
            "render_max": max((render.duration_ms for render in task.renders), default=0),
            "render_sum": sum(render.duration_ms for render in task.renders),
            "check": task.check.duration_ms,
        }
        if task.started_at:
            timings["total"] = round((now - task.started_at).total_seconds() * 1000)
        manifest = Manifest(
            sku=task.sku,
            run_id=task.run_id,
            name=product.spec.name,
            status=status,
            spec_hash=product.spec_hash,
            source_file=product.source_file,
            created_at=now,
            providers={
                "copy": task.copywriting.provider,
                "images": ", ".join(sorted({r.provider for r in task.renders if r.provider})) or providers["images"],
                **{k: v for k, v in providers.items() if k not in ("copy", "images")},
            },
            artifacts={
                "spec": task.spec_key,
                "copy": task.copywriting.copy_key,
                "image_jobs": task.plan.jobs_key,
                "consistency": task.check.report_key,
                "review": review_key,
                "manifest": manifest_key,
            },
            exports=exports,
            images=images,
            score=report.score,
            flags=len(report.flags),
            usage=usage,
            cost_usd=total_cost(usage),
            timings_ms=timings,
            reuse=Reuse(
                base_run_id=product.base.run_id if product.base else None,
                changed_fields=product.base.changed_fields if product.base else [],
                copy_source="reused" if task.copywriting.reused_from else "generated",
                copy_reason=task.copywriting.reason,
                images_reused=[image.job_id for image in images if image.reused],
                images_generated=[image.job_id for image in images if not image.reused and image.key],
                vision_reused=task.check.vision_reused,
                rebuilt_because=product.rebuilt_because,
            ),
        )
        rendered = {
            image.job_id: (image.key, store.get_bytes(image.key))
            for image in images
            if image.key and image.status == RenderStatus.RENDERED.value
        }
        previews = {job_id: preview_data_uri(data) for job_id, (_, data) in rendered.items()}
        manifest.sizes = {task.copywriting.copy_key: len(copy_bytes)}
        manifest.sizes.update({key: len(data) for key, data in rendered.values()})
        # A later document about the product reads this listing's spec again (see pipeline.variants).
        manifest.sizes[task.spec_key] = store.size(task.spec_key)
        references = [_reference_photo(store, product.spec.sku, entry) for entry in product.spec.reference_photos]
        sheet = render_product_sheet(
            spec=product.spec,
            listing=listing,
            manifest=manifest,
            report=report,
            previews=previews,
            references=references,
        )
        store.put_bytes(review_key, sheet.encode("utf-8"), "text/html; charset=utf-8")
        put_json(store, manifest_key, manifest)

    manifest.timings_ms["finalize"] = watch.ms
    record = ProductRecord(
        sku=task.sku,
        run_id=task.run_id,
        status=status,
        name=product.spec.name,
        spec_hash=product.spec_hash,
        source=product.source_file,
        started_at=task.started_at,
        finished_at=now,
        changed_at=product.changed_at,
        duration_ms=timings.get("total"),
        timings_ms=manifest.timings_ms,
        artifacts=manifest.artifacts,
        score=report.score,
        flags=len(report.flags),
        flag_summary=flag_summary(report),
        images=sum(1 for image in images if image.status == RenderStatus.RENDERED.value),
        providers=manifest.providers,
        usage=summed_usage(usage),
        cost_usd=manifest.cost_usd,
        rebuilt_because=product.rebuilt_because,
    )
    records.put_product(record)
    # A product with an image that failed to render, or that a fault kept from the vision model, is generated
    # again when the same spec comes back. Its copy then comes from this listing, and its images and settled
    # verdicts from the caches, so the next run pays only for what is missing. An image the provider blocked
    # would be blocked again, so it settles the product as its failed checks do.
    failed = sum(1 for render in task_renders if render.status == RenderStatus.FAILED)
    settled = not failed and not vision_unchecked(report)
    records.settle_spec(record, ClaimState.DONE if settled else ClaimState.RETRY)
    records.put_listing(record, as_of=record)
    return ProductOutcome(sku=task.sku, status=status, images_failed=failed)


def _reference_photo(store: ObjectStore, sku: str, entry: str) -> ReferencePhoto:
    """Read one of the spec's reference photos for the review sheet, or return why the sheet cannot show it."""
    photo = read_reference_photo(store, sku, entry)
    if photo.key is None:
        return ReferencePhoto(entry=entry, problem=photo.problem)
    if photo.problem is not None:
        problem = f"not a usable image: {photo.problem}; expected {EXPECTED_IMAGE}"
        return ReferencePhoto(entry=entry, key=photo.key, problem=problem)
    return reference_photo(entry, photo.key, photo.data)


def vision_unchecked(report: ConsistencyReport) -> bool:
    """Tell whether the vision check of any image failed by a provider fault or for lack of time."""
    return any(
        check.check == "vision_checked" and not check.passed and check.measured.get("checked_again_on_next_run", True)
        for check in report.checks
    )


def flag_summary(report: ConsistencyReport) -> list[str]:
    """Summarize the drift flags in at most FLAGS_SHOWN lines, for the run's review index and the CLI.

    Flags of one title and one cause share a line that lists where they are,
    so a bad reference photo that fails every image is one line. A failed
    render's line ends with its error, cut to FLAG_CAUSE_CHARACTERS, which
    names the file and the fix.
    """
    groups: dict[tuple[str, str], list[DriftFlag]] = {}
    for flag in report.flags:
        cause = flag.measured if flag.measured.startswith(RENDER_OUTCOMES) else ""
        groups.setdefault((flag.title or flag.kind, cause), []).append(flag)
    lines = []
    for (title, cause), flags in list(groups.items())[:FLAGS_SHOWN]:
        line = f"{title}: {_places(flags)}"
        if cause:
            shown = cause.split(": ", 1)[-1]
            line += f" ({shown[: FLAG_CAUSE_CHARACTERS - 1]}…)" if len(shown) > FLAG_CAUSE_CHARACTERS else f" ({shown})"
        lines.append(line)
    hidden = sum(len(flags) for flags in list(groups.values())[FLAGS_SHOWN:])
    if hidden:
        lines.append(f"and {hidden} more")
    return lines


def _places(flags: list[DriftFlag]) -> str:
    """Name the distinct places of one summary line's flags.

    A flag about copy lists its fields in `values["fields"]`, while its `where` may name only two of them
    ("description, title and 3 more"). Those lists are merged, so that two claims in one bullet name it once.
    Any other flag names its one place (an image job, "plan") in `where`.
    """
    fields: list[str] = []
    for flag in flags:
        listed = flag.values.get("fields")
        if not isinstance(listed, list) or not listed:
            return ", ".join(dict.fromkeys(each.where for each in flags))
        fields += [str(field) for field in listed]
    return places_text(list(dict.fromkeys(fields)))


# A failed or blocked render's flag is measured as its outcome and error ("FAILED: ReferencePhotoInvalid: ...").
RENDER_OUTCOMES = ("FAILED: ", "BLOCKED: ")
FLAG_CAUSE_CHARACTERS = 300


def write_exports(
    store: ObjectStore, run_id: str, spec: ProductSpec, listing: ProductCopy, images: list[ImageEntry]
) -> dict[str, str]:
    """Write one JSON file per targeted platform: its copy, the price, the image keys it uses, and which
    image shows each variant, so that a feed or an import needs no other file."""
    exports = {}
    price = {"amount": str(spec.price.amount), "currency": spec.price.currency}
    for platform, fields in listing.platforms.model_dump(exclude_none=True).items():
        used = [image for image in images if image.key and platform in image.platforms]
        variants = [
            {"variant_sku": image.variant_sku, "color": image.color, "color_hex": image.color_hex, "image": image.key}
            for image in used
            if image.variant_sku and image.kind != "lifestyle"
        ]
        document = {
            "sku": spec.sku,
            "platform": platform,
            **fields,
            "price": price,
            "images": [image.key for image in used],
            "variant_images": variants,
        }
        key = keys.product_file(run_id, spec.sku, f"exports/{platform}.json")
        put_json(store, key, document)
        exports[platform] = key
    return exports


def error_text(error: dict[str, Any]) -> tuple[str, str]:
    """Read Step Functions' {Error, Cause}; Cause is the Lambda error JSON when a handler raised."""
    name = str(error.get("Error", "Unknown"))
    cause = str(error.get("Cause", ""))
    try:
        parsed = json.loads(cause)
    except ValueError:
        return name, cause
    if isinstance(parsed, dict):
        return name, str(parsed.get("errorMessage", cause))
    return name, cause


def record_product_failure(task: FailureTask, *, store: ObjectStore, records: RecordStore) -> ProductOutcome:
    """Record a product whose steps ended in an error; inputs and finished artifacts stay in place.

    The spec is read without validating it, so a spec.json that no longer
    reads as a spec (often the very cause of the failure) still yields the
    content hash whose claim is released for the next upload.

    The record's cost is the product's ledger: every provider call made before the error.
    """
    if task.run_id is None or task.sku is None:
        raise ValueError("a product failure needs run_id and sku")
    name, message = error_text(task.error)
    status = ProductStatus.NEEDS_REVIEW if name in REVIEW_ERRORS else ProductStatus.FAILED
    identity = spec_identity(store, task.spec_key)
    usage = read_ledger(store, task.run_id, task.sku)
    failure_key = keys.product_file(task.run_id, task.sku, "failure.json")
    put_json(
        store,
        failure_key,
        {"sku": task.sku, "status": status.value, "error": name, "message": message, "cost_usd": total_cost(usage)},
    )
    record = ProductRecord(
        sku=task.sku,
        run_id=task.run_id,
        status=status,
        name=identity.name,
        spec_hash=identity.spec_hash,
        finished_at=datetime.now(UTC),
        changed_at=identity.changed_at,
        error=f"{name}: {message}",
        artifacts={"failure": failure_key, **({"spec": task.spec_key} if task.spec_key else {})},
        images=rendered_images(store, task.run_id, task.sku),
        usage=summed_usage(usage),
        cost_usd=total_cost(usage),
    )
    records.put_product(record)
    # Copy the provider refused to write would be refused again for the same spec, so the refusal is kept
    # until the spec changes. Any other failure is generated again when the same spec comes back.
    blocked = name == ContentBlocked.__name__
    records.settle_spec(record, ClaimState.DONE if blocked else ClaimState.RETRY)
    return ProductOutcome(sku=task.sku, status=status)


def rendered_images(store: ObjectStore, run_id: str, sku: str) -> int:
    """Count the images a product rendered before it failed, which stay in its folder and were paid for."""
    prefix = keys.product_prefix(run_id, sku) + "images/"
    return sum(1 for key in store.list_keys(prefix) if not key.endswith(".json"))


class SpecIdentity(NamedTuple):
    """The parts of a stored spec.json that a failure record needs, each None where it cannot be read."""

    spec_hash: str | None = None
    name: str | None = None
    changed_at: datetime | None = None


def spec_identity(store: ObjectStore, spec_key: str | None) -> SpecIdentity:
    """Read the content hash, product name and change time from a stored spec.json without validating the spec."""
    if not spec_key:
        return SpecIdentity()
    try:
        document = get_json(store, spec_key)
    except (ArtifactMissing, ValueError):
        return SpecIdentity()
    if not isinstance(document, dict):
        return SpecIdentity()
    spec_hash = document.get("spec_hash")
    spec = document.get("spec")
    name = spec.get("name") if isinstance(spec, dict) else None
    try:
        changed_at = datetime.fromisoformat(document["changed_at"]) if document.get("changed_at") else None
    except (TypeError, ValueError):
        changed_at = None
    return SpecIdentity(
        spec_hash if isinstance(spec_hash, str) else None,
        name if isinstance(name, str) else None,
        changed_at,
    )


def record_missing_outcomes(
    run_id: str,
    recorded: list[ProductRecord],
    *,
    reason: str,
    store: ObjectStore,
    records: RecordStore,
    ended_at: datetime | None = None,
) -> list[ProductRecord]:
    """Record every product the run queued but that has no outcome as FAILED, and release its claim.

    products.json lists what the Products map was given. A product whose
    iteration ended outside FinalizeProduct and RecordProductFailure (the
    recorder itself failed, or the run was stopped) would otherwise vanish
    from the run; here it gets a FAILED record that says why.

    `ended_at` is when the run stopped, if that was before now: a record
    finished later would sort after outcomes of runs that started since.
    """
    try:
        queued = [QueuedProduct.model_validate(item) for item in get_json(store, keys.run_products(run_id))]
    except ArtifactMissing:
        return []
    seen = {record.sku for record in recorded}
    now = ended_at or datetime.now(UTC)

    def failed(item: QueuedProduct) -> ProductRecord:
        # The spec.json gives the name the review index shows. Its change time is left out, so these
        # outcomes order by their finish time (see storage.records.outcome_order).
        identity = spec_identity(store, item.spec_key)
        spec_hash, name = item.spec_hash or identity.spec_hash, identity.name
        usage = read_ledger(store, run_id, item.sku)
        return ProductRecord(
            sku=item.sku,
            run_id=run_id,
            status=ProductStatus.FAILED,
            name=name,
            spec_hash=spec_hash,
            finished_at=now,
            error=f"{NO_OUTCOME_ERROR}: {reason}",
            artifacts={"spec": item.spec_key},
            images=rendered_images(store, run_id, item.sku),
            usage=summed_usage(usage),
            cost_usd=total_cost(usage),
        )

    # Calls run in parallel, because a run stopped early in a catalog of thousands has thousands to record.
    missing = map_parallel(failed, [item for item in queued if item.sku not in seen])
    records.put_products(missing)
    map_parallel(lambda record: records.settle_spec(record, ClaimState.RETRY), missing)
    return missing


def count_outcomes(run: RunRecord, products: list[ProductRecord]) -> dict[str, int]:
    """Count the run's products by status, with the file-level rejections that Intake counted."""
    counts: dict[str, int] = {status.value: 0 for status in ProductStatus}
    for product in products:
        counts[product.status.value] += 1
    # File-level rejections carry no SKU, so they only live in the run record's intake count.
    counts[ProductStatus.REJECTED.value] = max(
        counts[ProductStatus.REJECTED.value], run.counts.get(ProductStatus.REJECTED.value, 0)
    )
    return counts


def summarize_run(
    task: SummarizeTask, *, store: ObjectStore, records: RecordStore, events: EventPublisher
) -> SummaryResult:
    """Write summary.json and the review index, close the run record and announce ListingsReady."""
    run = records.get_run(task.run_id)
    if run is None:
        raise ArtifactMissing(f"no run record for {task.run_id}")
    products = records.list_run_products(task.run_id)
    products += record_missing_outcomes(
        task.run_id,
        products,
        reason="the product's steps ended without recording an outcome; run the spec again to retry",
        store=store,
        records=records,
    )
    finished = datetime.now(UTC)
    run = close_run_record(run, products, status=RunStatus.SUCCEEDED, finished=finished)
    run = write_run_report(run, products, store=store)
    records.put_run(run)
    events.publish(
        LISTINGS_READY,
        {
            "run_id": run.run_id,
            "counts": run.counts,
            "summary_key": run.summary_key,
            "review_index_key": keys.run_review_index(run.run_id),
        },
    )
    return SummaryResult(run_id=run.run_id, summary_key=keys.run_summary(run.run_id), counts=run.counts)


def close_run_record(
    run: RunRecord, products: list[ProductRecord], *, status: RunStatus, finished: datetime, error: str | None = None
) -> RunRecord:
    """Return the run record with its final status, duration, counts and cost filled in from its products."""
    return run.model_copy(
        update={
            "status": status,
            "finished_at": finished,
            "duration_ms": round((finished - run.started_at).total_seconds() * 1000),
            "counts": count_outcomes(run, products),
            "cost_usd": round(sum(product.cost_usd for product in products), 6),
            "error": error,
        }
    )


def write_run_report(run: RunRecord, products: list[ProductRecord], *, store: ObjectStore) -> RunRecord:
    """Write summary.json and review/index.html for a closed run and return its record with summary_key set.

    A failed run gets both too, so that the products it finished before it
    failed stay as easy to find as those of a run that succeeded.
    """
    slowest = sorted(
        (product for product in products if product.duration_ms is not None),
        key=lambda product: product.duration_ms or 0,
        reverse=True,
    )[:SLOWEST_SHOWN]
    summary_key = keys.run_summary(run.run_id)
    index_key = keys.run_review_index(run.run_id)
    run = run.model_copy(update={"summary_key": summary_key})
    summary = {
        "run_id": run.run_id,
        "source": run.source,
        "status": run.status.value,
        "error": run.error,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_ms": run.duration_ms,
        "counts": run.counts,
        "reused": sum(1 for product in products if product.reused_from),
        "cost_usd": run.cost_usd,
        "usage": usage_totals([item for product in products for item in product.usage]),
        "slowest": [{"sku": p.sku, "duration_ms": p.duration_ms, "status": p.status.value} for p in slowest],
        "products": [
            {
                "sku": p.sku,
                "name": p.name,
                "status": p.status.value,
                "score": p.score,
                "flags": p.flags,
                "images": p.images,
                "cost_usd": p.cost_usd,
                "duration_ms": p.duration_ms,
                "error": p.error,
                "manifest": p.artifacts.get("manifest"),
                "review": p.artifacts.get("review"),
                "reused_from": p.reused_from,
            }
            for p in sorted(products, key=lambda record: record.sku)
        ],
        "details": run.details,
        "review_index": index_key,
    }
    put_json(store, summary_key, summary)
    index = render_run_index(run, products, _file_rejections(store, run.run_id))
    store.put_bytes(index_key, index.encode("utf-8"), "text/html; charset=utf-8")
    return run


def _file_rejections(store: ObjectStore, run_id: str) -> list[Rejection]:
    """Read the rejections without a SKU from rejected/<run_id>/errors.json; they have no product record."""
    errors_key = keys.rejected_errors(run_id)
    if not store.exists(errors_key):
        return []
    report = RejectionReport.model_validate(get_json(store, errors_key))
    return [rejection for rejection in report.rejected if rejection.sku is None]


def usage_totals(usage: list[Usage]) -> list[dict[str, Any]]:
    """Sum calls, tokens, images and cost by step, provider and model, for a run's summary."""
    shown = {"step", "provider", "model", *SUMMED_COUNTS, "cost_usd"}
    return [total.model_dump(include=shown) for total in summed_usage(usage, by_reported=False)]
