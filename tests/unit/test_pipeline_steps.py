"""The domain steps chained by hand on in-memory storage, as the state machine chains them."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs.ledger import StoreLedger, summed_usage, total_cost
from spec2listing.errors import ArtifactMissing, InvalidSpec, ProviderUnavailable, RenderPending
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.models.consistency import ConsistencyReport, DriftFlag
from spec2listing.models.records import ProductStatus, RunStatus, Usage
from spec2listing.models.tasks import (
    FailureTask,
    IntakeTask,
    PipelineConfig,
    ProductTask,
    RenderTask,
    RunFailureTask,
    SummarizeTask,
)
from spec2listing.pipeline.intake import make_run_id, run_intake
from spec2listing.pipeline.outcomes import flag_summary, record_product_failure, summarize_run
from spec2listing.pipeline.runs import record_run_failure
from spec2listing.pipeline.steps import generate_copy, render_image
from spec2listing.storage import keys
from spec2listing.storage.objects import get_json, put_json

from tests.support import (
    ACCEPTANCE,
    ACCEPTANCE_BRANDS,
    EXAMPLES,
    load_event,
    plan_default_images,
    product_outcome,
    run_product_steps,
)

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
STARTED = datetime(2026, 12, 4, 9, 30, 1, tzinfo=UTC)


def _upload(store, name: str, data: bytes) -> IntakeTask:
    key = f"incoming/{name}"
    store.put_bytes(key, data, "application/octet-stream")
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = key
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=f"exec-{name}", started_at=STARTED)


def _with_brands(store) -> None:
    for path in ACCEPTANCE_BRANDS.glob("*.json"):
        store.put_bytes(keys.brand_guide(path.stem), path.read_bytes(), "application/json")


def test_catalog_flows_through_every_step(store, records, publisher) -> None:
    _with_brands(store)
    path = ACCEPTANCE / "catalogs" / "spring-drop.csv"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)

    assert result.run_id == make_run_id(STARTED, "exec-spring-drop.csv")
    assert result.product_count == 5
    assert result.config == CONFIG
    assert store.get_bytes(keys.run_input(result.run_id, path.name)) == path.read_bytes()
    items = get_json(store, result.products_key)
    statuses = {item["sku"]: run_product_steps(store, records, item) for item in items}
    assert set(statuses.values()) == {ProductStatus.COMPLETE}

    summary = summarize_run(SummarizeTask(run_id=result.run_id), store=store, records=records, events=publisher)
    assert summary.counts["COMPLETE"] == 5
    run = records.get_run(result.run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert publisher.events[0][0] == "ListingsReady"
    document = get_json(store, summary.summary_key)
    assert [product["sku"] for product in document["products"]] == sorted(statuses)
    assert store.exists(keys.run_review_index(result.run_id))


def test_manifest_lists_every_artifact(store, records) -> None:
    _with_brands(store)
    path = ACCEPTANCE / "trail-runner.json"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    (item,) = get_json(store, result.products_key)
    run_product_steps(store, records, item)

    manifest = get_json(store, keys.product_file(result.run_id, "NP-RDG-TR-01", "manifest.json"))
    assert manifest["status"] == "COMPLETE"
    for key in [*manifest["artifacts"].values(), *manifest["exports"].values()]:
        assert store.exists(key), key
    assert [image["status"] for image in manifest["images"]] == ["RENDERED"] * 4
    assert set(manifest["exports"]) == {"amazon", "shopify", "instagram"}
    record = records.get_current_product("NP-RDG-TR-01")
    assert record.status == ProductStatus.COMPLETE
    assert record.spec_hash == manifest["spec_hash"]


def test_outcome_counts_images_that_failed_after_retries(store, records) -> None:
    _with_brands(store)
    path = ACCEPTANCE / "trail-runner.json"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    (item,) = get_json(store, result.products_key)

    outcome = product_outcome(store, records, item, failed_jobs=frozenset({"packshot"}))

    assert (outcome.status, outcome.images_failed) == (ProductStatus.NEEDS_REVIEW, 1)


MARKETS_CSV = (
    "sku,name,brand,category,price,currency,materials,color,color_hex\n"
    "KR-BWL-15-UK,Serving Bowl 15 cm,Kiln & Reed,Home > Kitchen > Bowls,32.00,GBP,stoneware clay,Sea Glass,#7FA9A0\n"
    "KR-BWL-15-EU,Serving Bowl 15 cm,Kiln & Reed,Home > Kitchen > Bowls,36.00,EUR,stoneware clay,Sea Glass,#7FA9A0\n"
)


def _market_render_tasks(store, records) -> list[RenderTask]:
    """Run the markets catalog up to its renders and return each product's first render task."""
    upload = _upload(store, "markets.csv", MARKETS_CSV.encode())
    result = run_intake(upload, store=store, records=records, config=CONFIG)
    tasks = []
    for item in get_json(store, result.products_key):
        copy = generate_copy(ProductTask.model_validate(item), store=store, writer=OfflineCopyWriter())
        plan = plan_default_images(store, item, copy.copy_key, OfflineRenderer())
        tasks.append(RenderTask(**item, jobs_key=plan.jobs_key, job_id=plan.job_ids[0]))
    return tasks


def test_shared_image_rendered_once(store, records) -> None:
    # One bowl sold under a SKU per market: its images are the same, and the second product waits for the first.
    first, second = _market_render_tasks(store, records)
    drawn = []

    class RacingRenderer(OfflineRenderer):
        """Draws like the offline renderer, and tries the second product's render while drawing the first's."""

        def render(self, job, spec, references, *, ledger):
            drawn.append(spec.sku)
            if spec.sku == first.sku:
                with pytest.raises(RenderPending):
                    render_image(second, store=store, renderer=self)
            return super().render(job, spec, references, ledger=ledger)

    rendered = render_image(first, store=store, renderer=RacingRenderer())
    waited = render_image(second, store=store, renderer=RacingRenderer())

    assert drawn == [first.sku]
    assert (rendered.reused, waited.reused) == (False, True)
    assert waited.cache_key == rendered.cache_key
    assert store.get_bytes(waited.image_key) == store.get_bytes(rendered.image_key)


class FailingRenderer(OfflineRenderer):
    def render(self, job, spec, references, *, ledger):
        raise ProviderUnavailable("OpenAI returned HTTP 503")


def test_failed_render_releases_its_claim(store, records) -> None:
    first, second = _market_render_tasks(store, records)

    with pytest.raises(ProviderUnavailable):
        render_image(first, store=store, renderer=FailingRenderer())
    # The second product renders the image itself at once, and a third would wait for it.
    assert not render_image(second, store=store, renderer=OfflineRenderer()).reused


def test_claim_of_a_render_that_died_lapses(store, records, monkeypatch) -> None:
    # A render whose function timed out leaves its claim as it was, which lapses after RENDER_CLAIM_SECONDS.
    monkeypatch.setattr("spec2listing.pipeline.steps.RENDER_CLAIM_SECONDS", 0)
    monkeypatch.setattr("spec2listing.pipeline.steps._release_render", lambda *args: None)
    first, second = _market_render_tasks(store, records)

    with pytest.raises(ProviderUnavailable):
        render_image(first, store=store, renderer=FailingRenderer())
    assert not render_image(second, store=store, renderer=OfflineRenderer()).reused


def test_missing_brand_guide_rejects_product(store, records) -> None:
    path = ACCEPTANCE / "trail-runner.json"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    assert (result.product_count, result.rejected_count) == (0, 1)
    report = get_json(store, keys.rejected_errors(result.run_id))
    (error,) = report["rejected"][0]["errors"]
    assert error["path"] == "brand_guide"
    assert "brands/northpeak.json" in error["message"]
    assert store.get_bytes(report["original_key"]) == path.read_bytes()
    rejected = records.get_current_product("NP-RDG-TR-01")
    assert rejected.status == ProductStatus.REJECTED
    assert rejected.name == json.loads(path.read_text())["name"]


@pytest.mark.parametrize(
    ("uploaded", "hint"),
    [
        ("NorthPeak", "guide names are case-sensitive, and the bucket has 'NorthPeak'"),
        ("northpeek", "the nearest uploaded name is 'northpeek'"),
        ("acme", None),
    ],
)
def test_missing_brand_guide_names_near_uploaded_guides(store, records, uploaded, hint) -> None:
    store.put_bytes(keys.brand_guide(uploaded), b"{}", "application/json")
    path = ACCEPTANCE / "trail-runner.json"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    report = get_json(store, keys.rejected_errors(result.run_id))
    (error,) = report["rejected"][0]["errors"]
    if hint is None:
        assert error["message"].endswith("brands/northpeak.json")
    else:
        assert error["message"].endswith(hint)


def test_brand_guide_named_with_json_gets_the_fix(store, records) -> None:
    store.put_bytes(keys.brand_guide("northpeak"), b"{}", "application/json")
    spec = json.loads((ACCEPTANCE / "trail-runner.json").read_text())
    spec["brand_guide"] = "northpeak.json"
    upload = _upload(store, "trail-runner.json", json.dumps(spec).encode())
    result = run_intake(upload, store=store, records=records, config=CONFIG)
    report = get_json(store, keys.rejected_errors(result.run_id))
    (error,) = report["rejected"][0]["errors"]
    assert error["message"].endswith("brand_guide names a guide without its .json, and the bucket has 'northpeak'")


def test_identical_duplicate_dropped(store, records) -> None:
    spec = (ACCEPTANCE / "gan-charger.json").read_text()
    data = f"[{spec}, {spec}]".encode()
    result = run_intake(_upload(store, "dupes.json", data), store=store, records=records, config=CONFIG)
    assert (result.product_count, result.duplicate_count, result.rejected_count) == (1, 1, 0)


def test_conflicting_duplicate_rejected_everywhere(store, records) -> None:
    spec = (ACCEPTANCE / "gan-charger.json").read_text()
    changed = spec.replace('"amount": 45.99', '"amount": 49.99')
    data = f"[{spec}, {spec}, {changed}]".encode()
    result = run_intake(_upload(store, "dupes.json", data), store=store, records=records, config=CONFIG)
    assert (result.product_count, result.duplicate_count, result.rejected_count) == (0, 0, 1)
    (rejection,) = get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    assert rejection["origin"] == "[0], [1], [2]"
    assert [error["path"] for error in rejection["errors"]] == ["[0].sku", "[1].sku", "[2].sku"]
    assert rejection["errors"][2]["message"] == "the sku is also defined at [0], [1] with different content"
    assert get_json(store, keys.run_products(result.run_id)) == []


def test_shared_variant_sku_rejects_its_products(store, records) -> None:
    def product(sku: str, variant_sku: str) -> dict:
        return {
            "sku": sku,
            "name": f"Mug {sku}",
            "brand": "Acme",
            "category": "Home > Mugs",
            "price": {"amount": 10, "currency": "EUR"},
            "variants": [{"sku": variant_sku, "color": "Red", "color_hex": "#C0392B"}],
        }

    # A-1 and B-1 share a variant sku (in another case), and C-1's variant sku is product D-1's sku.
    products = [
        product("A-1", "shared-red"),
        product("B-1", "SHARED-RED"),
        product("C-1", "D-1"),
        product("D-1", "D-1-RED"),
    ]
    data = json.dumps(products).encode()
    result = run_intake(_upload(store, "shared.json", data), store=store, records=records, config=CONFIG)

    assert (result.product_count, result.rejected_count) == (1, 3)
    assert [item["sku"] for item in get_json(store, result.products_key)] == ["D-1"]
    rejected = {
        entry["sku"]: entry["errors"] for entry in get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    }
    assert set(rejected) == {"A-1", "B-1", "C-1"}
    (error,) = rejected["A-1"]
    assert error["path"] == "[0].variants[0].sku"
    assert error["message"] == "the variant sku is also used by product B-1 in this file"
    assert rejected["C-1"][0]["message"] == "the variant sku is also used by product D-1 in this file"


def test_product_skus_differing_only_in_case_rejected(store, records) -> None:
    spec = {**json.loads((ACCEPTANCE / "gan-charger.json").read_text()), "variants": []}
    products = [spec, {**spec, "sku": spec["sku"].lower()}, {**spec, "sku": "OTHER-1"}]
    data = json.dumps(products).encode()
    result = run_intake(_upload(store, "case.json", data), store=store, records=records, config=CONFIG)

    assert (result.product_count, result.rejected_count) == (1, 2)
    assert [item["sku"] for item in get_json(store, result.products_key)] == ["OTHER-1"]
    rejected = get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    (first,) = [entry["errors"] for entry in rejected if entry["sku"] == spec["sku"]]
    assert first[0]["path"] == "[0].sku"
    assert first[0]["message"] == f"differs only in case from the sku of product {spec['sku'].lower()} in this file"


def test_invalid_brand_guide_names_its_field(store, records) -> None:
    put_json(store, "brands/acme.json", {"brand": "Acme", "visual": {"palette": ["#GGGGGG"]}})
    spec = json.loads((ACCEPTANCE / "gan-charger.json").read_text())
    spec["brand_guide"] = "acme"
    result = run_intake(
        _upload(store, "charger.json", json.dumps(spec).encode()), store=store, records=records, config=CONFIG
    )

    (rejection,) = get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    (error,) = rejection["errors"]
    assert error["path"] == "brand_guide"
    assert error["message"] == "brand guide brands/acme.json is invalid at visual.palette[0]: not a hex colour"
    assert error["value"] == "'#GGGGGG'"
    assert error["expected"] == "#RRGGBB such as #4B5E2A, in brands/acme.json"


def test_missing_upload_raises(store, records) -> None:
    task = _upload(store, "gone.json", b"{}")
    store.objects.clear()
    with pytest.raises(ArtifactMissing, match=r"gone\.json does not exist"):
        run_intake(task, store=store, records=records, config=CONFIG)


def test_invalid_pim_event_raises_invalid_spec(store, records) -> None:
    trigger = load_event("pim-spec-changed-inline")
    del trigger["detail"]["spec"]
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim", started_at=STARTED)
    with pytest.raises(InvalidSpec, match=r"gives neither of detail\.spec and detail\.spec_s3"):
        run_intake(task, store=store, records=records, config=CONFIG)


def test_inline_pim_spec_runs(store, records) -> None:
    trigger = load_event("pim-spec-changed-inline")
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim", started_at=STARTED)
    result = run_intake(task, store=store, records=records, config=CONFIG)
    assert result.product_count == 1
    assert store.exists(keys.run_input(result.run_id, "KR-MUG-350.json"))


def _pim_change(event_id: str, time: str, amount: float, started_at: datetime | None = None) -> IntakeTask:
    """A PIM price change stamped `time`, whose run starts a second after it unless `started_at` is given."""
    trigger = load_event("pim-spec-changed-inline")
    trigger["id"] = event_id
    trigger["time"] = time
    trigger["detail"]["spec"]["price"]["amount"] = amount
    started_at = started_at or datetime.fromisoformat(time) + timedelta(seconds=1)
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=event_id, started_at=started_at)


def _run_change(store, records, task: IntakeTask):
    """Run a change's intake and its one product's steps, which must complete."""
    result = run_intake(task, store=store, records=records, config=CONFIG)
    (item,) = get_json(store, result.products_key)
    assert run_product_steps(store, records, item) == ProductStatus.COMPLETE
    return result


def test_older_change_finishing_last_stays_behind(store, records) -> None:
    # The newer change (price 28) runs first; the older one (price 27) finishes after it.
    newer = _run_change(store, records, _pim_change("newer", "2026-12-04T10:01:00Z", 28))
    older = _run_change(store, records, _pim_change("older", "2026-12-04T10:00:00Z", 27))

    current = records.get_current_product("KR-MUG-350")
    listing = records.get_listing("KR-MUG-350")
    assert current.run_id == newer.run_id
    assert listing is not None
    assert listing.run_id == newer.run_id
    assert listing.changed_at == datetime(2026, 12, 4, 10, 1, tzinfo=UTC)
    assert {record.run_id for record in records.list_run_products(older.run_id)} == {older.run_id}


def test_far_future_event_time_capped(store, records) -> None:
    started = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    first = _run_change(store, records, _pim_change("ahead", "2036-12-04T10:00:00Z", 99, started_at=started))
    later = _run_change(store, records, _pim_change("later", "2026-12-04T11:00:00Z", 26))

    listing = records.get_listing("KR-MUG-350")
    assert listing is not None
    assert listing.run_id == later.run_id
    run = records.get_run(first.run_id)
    assert run is not None
    assert run.details["event_time_ahead"] == "2036-12-04T10:00:00+00:00, taken as 2026-12-04T10:05:00+00:00"


def test_capped_change_orders_after_earlier(store, records) -> None:
    # The earlier change is stamped 4 minutes ahead of its run; the later one 6 minutes ahead of its own.
    earlier = _pim_change("earlier", "2026-12-04T10:04:00Z", 27, started_at=datetime(2026, 12, 4, 10, 0, tzinfo=UTC))
    later = _pim_change("later", "2026-12-04T10:08:00Z", 28, started_at=datetime(2026, 12, 4, 10, 2, tzinfo=UTC))
    _run_change(store, records, earlier)
    result = _run_change(store, records, later)

    listing = records.get_listing("KR-MUG-350")
    assert listing is not None
    assert listing.run_id == result.run_id


def test_event_time_within_clock_drift_kept(store, records) -> None:
    started = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    result = _run_change(store, records, _pim_change("drift", "2026-12-04T10:04:00Z", 27, started_at=started))

    listing = records.get_listing("KR-MUG-350")
    assert listing is not None
    assert listing.changed_at == datetime(2026, 12, 4, 10, 4, tzinfo=UTC)
    run = records.get_run(result.run_id)
    assert run is not None
    assert "event_time_ahead" not in run.details


def test_product_failure_recorded_with_reason(store, records) -> None:
    event = load_event("record-failure-copy-error")
    outcome = record_product_failure(FailureTask.model_validate(event), store=store, records=records)
    assert outcome.status == ProductStatus.FAILED
    record = records.get_current_product("FJ-DAY-22")
    assert record.error == "ProviderUnavailable: Gemini returned 503 three times"


def test_product_failure_costs_what_the_ledger_holds(store, records) -> None:
    task = FailureTask.model_validate(load_event("record-failure-copy-error"))
    ledger = StoreLedger(store, task.run_id, task.sku)
    ledger.record(Usage(step="copy", provider="gemini", model="gemini-2.5-flash", cost_usd=0.0012))
    ledger.record(Usage(step="copy", provider="gemini", model="gemini-2.5-flash", cost_usd=0.0008))

    record_product_failure(task, store=store, records=records)

    record = records.get_current_product(task.sku)
    assert record.cost_usd == pytest.approx(0.002)
    assert [(item.calls, item.cost_usd) for item in record.usage] == [(2, 0.002)]
    assert get_json(store, record.artifacts["failure"])["cost_usd"] == pytest.approx(0.002)


def test_product_failure_counts_rendered_images(store, records) -> None:
    task = FailureTask.model_validate(load_event("record-failure-copy-error"))
    for job_id in ("packshot", "lifestyle-1"):
        store.put_bytes(keys.product_image(task.run_id, task.sku, job_id), b"png", "image/png")
    store.put_bytes(keys.render_error(task.run_id, task.sku, "variant-red"), b"{}", "application/json")

    record_product_failure(task, store=store, records=records)

    assert records.get_current_product(task.sku).images == 2


def test_product_record_sums_usage_of_many_calls(store, records) -> None:
    task = FailureTask.model_validate(load_event("record-failure-copy-error"))
    ledger = StoreLedger(store, task.run_id, task.sku)
    for index in range(2000):
        ledger.record(Usage(step="render", provider="openai", model="gpt-image-2", images=1, cost_usd=0.04))
        ledger.record(Usage(step="render", provider="openai", model="gpt-image-2", job_id=f"j{index}", reported=False))

    record_product_failure(task, store=store, records=records)

    record = records.get_current_product(task.sku)
    assert [(item.calls, item.images, item.reported) for item in record.usage] == [(2000, 2000, True), (2000, 0, False)]
    assert record.cost_usd == pytest.approx(80.0)
    assert len(record.model_dump_json()) < 2000


def test_content_blocked_goes_to_review(store, records) -> None:
    event = load_event("record-failure-copy-error")
    event["error"] = {"Error": "ContentBlocked", "Cause": '{"errorMessage": "SAFETY"}'}
    outcome = record_product_failure(FailureTask.model_validate(event), store=store, records=records)
    assert outcome.status == ProductStatus.NEEDS_REVIEW


def test_run_failure_keeps_event(store, records, publisher) -> None:
    event = load_event("record-run-failure-missing-object")
    run = record_run_failure(RunFailureTask.model_validate(event), store=store, records=records, events=publisher)
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("ArtifactMissing: s3://")
    kept = get_json(store, run.details["event_key"])
    assert kept["detail"]["object"]["key"] == "incoming/deleted-before-run.json"


def test_invalid_event_options_reject_file(store, records) -> None:
    trigger = load_event("pim-spec-changed-akeneo")
    trigger["detail"]["options"]["curency"] = trigger["detail"]["options"].pop("currency")
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim", started_at=STARTED)
    result = run_intake(task, store=store, records=records, config=CONFIG)
    assert (result.product_count, result.rejected_count) == (0, 1)
    report = get_json(store, keys.rejected_errors(result.run_id))
    (error,) = report["rejected"][0]["errors"]
    assert error["path"] == "option curency"
    assert error["message"] == "unknown field"


def test_upload_metadata_sets_reader_options(store, records) -> None:
    data = (EXAMPLES / "formats" / "shopify-products-export.csv").read_bytes()
    task = _upload(store, "products_export.csv", data)
    store.user_metadata["incoming/products_export.csv"] = {"currency": "EUR", "mtime": "1700000000"}
    result = run_intake(task, store=store, records=records, config=CONFIG)
    assert (result.product_count, result.rejected_count) == (3, 0)
    run = records.get_run(result.run_id)
    assert run.details["format"] == "shopify-csv"
    assert run.details["dialect"] == {"encoding": "utf-8", "delimiter": "comma", "decimal": "point"}


def test_failure_recorded_when_spec_no_longer_reads(store, records) -> None:
    path = ACCEPTANCE / "gan-charger.json"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    (item,) = get_json(store, result.products_key)
    document = get_json(store, item["spec_key"])
    document["spec"]["weight"]["value"] = None  # what a non-finite number turns into in JSON
    put_json(store, item["spec_key"], document)
    with pytest.raises(ValidationError, match=r"spec\.weight\.value"):
        generate_copy(ProductTask.model_validate(item), store=store, writer=OfflineCopyWriter())

    error = {"Error": "ValidationError", "Cause": '{"errorMessage": "spec.weight.value: Input should be a number"}'}
    outcome = record_product_failure(FailureTask(**item, error=error), store=store, records=records)

    assert outcome.status == ProductStatus.FAILED
    record = records.get_current_product("VL-GAN65-3P")
    assert record.error.startswith("ValidationError: spec.weight.value")
    assert record.spec_hash == item["spec_hash"]
    assert records.claim_spec("VL-GAN65-3P", item["spec_hash"], "a-later-run").run_id == "a-later-run"


def test_summary_records_queued_product_without_outcome(store, records, publisher) -> None:
    _with_brands(store)
    path = ACCEPTANCE / "catalogs" / "spring-drop.csv"
    result = run_intake(_upload(store, path.name, path.read_bytes()), store=store, records=records, config=CONFIG)
    items = get_json(store, result.products_key)
    lost, *finished = items
    for item in finished:
        run_product_steps(store, records, item)

    summary = summarize_run(SummarizeTask(run_id=result.run_id), store=store, records=records, events=publisher)

    assert summary.counts["COMPLETE"] == len(finished)
    assert summary.counts["FAILED"] == 1
    record = records.get_current_product(lost["sku"])
    assert record.status == ProductStatus.FAILED
    assert record.error.startswith("NoOutcomeRecorded:")
    assert records.claim_spec(lost["sku"], lost["spec_hash"], "a-later-run").run_id == "a-later-run"
    document = get_json(store, summary.summary_key)
    assert lost["sku"] in [product["sku"] for product in document["products"]]
    index = store.get_bytes(keys.run_review_index(result.run_id)).decode()
    assert lost["sku"] in index


def test_summed_usage_rows_add_up_to_the_total() -> None:
    usage = [
        Usage(step=step, provider="gemini", model="gemini-2.5-flash", cost_usd=cost)
        for step, cost in (("copy", 0.0000004), ("vision", 0.0000004), ("render", 0.1593274))
    ]

    rows = summed_usage(usage)

    assert total_cost(usage) == 0.159328
    assert round(sum(row.cost_usd for row in rows), 6) == total_cost(usage)
    assert [row.cost_usd for row in rows] == [0.000001, 0.0, 0.159327]


def test_flag_summary_names_each_field_once() -> None:
    def claim_flag(subject: str, fields: list[str]) -> DriftFlag:
        return DriftFlag(
            kind="property_traced",
            title="Claim not in the spec",
            promised=subject,
            measured="no spec field states it",
            where=", ".join(fields),
            values={"fields": fields},
        )

    flags = [
        claim_flag("pvc", ["comparison_bullets[0]", "comparison_bullets[1]"]),
        claim_flag("made in China", ["comparison_bullets[0]"]),
    ]
    report = ConsistencyReport(sku="S", score=0.9, passed=False, checks=[], flags=flags)

    assert flag_summary(report) == ["Claim not in the spec: comparison_bullets[0], comparison_bullets[1]"]

    flags.append(claim_flag("vegan", ["title", "description", "bullets[0]"]))
    report = ConsistencyReport(sku="S", score=0.9, passed=False, checks=[], flags=flags)

    assert flag_summary(report) == ["Claim not in the spec: comparison_bullets[0], comparison_bullets[1] and 3 more"]


def test_flag_summary_groups_flags_of_one_cause() -> None:
    error = "FAILED: ReferencePhotoInvalid: reference photo 'bad.png' is not a usable image"
    flags = [
        DriftFlag(
            kind="reference_photo_decodes",
            title="Reference photo is not an image",
            promised="x",
            measured=error,
            where=job,
        )
        for job in ("packshot", "lifestyle-1")
    ]
    flags += [
        DriftFlag(kind="variant_covered", title="Variant without an image", promised="y", measured="none", where="plan")
    ] * 2
    report = ConsistencyReport(sku="S", score=0.0, passed=False, checks=[], flags=flags)

    assert flag_summary(report) == [
        "Reference photo is not an image: packshot, lifestyle-1 "
        "(ReferencePhotoInvalid: reference photo 'bad.png' is not a usable image)",
        "Variant without an image: plan",
    ]
