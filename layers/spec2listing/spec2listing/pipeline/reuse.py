"""Intake's choice per product: keep the listing of an unchanged spec, or generate against the last one.

A product whose spec content hash already has a finished generation (a DONE
claim) is not generated again: the run records it with the earlier outcome, at
no cost, and it never enters the Products map. Any other product is claimed
for this run and compared with the SKU's last completed listing, so the steps
regenerate only what the changed fields touch.
"""

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import ValidationError

from spec2listing.errors import ArtifactMissing, ArtifactUnreadable
from spec2listing.models.manifest import Manifest, Reuse
from spec2listing.models.product import BaseListing, NormalizedProduct
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus, RunRecord, RunStatus, SpecClaim
from spec2listing.pipeline.incremental import changed_fields
from spec2listing.storage import keys
from spec2listing.storage.executions import ExecutionLookup
from spec2listing.storage.objects import ObjectStore, get_json, put_json
from spec2listing.storage.records import RecordStore

logger = logging.getLogger(__name__)

REUSABLE_STATUSES = frozenset({ProductStatus.COMPLETE, ProductStatus.NEEDS_REVIEW})


def earlier_outcome(
    product: NormalizedProduct,
    *,
    run_id: str,
    records: RecordStore,
    executions: ExecutionLookup | None = None,
    claim: SpecClaim | None = None,
) -> ProductRecord | None:
    """The finished outcome of the same spec content, or None when this run is to generate the product.

    A claim left PENDING by a run that has ended is taken over. A run has
    ended when its record's status is no longer RUNNING, or when `executions`
    reports that its execution stopped, timed out or failed without closing
    the record. A claim
    of another run that is still running stays with it, and this run
    generates the product as well. `claim` is the claim in force when the
    caller already made it (records.claim_specs for a whole catalog); without
    it the product is claimed here.
    """
    if claim is None:
        claim = records.claim_spec(product.spec.sku, product.spec_hash, run_id)
    if claim.run_id == run_id:
        return None
    if claim.state == ClaimState.DONE and claim.record is not None and claim.record.status in REUSABLE_STATUSES:
        return claim.record
    if claim.state == ClaimState.PENDING and not is_running(records.get_run(claim.run_id), executions):
        records.take_over_spec(product.spec.sku, product.spec_hash, run_id, claim.run_id)
    return None


def is_running(run: RunRecord | None, executions: ExecutionLookup | None) -> bool:
    """Whether a run still works on its claims: its record's status is RUNNING and its execution has not ended."""
    if run is None or run.status != RunStatus.RUNNING:
        return False
    if executions is None or run.execution_id is None:
        return True
    return executions.is_running(run.execution_id)


def attach_base(
    product: NormalizedProduct,
    *,
    store: ObjectStore,
    records: RecordStore,
    listings: Mapping[str, ProductRecord] | None = None,
) -> None:
    """Point the product at the SKU's last completed listing and list the fields that changed since.

    `listings` contains the listings the caller already read (records.get_listings),
    where a missing SKU has none; without it the listing is read here.
    """
    listing = records.get_listing(product.spec.sku) if listings is None else listings.get(product.spec.sku)
    if listing is None or not listing.spec_hash or "spec" not in listing.artifacts:
        return
    try:
        earlier = NormalizedProduct.model_validate(get_json(store, listing.artifacts["spec"]))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        # The old listing is gone or no longer reads as a spec: generate everything.
        return
    copy_key = listing.artifacts.get("copy")
    product.base = BaseListing(
        run_id=listing.run_id,
        spec_hash=listing.spec_hash,
        spec_key=listing.artifacts["spec"],
        copy_key=copy_key,
        copy_size=_written_size(store, listing, copy_key),
        report_key=listing.artifacts.get("consistency"),
        changed_fields=changed_fields(earlier, product),
    )


def _written_size(store: ObjectStore, listing: ProductRecord, key: str | None) -> int | None:
    """Return the size the listing's manifest records for one of its files, or None when there is none to read."""
    if key is None or "manifest" not in listing.artifacts:
        return None
    try:
        manifest = Manifest.model_validate(get_json(store, listing.artifacts["manifest"]))
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        return None
    return manifest.sizes.get(key)


def reuse_outcome(
    product: NormalizedProduct,
    earlier: ProductRecord,
    *,
    run_id: str,
    source: str,
    store: ObjectStore,
    records: RecordStore,
) -> ProductRecord | None:
    """Write a manifest for an unchanged product and return its outcome in this run, to be recorded.

    Returns None when the earlier listing is gone or damaged: its manifest is
    missing or not JSON, or one of its files is missing or changed (see _listing_damage). Its claim
    is then set to RETRY, so that this run can claim the product and generate it.
    """
    now = datetime.now(UTC)
    if "manifest" not in earlier.artifacts and "failure" in earlier.artifacts:
        return _reuse_blocked_copy(
            product, earlier, run_id=run_id, source=source, now=now, store=store, records=records
        )
    try:
        manifest = Manifest.model_validate(get_json(store, earlier.artifacts.get("manifest", "")))
        damage = _listing_damage(manifest, store)
    except (ArtifactMissing, ArtifactUnreadable, ValidationError):
        damage = f"its manifest {earlier.artifacts.get('manifest', '')} is missing or unreadable"
    if damage is not None:
        product.rebuilt_because = damage
        logger.warning(
            "the kept listing of %s from run %s is damaged, so it is made again: %s",
            product.spec.sku,
            earlier.run_id,
            damage,
        )
        records.settle_spec(earlier, ClaimState.RETRY)
        return None

    manifest_key = keys.product_file(run_id, product.spec.sku, "manifest.json")
    # An image the provider blocked has no file, and so nothing reused and no verdict.
    kept_images = [image.job_id for image in manifest.images if image.key]
    reused_manifest = manifest.model_copy(
        update={
            "run_id": run_id,
            "created_at": now,
            "source_file": product.source_file,
            "usage": [],
            "cost_usd": 0.0,
            "timings_ms": {},
            "images": [image.model_copy(update={"reused": True}) for image in manifest.images],
            "artifacts": {**manifest.artifacts, "manifest": manifest_key},
            "reuse": Reuse(
                base_run_id=earlier.run_id,
                changed_fields=[],
                copy_source="reused",
                copy_reason="the spec is unchanged",
                images_reused=kept_images,
                vision_reused=kept_images,
            ),
        }
    )
    put_json(store, manifest_key, reused_manifest)

    record = _recorded_again(
        earlier,
        product,
        run_id=run_id,
        source=source,
        now=now,
        artifacts={**earlier.artifacts, "manifest": manifest_key},
    )
    # The listing stays the earlier outcome, now current as of this change: a document older than it is late.
    current = earlier.model_copy(update={"changed_at": record.changed_at or earlier.changed_at})
    records.put_listing(current, as_of=record)
    return record


def _reuse_blocked_copy(
    product: NormalizedProduct,
    earlier: ProductRecord,
    *,
    run_id: str,
    source: str,
    now: datetime,
    store: ObjectStore,
    records: RecordStore,
) -> ProductRecord | None:
    """Record again, at no cost, a product whose copy the provider refused, while its failure file is in place.

    The spec is the same, so asking again would be refused again and billed again (see record_product_failure).
    """
    if not store.exists(earlier.artifacts["failure"]):
        records.settle_spec(earlier, ClaimState.RETRY)
        return None
    return _recorded_again(earlier, product, run_id=run_id, source=source, now=now, artifacts=earlier.artifacts)


def _recorded_again(
    earlier: ProductRecord,
    product: NormalizedProduct,
    *,
    run_id: str,
    source: str,
    now: datetime,
    artifacts: dict[str, str],
) -> ProductRecord:
    """Copy the earlier outcome into this run, at no cost and with no time of its own."""
    return earlier.model_copy(
        update={
            "run_id": run_id,
            "source": source,
            "started_at": now,
            "finished_at": now,
            "changed_at": product.changed_at,
            "duration_ms": None,
            "timings_ms": {},
            "usage": [],
            "cost_usd": 0.0,
            "artifacts": artifacts,
            "reused_from": earlier.run_id,
            "rebuilt_because": None,
        }
    )


def _listing_damage(manifest: Manifest, store: ObjectStore) -> str | None:
    """Say which of a listing's files is missing or not at the size its run wrote, or None when all are intact.

    The spec, copy and images are held to their recorded size. Its image jobs, report, review sheet and
    exports, which the new run's manifest and review index point to, must exist too. One HEAD request each.
    A file whose size was not recorded (all but the spec, copy and images, and any file of a manifest written
    before sizes were) is held to existence alone.
    NOTE: a file replaced by other bytes of the same size is not caught. Reading every copy and image
    would make an unchanged catalog download each listing again.
    """
    named = ("copy", "spec", "image_jobs", "consistency", "review")
    wanted = [image.key for image in manifest.images if image.key]
    wanted += [manifest.artifacts[name] for name in named if manifest.artifacts.get(name)]
    wanted += list(manifest.exports.values())
    for key in wanted:
        expected = manifest.sizes.get(key)
        if expected is None:
            if not store.exists(key):
                return f"{key} is missing"
            continue
        try:
            size = store.size(key)
        except ArtifactMissing:
            return f"{key} is missing"
        if size != expected:
            return f"{key} has {size:,} bytes, not the {expected:,} its run wrote"
    return None
