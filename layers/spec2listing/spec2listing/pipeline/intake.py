"""Intake: read the upload or event, validate every product, keep originals, reject with reasons."""

import difflib
import functools
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import unquote_plus

from pydantic import BaseModel, Field, ValidationError

from spec2listing.errors import ArtifactMissing, FieldError, InvalidSpec, RunClosed
from spec2listing.intake import ParsedUpload, Rejection, parse_upload
from spec2listing.intake.field_errors import field_errors_from_validation, format_location, join_path
from spec2listing.intake.options import ReadOptions, read_options
from spec2listing.models.brand import BrandGuide
from spec2listing.models.product import NormalizedProduct, content_hash
from spec2listing.models.records import ProductRecord, ProductStatus, RunRecord, RunStatus, SpecClaim
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import IntakeResult, IntakeTask, PipelineConfig
from spec2listing.models.triggers import S3_OBJECT_CREATED, ProductSpecChangedDetail, TriggerEvent
from spec2listing.pipeline.references import find_reference_photos, missing_reference_photos, reference_photo_etags
from spec2listing.pipeline.reuse import attach_base, earlier_outcome, reuse_outcome
from spec2listing.pipeline.variants import resolve_variant_merges
from spec2listing.storage import keys
from spec2listing.storage.executions import ExecutionLookup
from spec2listing.storage.objects import ObjectStore, get_json, put_json
from spec2listing.storage.parallel import map_parallel
from spec2listing.storage.records import RecordStore
from spec2listing.types import MAX_SEGMENT_BYTES, key_segment_problem

# Largest spec file Intake downloads, so that a stray multi-gigabyte upload is rejected with a message rather
# than ending the function out of memory. A Shopify export with HTML bodies of 10,000 products stays under it.
# NOTE: memory grows with the product count more than with bytes. Parsing 100,000 short catalog rows (15 MB)
# peaked at 0.9 GB in a local run, and the function has 2 GB, so a file near this limit of such rows can
# still run out of memory.
MAX_UPLOAD_BYTES = 100 * 2**20
# The name of the kept copy of an upload whose key ends in no usable file name, such as a folder's.
UNNAMED_FILE = "unnamed-upload"
# Field errors a rejected product's record keeps. All of them are in errors.json, because a DynamoDB item is
# limited to 400 KB, which a product with a thousand bad rows exceeds.
RECORD_MAX_ERRORS = 25
# How far ahead of the run's start an event may be stamped, for senders whose clocks run fast. A stamp further
# ahead would outrank every later change of its SKUs until that time, so it is taken as this far ahead.
MAX_EVENT_CLOCK_AHEAD = timedelta(minutes=5)


class Upload(BaseModel):
    """The file a run reads, wherever it came from."""

    file_name: str
    source: str = Field(description="s3://bucket/key of the upload, or the event that carried it.")
    data: bytes
    source_key: str | None = None
    source_version_id: str | None = Field(default=None, description="The version of source_key that was read.")
    superseded_version_id: str | None = Field(
        default=None, description="The version the trigger named, when a newer one had replaced it and was read."
    )
    options: ReadOptions | list[FieldError] = Field(
        default_factory=ReadOptions, description="Reader options, or why they are invalid."
    )
    problem: FieldError | None = Field(
        default=None, description="Why the file cannot be read at all, such as its size. The run rejects it whole."
    )
    size: int | None = Field(default=None, description="The size of source_key in bytes, where it was read.")


class RejectionReport(BaseModel):
    """rejected/<run_id>/errors.json: why products or the whole file cannot run."""

    run_id: str
    file: str
    source: str
    original_key: str
    accepted: int
    rejected: list[Rejection]


def _raise_if_closed(run: RunRecord | None) -> None:
    """Raise RunClosed for a run that a stop or timeout closed, since Intake must not open it again."""
    if run is not None and run.status != RunStatus.RUNNING:
        raise RunClosed(f"run {run.run_id} was closed before its Intake finished ({run.error or run.status.value})")


def change_time(stamped: datetime | None, started_at: datetime) -> datetime | None:
    """Return when a trigger's change happened, for ordering the outcomes of its SKUs.

    A stamp without a zone is taken as UTC, as EventBridge writes its times. One more than
    MAX_EVENT_CLOCK_AHEAD after the run started is a sender's clock gone wrong, and is taken as that latest
    time: the run's start would order it before an earlier change stamped a little ahead.
    """
    if stamped is None:
        return None
    latest = _in_utc(started_at) + MAX_EVENT_CLOCK_AHEAD
    return min(_in_utc(stamped), latest)


def _in_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def make_run_id(started_at: datetime, execution_name: str) -> str:
    """Time-ordered run id, stable for one execution so a retried Intake reuses it."""
    stamp = started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = hashlib.sha256(execution_name.encode()).hexdigest()[:8]
    return f"{stamp}-{suffix}"


def delivery_hash(trigger: TriggerEvent) -> str:
    """Return the key a trigger delivery is claimed under: the hash of what its repeats share."""
    return hashlib.sha256(trigger.delivery_identity().encode("utf-8")).hexdigest()


def read_upload(trigger: TriggerEvent, store: ObjectStore) -> Upload:
    """Fetch the bytes a trigger points at."""
    if trigger.detail_type == S3_OBJECT_CREATED:
        try:
            created = trigger.s3_object()
        except ValidationError as error:
            raise InvalidSpec(field_errors_from_validation(f"event {trigger.id}", error, _in_detail)) from error
        if created.bucket.name != store.bucket:
            raise InvalidSpec(
                [
                    FieldError(
                        file=created.object.key,
                        path="detail.bucket.name",
                        value=created.bucket.name,
                        message="the upload is in another bucket",
                        expected=f"an object in {store.bucket}",
                    )
                ]
            )
        version_id = created.object.version_id
        key = _existing_key(created.object.key, version_id, store)
        if not key.startswith(keys.INCOMING_PREFIX):
            # The rule only sends incoming/ uploads; anything else, such as the pipeline's own files, is no spec.
            raise InvalidSpec(
                [
                    FieldError(
                        file=key,
                        path="detail.object.key",
                        value=key,
                        message=f"the object is not under {keys.INCOMING_PREFIX}, where uploads of specs go",
                        expected=f"a spec uploaded under {keys.INCOMING_PREFIX}",
                    )
                ]
            )
        # S3 and EventBridge may deliver an upload's event late, after a newer upload of the key. Reading the
        # version it names would replace the newer listing with an older one, so the current version is read:
        # the newer upload's own run makes the same listing.
        latest = store.latest_version(key) if version_id else None
        superseded = version_id if latest is not None and latest != version_id else None
        version_id = latest if superseded else version_id
        file_name, name_problem = _file_name_of(key, "detail.object.key")
        data, size_problem, size = _upload_bytes(store, key, version_id) if name_problem is None else (b"", None, None)
        return Upload(
            file_name=file_name,
            source=f"s3://{store.bucket}/{key}",
            data=data,
            source_key=key,
            source_version_id=version_id,
            superseded_version_id=superseded,
            size=size,
            options=read_options(
                f"s3://{store.bucket}/{key} metadata", store.metadata(key, version_id), ignore_unknown=True
            ),
            problem=name_problem or size_problem,
        )

    try:
        detail = trigger.spec_changed()
    except ValidationError as error:
        known = ", ".join(ProductSpecChangedDetail.model_fields)
        fixes = {
            key: f"only the detail fields {known}; reader options such as format, locale and channel go in "
            "detail.options"
            for key in trigger.detail
            if key not in ProductSpecChangedDetail.model_fields
        }
        raise InvalidSpec(
            field_errors_from_validation(f"event {trigger.id}", error, _in_detail, fixes=fixes)
        ) from error
    options = read_options(f"event {trigger.id} detail.options", detail.options, ignore_unknown=False)
    if detail.spec_s3 is not None:
        key = detail.spec_s3.key
        if detail.spec_s3.bucket not in (None, store.bucket):
            raise InvalidSpec(
                [
                    FieldError(
                        file=key,
                        path="detail.spec_s3.bucket",
                        value=detail.spec_s3.bucket,
                        message="the spec is in another bucket",
                        expected=f"a key in {store.bucket} (or no bucket)",
                    )
                ]
            )
        owner = next((prefix for prefix in keys.PIPELINE_PREFIXES if key.startswith(prefix)), None)
        if owner is not None:
            raise InvalidSpec(
                [
                    FieldError(
                        file=key,
                        path="detail.spec_s3.key",
                        value=key,
                        message=f"the key is under {owner}, which contains brand guides or the pipeline's own files",
                        expected="a spec uploaded under incoming/ or another prefix of your own",
                    )
                ]
            )
        version_id = detail.spec_s3.version_id
        file_name, name_problem = _file_name_of(key, "detail.spec_s3.key")
        try:
            # A key that names no file is not read, but its size still tells whether it exists.
            if name_problem is None:
                data, size_problem, size = _upload_bytes(store, key, version_id)
            else:
                data, size_problem, size = b"", None, store.size(key, version_id)
        except ArtifactMissing as error:
            # A failure, not a rejection: the event may have come before its upload finished, and a failed
            # run's event can be sent again once the file is there.
            version = f" version {version_id}" if version_id else ""
            raise ArtifactMissing(
                f"s3://{store.bucket}/{key}{version}, named by detail.spec_s3, does not exist; upload the spec "
                "file there (or correct the key), then send the event again"
            ) from error
        return Upload(
            file_name=file_name,
            source=f"s3://{store.bucket}/{key}",
            data=data,
            source_key=key,
            source_version_id=version_id,
            size=size,
            options=options,
            problem=name_problem or size_problem,
        )
    file_name = detail.file_name or f"{detail.source_system}-{_event_name(trigger.id)}.json"
    if PurePosixPath(file_name).suffix.lower() != ".json":
        # The suffix picks the reader, while the inline document is always written out as JSON. A name of
        # ".json" alone has no suffix.
        raise InvalidSpec(
            [
                FieldError(
                    file=f"event {trigger.id}",
                    path="detail.file_name",
                    value=repr(file_name),
                    message="an inline spec is a JSON document, and this name does not end in .json after a name",
                    expected="a name such as products.json; or upload the file and point at it with detail.spec_s3",
                )
            ]
        )
    if isinstance(options, ReadOptions):
        # The inline document arrives as JSON text and is written out here as UTF-8, whatever the PIM's files use.
        options = options.model_copy(update={"encoding": None})
    return Upload(
        file_name=file_name,
        source=f"event {trigger.id} from {trigger.source}",
        data=json.dumps(detail.spec, ensure_ascii=False).encode("utf-8"),
        options=options,
    )


def _event_name(event_id: str) -> str:
    """Return the event id when it can name a file, as EventBridge's UUIDs can, or else a hash of it."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,100}", event_id):
        return event_id
    return hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _file_name_of(key: str, path: str) -> tuple[str, FieldError | None]:
    """Return the file name a key ends in, and why it names no file, as '..' or a folder does.

    Such a key gets the name UNNAMED_FILE for its kept copy. A name longer
    than a key segment may be is shortened instead (see _shortened).
    """
    # The text after the last slash, since PurePosixPath would read 'incoming/x/' (a folder the S3 console
    # creates) and 'incoming/x/.' as 'x'.
    name = _shortened(key.rsplit("/", 1)[-1])
    problem = "it ends in a slash, as a folder does" if key.endswith("/") else key_segment_problem(name)
    if problem is None:
        return name, None
    return UNNAMED_FILE, FieldError(
        file=key,
        path=path,
        value=repr(key),
        message=f"the key does not end in a usable file name because {problem}",
        expected="a key that ends in a file name such as incoming/catalog.csv",
    )


def _shortened(name: str) -> str:
    """Cut a file name longer than MAX_SEGMENT_BYTES to fit, keeping its suffix and adding a hash of the whole name."""
    if len(name.encode("utf-8")) <= MAX_SEGMENT_BYTES:
        return name
    suffix = PurePosixPath(name).suffix
    suffix = suffix if len(suffix) <= 16 else ""
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    budget = MAX_SEGMENT_BYTES - len(suffix.encode("utf-8")) - len(digest) - 1
    stem = name[: len(name) - len(suffix)].encode("utf-8", "surrogatepass")[:budget].decode("utf-8", "ignore")
    return f"{stem}-{digest}{suffix}"


def _upload_bytes(store: ObjectStore, key: str, version_id: str | None) -> tuple[bytes, FieldError | None, int]:
    """Read an uploaded spec file with its size, or report before downloading it that it is too large for Intake."""
    size = store.size(key, version_id)
    if size > MAX_UPLOAD_BYTES:
        return (
            b"",
            FieldError(
                file=key,
                path="(file)",
                value=f"{size:,} bytes",
                message=f"the file is larger than the {MAX_UPLOAD_BYTES // 2**20} MiB that Intake reads",
                expected=f"the catalog split into files of at most {MAX_UPLOAD_BYTES // 2**20} MiB, "
                "such as one file per category",
            ),
            size,
        )
    return store.get_bytes(key, version_id), None, size


def _in_detail(location: tuple[int | str, ...]) -> str:
    """Write the path of an error in an event's detail as the event spells it: detail.spec_s3.key."""
    return join_path("detail", format_location(location)) if location else "detail"


def _existing_key(event_key: str, version_id: str | None, store: ObjectStore) -> str:
    """Find the object an event names: its key decoded once, else the key as sent.

    S3 URL-encodes keys in events (a space as '+', a '+' as '%2B'), so the
    decoded key comes first. The key as sent is for senders that did not
    encode it. With a version id only the key that has that version matches.
    """
    decoded = unquote_plus(event_key)
    for key in dict.fromkeys((decoded, event_key)):
        if store.exists(key, version_id):
            return key
    version = f" version {version_id}" if version_id else ""
    raise ArtifactMissing(f"s3://{store.bucket}/{decoded}{version} does not exist (event key {event_key!r})")


def brand_loader(store: ObjectStore, file: str) -> Callable[[str], BrandGuide | FieldError]:
    """Load brands/<name>.json once per name and turn problems into field errors."""
    cache: dict[str, BrandGuide | FieldError] = {}

    def load(name: str) -> BrandGuide | FieldError:
        if name in cache:
            return cache[name]
        key = keys.brand_guide(name)
        try:
            cache[name] = BrandGuide.model_validate(get_json(store, key))
        except ArtifactMissing:
            cache[name] = FieldError(
                file=file,
                path="brand_guide",
                value=repr(name),
                message=f"brand guide not found at s3://{store.bucket}/{key}{_near_guide_names(store, name)}",
                expected=f"an uploaded {key} (in a local run, {name}.json in a brands/ folder beside the spec "
                "files or in a --brands folder), or an inline brand_voice instead",
            )
        except ValidationError as error:
            cache[name] = _invalid_brand_guide(file, key, field_errors_from_validation(key, error))
        except ValueError as error:
            cache[name] = FieldError(
                file=file,
                path="brand_guide",
                message=f"brand guide {key} is invalid: {error}",
                expected="a brand guide with brand, voice and visual",
            )
        return cache[name]

    return load


def _near_guide_names(store: ObjectStore, name: str) -> str:
    """Name the uploaded guides whose names differ from `name` only in case, or look like a typo of it."""
    uploaded = [
        key.removeprefix(keys.BRANDS_PREFIX).removesuffix(".json")
        for key in store.list_keys(keys.BRANDS_PREFIX)
        if key.endswith(".json") and "/" not in key.removeprefix(keys.BRANDS_PREFIX)
    ]
    stem = name.removesuffix(".json") if name.lower().endswith(".json") else name
    same_letters = [guide for guide in uploaded if guide.casefold() == stem.casefold()]
    if stem != name and same_letters:
        return f"; brand_guide names a guide without its .json, and the bucket has {same_letters[0]!r}"
    if same_letters:
        return f"; guide names are case-sensitive, and the bucket has {same_letters[0]!r}"
    near = difflib.get_close_matches(stem, uploaded, n=3, cutoff=0.8)
    if not near:
        return ""
    listed = ", ".join(repr(guide) for guide in near)
    names = "name is" if len(near) == 1 else "names are"
    return f"; the nearest uploaded {names} {listed}"


def _invalid_brand_guide(file: str, key: str, errors: list[FieldError]) -> FieldError:
    """Report a brand guide's field errors on the spec's brand_guide field, the guide's own value and fix in front."""
    if len(errors) == 1:
        (error,) = errors
        return FieldError(
            file=file,
            path="brand_guide",
            value=error.value,
            message=f"brand guide {key} is invalid at {error.path}: {error.message}",
            expected=f"{error.expected}, in {key}",
        )
    listed = "; ".join(
        f"{error.path}: {error.message}" + (f" (got {error.value})" if error.value is not None else "")
        for error in errors
    )
    return FieldError(
        file=file,
        path="brand_guide",
        message=f"brand guide {key} has {len(errors)} invalid fields: {listed}",
        expected=f"a brand guide with brand, voice and visual: correct each listed field in {key}",
    )


def resolve_brand(spec: ProductSpec, load: Callable[[str], BrandGuide | FieldError]) -> BrandGuide | FieldError | None:
    """Pick the product's brand guide; an inline brand_voice overrides the stored guide's voice."""
    guide: BrandGuide | None = None
    if spec.brand_guide:
        loaded = load(spec.brand_guide)
        if isinstance(loaded, FieldError):
            return loaded
        guide = loaded
    if spec.brand_voice is not None:
        base = guide or BrandGuide(brand=spec.brand)
        guide = base.model_copy(update={"voice": spec.brand_voice})
    return guide


def run_intake(
    task: IntakeTask,
    *,
    store: ObjectStore,
    records: RecordStore,
    config: PipelineConfig,
    generation: Mapping[str, str] | None = None,
    executions: ExecutionLookup | None = None,
) -> IntakeResult:
    """Validate the upload and lay out one spec per product to generate for the Products map.

    `generation` names the providers, models and image settings of this
    deployment (see providers.select.generation_settings). It is part of each
    product's content hash, so switching from offline to live, or to another
    model, generates the listing again instead of keeping the old one.

    `executions` tells whether the run holding a product's claim is still
    running; without it only the run record is read.

    A second delivery of a trigger that already started a run returns that
    run's id in `duplicate_of` and does nothing else. Unchanged products are
    recorded with their earlier outcome here and are not queued.
    """
    started = time.monotonic()
    try:
        trigger = TriggerEvent.model_validate(task.trigger)
    except ValidationError as error:
        raise InvalidSpec(field_errors_from_validation("(event)", error)) from error
    run_id = make_run_id(task.started_at, task.execution_name)
    delivery = delivery_hash(trigger)
    owner = records.claim_delivery(delivery, run_id)
    if owner != run_id:
        return IntakeResult(
            run_id=run_id, products_key="", product_count=0, rejected_count=0, duplicate_of=owner, config=config
        )

    upload = read_upload(trigger, store)
    changed_at = change_time(trigger.time, task.started_at)
    details: dict[str, object] = {"file": upload.file_name}
    if trigger.time is not None and changed_at is not None and changed_at != _in_utc(trigger.time):
        details["event_time_ahead"] = f"{trigger.time.isoformat()}, taken as {changed_at.isoformat()}"
    run = RunRecord(
        run_id=run_id,
        status=RunStatus.RUNNING,
        source=upload.source,
        execution_id=task.execution_id,
        started_at=task.started_at,
        details=details,
        delivery=delivery,
    )
    if not records.put_open_run(run):
        records.release_delivery(delivery, run_id)
        _raise_if_closed(records.get_run(run_id))

    # A file too large to read is kept under rejected/ only, not twice.
    input_key = keys.run_input(run_id, upload.file_name)
    if upload.source_key is not None and upload.problem is None:
        store.copy(upload.source_key, input_key, upload.source_version_id, size=upload.size)
    elif upload.source_key is None:
        store.put_bytes(input_key, upload.data, "application/json")

    parsed = _parse(upload)
    rejections = list(parsed.rejections)
    accepted, duplicates = _accepted_products(
        parsed,
        upload,
        store=store,
        records=records,
        rejections=rejections,
        generation=dict(generation or {}),
        changed_at=changed_at,
    )

    products = list(accepted.values())
    reused = _reuse_unchanged(
        products, run_id=run_id, source=upload.source, store=store, records=records, executions=executions
    )
    queued = [product for product in products if product.spec.sku not in reused]
    items = _queue_products(queued, run_id=run_id, store=store, records=records)
    records.put_products(list(reused.values()))
    products_key = keys.run_products(run_id)
    put_json(store, products_key, items)

    if rejections:
        _keep_rejected(store, records, run_id, upload, rejections, accepted=len(accepted), changed_at=changed_at)

    opened = records.put_open_run(
        run.model_copy(
            update={
                "product_count": len(accepted),
                "counts": {ProductStatus.REJECTED.value: len(rejections)},
                "details": {
                    **run.details,
                    **({"version_id": upload.source_version_id} if upload.source_version_id else {}),
                    **({"superseded_version_id": upload.superseded_version_id} if upload.superseded_version_id else {}),
                    "format": parsed.format,
                    **({"dialect": parsed.dialect} if parsed.dialect else {}),
                    "duplicates_dropped": duplicates,
                    "queued": len(items),
                    "reused": len(reused),
                    "intake_ms": round((time.monotonic() - started) * 1000),
                },
            }
        )
    )
    if not opened:
        # Closed while Intake worked: its claims on specs are taken over by later runs, as any closed run's are.
        records.release_delivery(delivery, run_id)
        _raise_if_closed(records.get_run(run_id))
    return IntakeResult(
        run_id=run_id,
        products_key=products_key,
        product_count=len(accepted),
        queued_count=len(items),
        reused_count=len(reused),
        rejected_count=len(rejections),
        duplicate_count=duplicates,
        config=config,
    )


def _reuse_unchanged(
    products: list[NormalizedProduct],
    *,
    run_id: str,
    source: str,
    store: ObjectStore,
    records: RecordStore,
    executions: ExecutionLookup | None,
) -> dict[str, ProductRecord]:
    """Claim every product and record the earlier outcome of each unchanged one; return those outcomes by sku.

    The claims are read and written in batches, and each unchanged product's
    manifest copy runs in parallel with the others'. A product whose earlier
    manifest is gone is claimed again, to be generated.
    """
    claims = records.claim_specs([(product.spec.sku, product.spec_hash) for product in products], run_id)

    def reuse(product: NormalizedProduct, claim: SpecClaim) -> ProductRecord | None:
        earlier = earlier_outcome(product, run_id=run_id, records=records, executions=executions, claim=claim)
        if earlier is None:
            return None
        outcome = reuse_outcome(product, earlier, run_id=run_id, source=source, store=store, records=records)
        if outcome is None:
            records.claim_spec(product.spec.sku, product.spec_hash, run_id)
        return outcome

    outcomes = map_parallel(lambda pair: reuse(*pair), zip(products, claims, strict=True))
    return {outcome.sku: outcome for outcome in outcomes if outcome is not None}


def _queue_products(
    products: list[NormalizedProduct], *, run_id: str, store: ObjectStore, records: RecordStore
) -> list[dict[str, str]]:
    """Compare each product with its last listing, write its spec.json, and return the Products map's items."""
    listings = records.get_listings([product.spec.sku for product in products])

    def queue(product: NormalizedProduct) -> dict[str, str]:
        attach_base(product, store=store, records=records, listings=listings)
        spec_key = keys.product_file(run_id, product.spec.sku, "spec.json")
        put_json(store, spec_key, product)
        return {"run_id": run_id, "sku": product.spec.sku, "spec_key": spec_key, "spec_hash": product.spec_hash}

    return map_parallel(queue, products)


def _parse(upload: Upload) -> ParsedUpload:
    if upload.problem is not None:
        rejection = Rejection(origin="file", errors=[upload.problem])
        return ParsedUpload(file=upload.file_name, format="unknown", rejections=[rejection])
    if isinstance(upload.options, list):
        rejection = Rejection(origin="options", errors=upload.options)
        return ParsedUpload(file=upload.file_name, format="unknown", rejections=[rejection])
    return parse_upload(upload.file_name, upload.data, upload.options)


def _accepted_products(
    parsed: ParsedUpload,
    upload: Upload,
    *,
    store: ObjectStore,
    records: RecordStore,
    rejections: list[Rejection],
    generation: dict[str, str],
    changed_at: datetime | None,
) -> tuple[dict[str, NormalizedProduct], int]:
    """Resolve brand guides, check that reference photos exist, and drop identical repeats of a sku.

    A sku defined more than once with different content is rejected at every
    place it is defined, as rows of a CSV sku that disagree are, so neither
    version is published. So is a valid definition of a sku that the file
    also defines invalidly. `rejections` ends with one rejection per sku.
    """
    load = brand_loader(store, upload.file_name)
    defined: dict[str, list[NormalizedProduct]] = {}
    options = upload.options if isinstance(upload.options, ReadOptions) else ReadOptions()
    specs, merge_rejections = resolve_variant_merges(
        parsed, store=store, records=records, options=options, file=upload.file_name, changed_at=changed_at
    )
    rejections += merge_rejections
    photos = find_reference_photos(store, (document.spec for document in specs))
    for origin, spec, kept_skus, members in specs:
        brand = resolve_brand(spec, load)
        errors = missing_reference_photos(
            store, spec, photos, file=upload.file_name, locate=functools.partial(parsed.locate, origin)
        )
        if isinstance(brand, FieldError):
            errors.insert(0, brand.model_copy(update={"path": parsed.locate(origin, ("brand_guide",))}))
        if errors or isinstance(brand, FieldError):
            rejections.append(Rejection(sku=spec.sku, name=spec.name, origin=origin, errors=errors))
            continue
        photo_etags = reference_photo_etags(spec, photos)
        product = NormalizedProduct(
            spec=spec,
            brand=brand,
            spec_hash=content_hash(spec, brand, generation, photo_etags, members),
            source_file=upload.file_name,
            origin=origin,
            generation=generation,
            kept_variants=kept_skus,
            source_members=members,
            reference_photo_etags=photo_etags,
            changed_at=changed_at,
        )
        defined.setdefault(spec.sku, []).append(product)

    rejected = {rejection.sku: rejection for rejection in rejections if rejection.sku is not None}
    accepted: dict[str, NormalizedProduct] = {}
    duplicates = 0
    for sku, products in defined.items():
        if sku in rejected:
            rejections.append(_conflict(upload.file_name, parsed, products, rejected[sku].origin))
        elif len({product.spec_hash for product in products}) > 1:
            rejections.append(_conflict(upload.file_name, parsed, products))
        else:
            accepted[sku] = products[0]
            duplicates += len(products) - 1
    owned = {sku: (product.origin, product.spec) for sku, product in accepted.items()}
    for rejection in shared_sku_rejections(upload.file_name, parsed, owned):
        rejections.append(rejection)
        accepted.pop(str(rejection.sku))
    rejections[:] = _one_per_sku(rejections)
    return accepted, duplicates


def shared_sku_rejections(
    file: str, parsed: ParsedUpload, products: Mapping[str, tuple[str, ProductSpec]]
) -> list[Rejection]:
    """Reject every product with a variant sku that another product of the file uses as its sku or a variant sku.

    Each variant sku names one purchasable item in the shop, so two products
    claiming it would publish two listings for it. A product's own sku may
    repeat as its variant's, as a Shopify product with one variant has it.
    Skus compare without case, as within one product, so two products whose
    skus differ only in case ("ABC", "abc") are both rejected: their output
    folders would be one folder on a file system that ignores case.
    `products` maps each sku to where the file defines it and its spec.
    """
    owners: dict[str, set[str]] = {}
    product_skus: dict[str, set[str]] = {}
    for sku, (_, spec) in products.items():
        owners.setdefault(sku.casefold(), set()).add(sku)
        product_skus.setdefault(sku.casefold(), set()).add(sku)
        for variant in spec.variants:
            owners.setdefault(variant.sku.casefold(), set()).add(sku)
    rejections = []
    for sku, (origin, spec) in products.items():
        errors = []
        same_but_case = sorted(product_skus[sku.casefold()] - {sku})
        if same_but_case:
            errors.append(
                FieldError(
                    file=file,
                    path=parsed.locate(origin, ("sku",)),
                    value=repr(sku),
                    message=f"differs only in case from the sku of product {', '.join(same_but_case)} in this file",
                    expected="a sku that differs from every other product's sku in more than case",
                )
            )
        for index, variant in enumerate(spec.variants):
            others = sorted(owners[variant.sku.casefold()] - {sku})
            if not others:
                continue
            errors.append(
                FieldError(
                    file=file,
                    path=parsed.locate(origin, ("variants", index, "sku")),
                    value=repr(variant.sku),
                    message=f"the variant sku is also used by product {', '.join(others)} in this file",
                    expected="a variant sku that no other product uses as its sku or a variant sku",
                )
            )
        if errors:
            rejections.append(Rejection(sku=sku, origin=origin, errors=errors))
    return rejections


def _conflict(
    file: str, parsed: ParsedUpload, products: list[NormalizedProduct], rejected_origin: str | None = None
) -> Rejection:
    """Reject every definition of a sku that the file defines with different content."""
    origins = [product.origin or "the document" for product in products]
    errors = []
    for product in products:
        others = [origin for origin in origins if origin != (product.origin or "the document")]
        if rejected_origin is not None:
            others.append(f"{rejected_origin} (rejected)")
        errors.append(
            FieldError(
                file=file,
                path=parsed.locate(product.origin, ("sku",)),
                value=repr(product.spec.sku),
                message=f"the sku is also defined at {', '.join(others)} with different content",
                expected="each sku once per file, or only identical repeats; "
                "keep one definition and remove or rename the others",
            )
        )
    return Rejection(sku=products[0].spec.sku, name=products[0].spec.name, origin=", ".join(origins), errors=errors)


def _one_per_sku(rejections: list[Rejection]) -> list[Rejection]:
    """Merge rejections of the same sku, in order of first appearance, so that a sku has one outcome."""
    merged: list[Rejection] = []
    by_sku: dict[str, Rejection] = {}
    for rejection in rejections:
        kept = by_sku.get(rejection.sku) if rejection.sku is not None else None
        if kept is None:
            kept = rejection.model_copy(deep=True)
            merged.append(kept)
            if rejection.sku is not None:
                by_sku[rejection.sku] = kept
            continue
        if rejection.origin and rejection.origin not in kept.origin:
            kept.origin = f"{kept.origin}; {rejection.origin}" if kept.origin else rejection.origin
        kept.errors.extend(rejection.errors)
    return merged


def _keep_rejected(
    store: ObjectStore,
    records: RecordStore,
    run_id: str,
    upload: Upload,
    rejections: list[Rejection],
    *,
    accepted: int,
    changed_at: datetime | None,
) -> None:
    """Copy the original untouched to rejected/<run_id>/ with errors.json, and record each rejected SKU."""
    original_key = keys.rejected_original(run_id, upload.file_name)
    if upload.source_key is not None:
        store.copy(upload.source_key, original_key, upload.source_version_id, size=upload.size)
    else:
        store.put_bytes(original_key, upload.data, "application/json")
    report = RejectionReport(
        run_id=run_id,
        file=upload.file_name,
        source=upload.source,
        original_key=original_key,
        accepted=accepted,
        rejected=rejections,
    )
    put_json(store, keys.rejected_errors(run_id), report)

    now = datetime.now(UTC)
    records.put_products(
        [
            ProductRecord(
                sku=rejection.sku,
                name=rejection.name,
                run_id=run_id,
                status=ProductStatus.REJECTED,
                source=upload.source,
                finished_at=now,
                changed_at=changed_at,
                errors=rejection.errors[:RECORD_MAX_ERRORS],
                error=_error_text(rejection.errors, keys.rejected_errors(run_id)),
                artifacts={"original": original_key, "errors": keys.rejected_errors(run_id)},
            )
            for rejection in rejections
            if rejection.sku is not None
        ]
    )


def _error_text(errors: list[FieldError], errors_key: str) -> str:
    """Join the first RECORD_MAX_ERRORS errors, and add how many more errors.json contains."""
    text = "; ".join(str(error) for error in errors[:RECORD_MAX_ERRORS])
    if len(errors) > RECORD_MAX_ERRORS:
        text += f"; {len(errors) - RECORD_MAX_ERRORS} more in {errors_key}"
    return text
