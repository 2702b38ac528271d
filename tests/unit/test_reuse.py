"""Duplicate deliveries, unchanged specs and incremental regeneration, on in-memory storage."""

import io
import json
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob, ImageKind
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ClaimState, ProductRecord, ProductStatus, RunStatus
from spec2listing.models.spec import Money, ProductSpec
from spec2listing.models.tasks import FailureTask, IntakeTask, PipelineConfig, SummarizeTask
from spec2listing.pipeline.incremental import cited_price, copy_decision, image_cache_key
from spec2listing.pipeline.intake import make_run_id, run_intake
from spec2listing.pipeline.outcomes import record_product_failure, summarize_run
from spec2listing.pipeline.reuse import earlier_outcome
from spec2listing.storage import keys
from spec2listing.storage.executions import MemoryExecutions
from spec2listing.storage.objects import get_json
from spec2listing.storage.records import MemoryRecordStore

from tests.support import ACCEPTANCE, ACCEPTANCE_BRANDS, EXAMPLES, load_event, run_product_steps

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
START = datetime(2026, 12, 4, 9, 0, 0, tzinfo=UTC)


class CountingWriter(OfflineCopyWriter):
    """The offline copywriter, counting its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def write(self, spec, brand, *, ledger):
        self.calls.append(spec.sku)
        return super().write(spec, brand, ledger=ledger)


class CountingRenderer(OfflineRenderer):
    """The offline renderer, counting the jobs it draws."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def render(self, job, spec, references, *, ledger):
        self.calls.append(job.job_id)
        return super().render(job, spec, references, ledger=ledger)


class Catalog:
    """Uploads to one in-memory bucket and table, each a new S3 object version, run through every step."""

    def __init__(self, store, records, publisher) -> None:
        self.store = store
        self.records = records
        self.publisher = publisher
        self.writer = CountingWriter()
        self.renderer = CountingRenderer()
        self.uploads = 0
        self.generation: dict[str, str] = {"copy": "offline/offline-template-v1"}

    def trigger(self, name: str, data: bytes) -> dict:
        self.uploads += 1
        key = f"incoming/{name}"
        self.store.put_bytes(key, data, "application/octet-stream")
        trigger = load_event("s3-object-created-spec")
        trigger["id"] = f"event-{self.uploads}"
        trigger["detail"]["bucket"]["name"] = self.store.bucket
        trigger["detail"]["object"]["key"] = key
        trigger["detail"]["object"]["sequencer"] = f"{self.uploads:018X}"
        return trigger

    def intake(self, trigger: dict, execution: str | None = None):
        execution = execution or f"exec-{self.uploads}"
        started = START + timedelta(minutes=self.uploads)
        task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=execution, started_at=started)
        return run_intake(task, store=self.store, records=self.records, config=CONFIG, generation=self.generation)

    def run(self, name: str, data: bytes):
        result = self.intake(self.trigger(name, data))
        for item in get_json(self.store, result.products_key):
            run_product_steps(self.store, self.records, item, writer=self.writer, renderer=self.renderer)
        summarize_run(
            SummarizeTask(run_id=result.run_id), store=self.store, records=self.records, events=self.publisher
        )
        return result

    def manifest(self, run_id: str, sku: str) -> dict:
        return get_json(self.store, keys.product_file(run_id, sku, "manifest.json"))


def _catalog(store, records, publisher) -> Catalog:
    for path in ACCEPTANCE_BRANDS.glob("*.json"):
        store.put_bytes(keys.brand_guide(path.stem), path.read_bytes(), "application/json")
    return Catalog(store, records, publisher)


def _spec(name: str) -> dict:
    return json.loads((ACCEPTANCE / name).read_text())


def _bytes(spec: dict) -> bytes:
    return json.dumps(spec).encode()


# ---------- duplicate deliveries ----------


def test_same_delivery_twice_starts_one_run(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    trigger = catalog.trigger("charger.json", _bytes(_spec("gan-charger.json")))
    first = catalog.intake(trigger, execution="first")
    second = catalog.intake(trigger, execution="second")
    assert first.duplicate_of is None
    assert second.duplicate_of == first.run_id
    assert second.product_count == 0
    assert records.get_run(second.run_id) is None
    assert store.list_keys(keys.run_prefix(second.run_id)) == []


def test_second_s3_event_is_duplicate(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    trigger = catalog.trigger("charger.json", _bytes(_spec("gan-charger.json")))
    first = catalog.intake(trigger, execution="first")
    again = json.loads(json.dumps(trigger))
    again["id"] = "a-new-event-id"
    assert catalog.intake(again, execution="second").duplicate_of == first.run_id


def test_retried_intake_of_same_execution_is_no_duplicate(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    trigger = catalog.trigger("charger.json", _bytes(_spec("gan-charger.json")))
    first = catalog.intake(trigger, execution="same")
    retried = catalog.intake(trigger, execution="same")
    assert retried.duplicate_of is None
    assert retried.run_id == first.run_id


def test_pim_event_redelivered_is_a_duplicate(store, records, publisher) -> None:
    trigger = load_event("pim-spec-changed-akeneo")
    tasks = [
        IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=name, started_at=START)
        for name in ("one", "two")
    ]
    first, second = (run_intake(task, store=store, records=records, config=CONFIG) for task in tasks)
    assert first.product_count == 1
    assert second.duplicate_of == first.run_id


# ---------- unchanged specs ----------


def test_unchanged_upload_reuses_everything_at_no_cost(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = (ACCEPTANCE / "catalogs" / "spring-drop.csv").read_bytes()
    first = catalog.run("spring-drop.csv", data)
    calls = (len(catalog.writer.calls), len(catalog.renderer.calls))
    second = catalog.run("spring-drop.csv", data)

    assert (first.queued_count, first.reused_count) == (5, 0)
    assert (second.queued_count, second.reused_count, second.product_count) == (0, 5, 5)
    assert (len(catalog.writer.calls), len(catalog.renderer.calls)) == calls
    products = records.list_run_products(second.run_id)
    assert {product.reused_from for product in products} == {first.run_id}
    assert all(product.cost_usd == 0 and product.usage == [] for product in products)
    assert [product.status for product in products] == [ProductStatus.COMPLETE] * 5
    summary = get_json(store, keys.run_summary(second.run_id))
    assert summary["reused"] == 5
    assert summary["counts"]["COMPLETE"] == 5


def test_decomposed_accents_are_the_same_spec(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec["name"] = "Café Mug"
    spec["variants"][1]["color"] = "Crème"
    composed = json.dumps(spec, ensure_ascii=False)
    first = catalog.run("mug.json", composed.encode())
    calls = (len(catalog.writer.calls), len(catalog.renderer.calls))

    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    second = catalog.run("mug.json", decomposed.encode())

    assert (len(catalog.writer.calls), len(catalog.renderer.calls)) == calls
    assert records.list_run_products(second.run_id)[0].reused_from == first.run_id


def test_unchanged_product_manifest_says_reused(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("gan-charger.json"))
    first = catalog.run("charger.json", data)
    second = catalog.run("charger.json", data)
    manifest = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert manifest["reuse"]["base_run_id"] == first.run_id
    assert manifest["reuse"]["copy_source"] == "reused"
    assert manifest["reuse"]["images_reused"] == [image["job_id"] for image in manifest["images"]]
    assert manifest["cost_usd"] == 0
    assert manifest["artifacts"]["copy"].startswith(keys.run_prefix(first.run_id))
    assert store.exists(manifest["artifacts"]["review"])


@pytest.mark.parametrize("damage", ["delete", "overwrite"])
@pytest.mark.parametrize("artifact", ["copy", "image", "spec"])
def test_damaged_unchanged_listing_generated_again(store, records, publisher, damage, artifact) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("gan-charger.json"))
    first = catalog.run("charger.json", data)
    manifest = catalog.manifest(first.run_id, "VL-GAN65-3P")
    key = manifest["images"][0]["key"] if artifact == "image" else manifest["artifacts"][artifact]
    assert manifest["sizes"][key] == len(store.get_bytes(key))
    if damage == "delete":
        store.objects.pop(key)
    else:
        store.put_bytes(key, b'{"title": ', "application/octet-stream")

    second = catalog.run("charger.json", data)

    assert (second.queued_count, second.reused_count) == (1, 0)
    regenerated = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert store.exists(regenerated["artifacts"]["copy"])
    assert all(store.exists(image["key"]) for image in regenerated["images"] if image["key"])
    reason = f"{key} is missing" if damage == "delete" else f"{key} has 10 bytes, not the {manifest['sizes'][key]:,}"
    assert regenerated["reuse"]["rebuilt_because"].startswith(reason)
    assert records.get_current_product("VL-GAN65-3P").rebuilt_because == regenerated["reuse"]["rebuilt_because"]
    third = catalog.run("charger.json", data)
    assert third.reused_count == 1
    assert records.list_run_products(third.run_id)[0].rebuilt_because is None


@pytest.mark.parametrize("artifact", ["review", "export", "image_jobs", "consistency"])
def test_listing_missing_sheet_regenerated(store, records, publisher, artifact) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("gan-charger.json"))
    first = catalog.run("charger.json", data)
    manifest = catalog.manifest(first.run_id, "VL-GAN65-3P")
    key = next(iter(manifest["exports"].values())) if artifact == "export" else manifest["artifacts"][artifact]
    store.objects.pop(key)

    second = catalog.run("charger.json", data)

    assert (second.queued_count, second.reused_count) == (1, 0)
    regenerated = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert all(store.exists(regenerated["artifacts"][name]) for name in ("review", "image_jobs", "consistency"))
    assert all(store.exists(key) for key in regenerated["exports"].values())


def test_edited_copy_not_carried_on(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("gan-charger.json"))
    first = catalog.run("charger.json", data)
    copy_key = catalog.manifest(first.run_id, "VL-GAN65-3P")["artifacts"]["copy"]
    edited = ProductCopy.model_validate(get_json(store, copy_key)).model_copy(update={"title": "Edited by hand"})
    store.put_bytes(copy_key, edited.model_dump_json().encode(), "application/json")
    copies = len(catalog.writer.calls)

    second = catalog.run("charger.json", data)

    assert (second.queued_count, second.reused_count) == (1, 0)
    assert len(catalog.writer.calls) == copies + 1
    manifest = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert manifest["reuse"]["copy_source"] != "reused"
    assert "is not the one its run wrote" in manifest["reuse"]["copy_reason"]
    assert get_json(store, manifest["artifacts"]["copy"])["title"] != "Edited by hand"


def test_other_copy_model_generates_again(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("gan-charger.json"))
    catalog.run("charger.json", data)
    copies = len(catalog.writer.calls)
    catalog.generation = {"copy": "gemini/gemini-2.5-flash"}
    second = catalog.run("charger.json", data)
    assert (second.queued_count, second.reused_count) == (1, 0)
    assert len(catalog.writer.calls) == copies + 1
    manifest = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert manifest["reuse"]["copy_source"] != "reused"
    assert "copy_writer" in manifest["reuse"]["changed_fields"]


def test_spec_changed_back_reuses_the_earlier_listing(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("crescent-pendant.json")
    first = catalog.run("pendant.json", _bytes(spec))
    changed = dict(spec, summary="A new summary line.")
    catalog.run("pendant.json", _bytes(changed))
    calls = len(catalog.writer.calls)
    back = catalog.run("pendant.json", _bytes(spec))
    assert back.reused_count == 1
    assert len(catalog.writer.calls) == calls
    (product,) = records.list_run_products(back.run_id)
    assert product.reused_from == first.run_id


def test_failed_product_generated_again_on_reupload(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("crescent-pendant.json"))
    first = catalog.intake(catalog.trigger("pendant.json", data))
    (item,) = get_json(store, first.products_key)
    error = {"Error": "ProviderUnavailable", "Cause": '{"errorMessage": "503"}'}
    record_product_failure(FailureTask(**item, error=error), store=store, records=records)
    again = catalog.intake(catalog.trigger("pendant.json", data))
    assert (again.queued_count, again.reused_count) == (1, 0)


def test_claim_of_an_ended_run_is_taken_over(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("crescent-pendant.json"))
    first = catalog.intake(catalog.trigger("pendant.json", data))
    second = catalog.intake(catalog.trigger("pendant.json", data))
    assert second.queued_count == 1
    claim = records.claim_spec("SEL-CRS-PND", first_hash(store, first), "someone-else")
    assert claim.run_id == first.run_id

    ended = records.get_run(first.run_id).model_copy(update={"status": RunStatus.FAILED})
    records.put_run(ended)
    third = catalog.intake(catalog.trigger("pendant.json", data))
    assert records.claim_spec("SEL-CRS-PND", first_hash(store, first), "someone-else").run_id == third.run_id


def test_claim_of_a_stopped_execution_is_taken_over(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("crescent-pendant.json"))
    first = catalog.intake(catalog.trigger("pendant.json", data))
    stopped = records.get_run(first.run_id).model_copy(update={"execution_id": "arn:stopped"})
    records.put_run(stopped)
    executions = MemoryExecutions()
    executions.end("arn:stopped")
    product = NormalizedProduct.model_validate(get_json(store, get_json(store, first.products_key)[0]["spec_key"]))

    assert earlier_outcome(product, run_id="next-run", records=records, executions=executions) is None
    assert records.claim_spec(product.spec.sku, product.spec_hash, "someone-else").run_id == "next-run"


def test_claim_of_a_running_execution_stays(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = _bytes(_spec("crescent-pendant.json"))
    first = catalog.intake(catalog.trigger("pendant.json", data))
    product = NormalizedProduct.model_validate(get_json(store, get_json(store, first.products_key)[0]["spec_key"]))

    assert earlier_outcome(product, run_id="next-run", records=records, executions=MemoryExecutions()) is None
    assert records.claim_spec(product.spec.sku, product.spec_hash, "someone-else").run_id == first.run_id


def first_hash(store, result) -> str:
    (item,) = get_json(store, result.products_key)
    return get_json(store, item["spec_key"])["spec_hash"]


def test_listing_not_replaced_by_an_earlier_run(records) -> None:
    newer = ProductRecord(
        sku="A-1",
        run_id="20261204T100000Z-aaaaaaaa",
        status=ProductStatus.COMPLETE,
        spec_hash="n",
        finished_at=START + timedelta(hours=1),
    )
    older = newer.model_copy(update={"run_id": "20261204T090000Z-bbbbbbbb", "spec_hash": "o", "finished_at": START})
    assert records.put_listing(newer, as_of=newer)
    assert not records.put_listing(older, as_of=older)
    assert records.get_listing("A-1").spec_hash == "n"


def test_same_second_runs_agree_on_latest(records) -> None:
    # Both runs started in the same second; the one whose hash suffix sorts first finished last.
    first = ProductRecord(
        sku="A-1",
        run_id="20261204T100000Z-ffffffff",
        status=ProductStatus.COMPLETE,
        spec_hash="first",
        finished_at=START + timedelta(seconds=5),
    )
    last = first.model_copy(
        update={"run_id": "20261204T100000Z-00000000", "spec_hash": "last", "finished_at": START + timedelta(seconds=6)}
    )
    for written in ([first, last], [last, first]):
        store = MemoryRecordStore()
        for record in written:
            store.put_product(record)
            store.put_listing(record, as_of=record)
        assert store.get_current_product("A-1").run_id == last.run_id
        assert store.get_listing("A-1").run_id == last.run_id


def test_claims_settle_only_for_their_run(records) -> None:
    claim = records.claim_spec("A-1", "h", "run-1")
    assert claim.state == ClaimState.PENDING
    assert records.claim_spec("A-1", "h", "run-2").run_id == "run-1"
    other = ProductRecord(sku="A-1", run_id="run-2", status=ProductStatus.COMPLETE, spec_hash="h")
    assert not records.settle_spec(other, ClaimState.DONE)
    own = other.model_copy(update={"run_id": "run-1"})
    assert records.settle_spec(own, ClaimState.RETRY)
    assert records.claim_spec("A-1", "h", "run-2").run_id == "run-2"


# ---------- incremental regeneration ----------


def test_price_change_regenerates_citing_copy(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("gan-charger.json")
    first = catalog.run("charger.json", _bytes(spec))
    copy_calls, render_calls = len(catalog.writer.calls), len(catalog.renderer.calls)

    spec["price"]["amount"] = 42.99
    second = catalog.run("charger.json", _bytes(spec))
    assert len(catalog.writer.calls) == copy_calls + 1
    assert len(catalog.renderer.calls) == render_calls
    manifest = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert manifest["reuse"]["base_run_id"] == first.run_id
    assert manifest["reuse"]["changed_fields"] == ["price"]
    assert manifest["reuse"]["copy_source"] == "generated"
    assert "cites the old price (45.99" in manifest["reuse"]["copy_reason"]
    assert manifest["reuse"]["images_generated"] == []
    assert all(image["reused"] for image in manifest["images"])
    listing = ProductCopy.model_validate(get_json(store, manifest["artifacts"]["copy"]))
    assert any("42.99" in line for line in listing.comparison_bullets)


def test_price_change_keeps_uncited_copy(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("crescent-pendant.json")
    catalog.run("pendant.json", _bytes(spec))
    calls = (len(catalog.writer.calls), len(catalog.renderer.calls))
    spec["price"]["amount"] = 95
    second = catalog.run("pendant.json", _bytes(spec))
    assert (len(catalog.writer.calls), len(catalog.renderer.calls)) == calls
    manifest = catalog.manifest(second.run_id, "SEL-CRS-PND")
    assert manifest["reuse"]["copy_source"] == "reused"
    assert manifest["status"] == "COMPLETE"


@pytest.mark.parametrize("amounts", [(89.0, 89, "89.00"), ("89.00", 89.0, "89")], ids=["number-first", "text-first"])
def test_price_rewritten_same_value_reuses(store, records, publisher, amounts) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("crescent-pendant.json")
    first_amount, *rewritten = amounts
    spec["price"]["amount"] = first_amount
    first = catalog.run("pendant.json", _bytes(spec))
    calls = (len(catalog.writer.calls), len(catalog.renderer.calls))

    for amount in rewritten:
        spec["price"]["amount"] = amount
        again = catalog.run("pendant.json", _bytes(spec))
        assert (again.queued_count, again.reused_count) == (0, 1), amount
        (product,) = records.list_run_products(again.run_id)
        assert product.reused_from == first.run_id, amount
    assert (len(catalog.writer.calls), len(catalog.renderer.calls)) == calls


def test_csv_price_rewritten_same_value_reuses(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    data = (ACCEPTANCE / "catalogs" / "spring-drop.csv").read_bytes()
    assert b",18.00,USD," in data
    catalog.run("spring-drop.csv", data)

    again = catalog.run("spring-drop.csv", data.replace(b",18.00,USD,", b",18,USD,"))
    assert (again.queued_count, again.reused_count) == (0, 5)


def test_price_rewritten_is_no_changed_field(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("crescent-pendant.json")
    spec["price"]["amount"] = 89.0
    catalog.run("pendant.json", _bytes(spec))

    changed = dict(spec, summary="A new summary line.", price={"amount": "89.00", "currency": "USD"})
    second = catalog.run("pendant.json", _bytes(changed))
    manifest = catalog.manifest(second.run_id, "SEL-CRS-PND")
    assert manifest["reuse"]["changed_fields"] == ["summary"]


def test_failed_image_rendered_again_on_change(store, records, publisher) -> None:
    class OnceWrongColour(CountingRenderer):
        """Draws the variant images in grey the first time."""

        def render(self, job, spec, references, *, ledger):
            if job.kind == ImageKind.VARIANT and job.job_id not in self.calls:
                self.calls.append(job.job_id)
                return OfflineRenderer.render(
                    self, job.model_copy(update={"color_hex": "#808080"}), spec, [], ledger=ledger
                )
            return super().render(job, spec, references, ledger=ledger)

    catalog = _catalog(store, records, publisher)
    catalog.renderer = OnceWrongColour()
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    first = catalog.run("mug.json", _bytes(spec))
    variant_jobs = sorted(job for job in catalog.renderer.calls if job.startswith("variant-"))
    assert len(variant_jobs) == 2
    assert records.list_run_products(first.run_id)[0].status == ProductStatus.NEEDS_REVIEW
    rendered = len(catalog.renderer.calls)

    spec["price"]["amount"] = 31
    second = catalog.run("mug.json", _bytes(spec))

    assert sorted(catalog.renderer.calls[rendered:]) == variant_jobs
    assert sorted(catalog.manifest(second.run_id, "KR-MUG-350")["reuse"]["images_generated"]) == variant_jobs
    assert records.list_run_products(second.run_id)[0].status == ProductStatus.COMPLETE
    # The new render replaced the cache entry, so the next change renders nothing.
    rendered = len(catalog.renderer.calls)
    spec["price"]["amount"] = 32
    catalog.run("mug.json", _bytes(spec))
    assert catalog.renderer.calls[rendered:] == []


def test_new_colour_variant_renders_only_its_image(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    catalog.run("mug.json", _bytes(spec))
    rendered = len(catalog.renderer.calls)
    spec["variants"].append({"sku": "KR-MUG-350-MOSS", "color": "Moss", "color_hex": "#5B6B3A"})
    second = catalog.run("mug.json", _bytes(spec))
    assert catalog.renderer.calls[rendered:] == ["variant-kr-mug-350-moss"]
    manifest = catalog.manifest(second.run_id, "KR-MUG-350")
    assert manifest["reuse"]["images_generated"] == ["variant-kr-mug-350-moss"]
    assert manifest["reuse"]["copy_source"] == "generated"
    assert len(manifest["reuse"]["images_reused"]) == len(manifest["images"]) - 1
    assert store.exists(keys.product_image(second.run_id, "KR-MUG-350", "packshot"))


def test_image_settings_change_is_named_and_keeps_copy(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("gan-charger.json")
    catalog.generation["images"] = "offline/offline-pillow/1024x1024/1536x1024/medium/png"
    first = catalog.run("charger.json", _bytes(spec))
    calls = len(catalog.writer.calls)

    catalog.generation["images"] = "offline/offline-pillow/1024x1024/1536x1024/low/png"
    second = catalog.run("charger.json", _bytes(spec))

    reuse = catalog.manifest(second.run_id, "VL-GAN65-3P")["reuse"]
    assert reuse["base_run_id"] == first.run_id
    assert reuse["changed_fields"] == ["image_settings"]
    assert reuse["copy_source"] == "reused"
    assert reuse["copy_reason"] == "the copy does not depend on what changed (image_settings)"
    assert len(catalog.writer.calls) == calls


def test_unreadable_report_counts_as_flagged_copy(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("crescent-pendant.json")
    first = catalog.run("pendant.json", _bytes(spec))
    (record,) = records.list_run_products(first.run_id)
    store.put_bytes(record.artifacts["consistency"], b"", "application/json")

    spec["price"]["amount"] = 95
    second = catalog.run("pendant.json", _bytes(spec))

    reuse = catalog.manifest(second.run_id, "SEL-CRS-PND")["reuse"]
    assert reuse["copy_source"] == "generated"
    assert reuse["copy_reason"] == "the last listing's copy was flagged: its consistency report cannot be read"


def _encoded(size: tuple[int, int], image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        b"\x89PNG\r\n\x1a\n cut short",
        _encoded((1024, 1024), "JPEG"),
        _encoded((1000, 1000), "PNG"),
    ],
    ids=["truncated", "jpeg-as-png", "wrong-size"],
)
def test_damaged_cached_image_is_rendered_again(store, records, publisher, damage) -> None:
    catalog = _catalog(store, records, publisher)
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    first = catalog.run("mug.json", _bytes(spec))
    packshot = next(
        image for image in catalog.manifest(first.run_id, "KR-MUG-350")["images"] if image["job_id"] == "packshot"
    )
    cache_key = keys.image_cache(packshot["cache_key"])
    store.put_bytes(cache_key, damage, "image/png")
    rendered = len(catalog.renderer.calls)

    spec["summary"] = "A mug thrown for slow mornings."
    second = catalog.run("mug.json", _bytes(spec))

    assert catalog.renderer.calls[rendered:] == ["packshot"]
    (product,) = records.list_run_products(second.run_id)
    assert product.status == ProductStatus.COMPLETE
    with Image.open(io.BytesIO(store.get_bytes(cache_key))) as replaced:
        assert (replaced.format, replaced.size) == ("PNG", (1024, 1024))


@pytest.mark.parametrize("artifact", ["manifest", "spec", "copy"])
def test_damaged_earlier_listing_is_generated_again(store, records, publisher, artifact) -> None:
    catalog = _catalog(store, records, publisher)
    data = (ACCEPTANCE / "catalogs" / "spring-drop.csv").read_bytes()
    first = catalog.run("spring-drop.csv", data)
    products = {record.sku: record for record in records.list_run_products(first.run_id)}
    damaged = products.pop("NP-HKS-01")
    healthy = list(products)
    store.put_bytes(damaged.artifacts[artifact], b'{"sku": "cut short', "application/json")
    calls = len(catalog.writer.calls)

    if artifact == "manifest":
        second = catalog.run("spring-drop.csv", data)
    else:
        # The spec and copy of the last listing are read only for a changed spec; the damaged product's rows
        # are among those priced in USD.
        second = catalog.run("spring-drop.csv", data.replace(b",USD,", b",EUR,"))

    products = {record.sku: record for record in records.list_run_products(second.run_id)}
    assert len(products) == 1 + len(healthy)
    assert {record.status for record in products.values()} == {ProductStatus.COMPLETE}
    assert products[damaged.sku].reused_from is None
    if artifact == "manifest":
        # Only the damaged product runs again, and its copy and images still come from the earlier run.
        assert (second.queued_count, second.reused_count) == (1, len(healthy))
        assert catalog.writer.calls[calls:] == []
    else:
        assert damaged.sku in catalog.writer.calls[calls:]
    manifest = catalog.manifest(second.run_id, damaged.sku)
    assert manifest["reuse"]["copy_source"] == ("reused" if artifact == "manifest" else "generated")
    reasons = {
        "manifest": "the spec is unchanged",
        "spec": "no completed listing of the sku whose spec can be read",
        "copy": "the last listing's spec or copy cannot be read: ",
    }
    assert manifest["reuse"]["copy_reason"].startswith(reasons[artifact])


def _invent_weight(listing) -> None:
    listing.description += " It weighs 999 g."


def _drop_anchors(listing) -> None:
    listing.visual_anchors = []


@pytest.mark.parametrize("damage", [_invent_weight, _drop_anchors], ids=["claim", "coverage"])
def test_flagged_copy_is_written_again_on_a_change(store, records, publisher, damage) -> None:
    class DamagingWriter(CountingWriter):
        """Writes copy that its checks flag (an invented weight, no anchors), on its first call only."""

        def write(self, spec, brand, *, ledger):
            draft = super().write(spec, brand, ledger=ledger)
            if len(self.calls) == 1:
                damage(draft.listing)
            return draft

    catalog = _catalog(store, records, publisher)
    catalog.writer = DamagingWriter()
    spec = _spec("crescent-pendant.json")
    first = catalog.run("pendant.json", _bytes(spec))
    assert records.list_run_products(first.run_id)[0].status == ProductStatus.NEEDS_REVIEW
    # An unchanged upload keeps the flagged listing; its files stay in the first run's folder.
    unchanged = catalog.run("pendant.json", _bytes(spec))
    assert records.list_run_products(unchanged.run_id)[0].reused_from == first.run_id

    spec["price"]["amount"] = 95
    second = catalog.run("pendant.json", _bytes(spec))

    assert len(catalog.writer.calls) == 2
    reuse = catalog.manifest(second.run_id, "SEL-CRS-PND")["reuse"]
    assert reuse["copy_source"] == "generated"
    assert reuse["copy_reason"].startswith("the last listing's copy was flagged: ")
    assert records.list_run_products(second.run_id)[0].status == ProductStatus.COMPLETE


def _png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_replaced_reference_photo_renders_again(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = dict(_spec("crescent-pendant.json"), reference_photos=["front.png"])
    photo_key = keys.staged_reference_photo("SEL-CRS-PND", "front.png")
    store.put_bytes(photo_key, _png("red"), "image/png")
    first = catalog.run("pendant.json", _bytes(spec))
    copies, renders = len(catalog.writer.calls), len(catalog.renderer.calls)

    store.put_bytes(photo_key, _png("blue"), "image/png")
    second = catalog.run("pendant.json", _bytes(spec))

    assert (second.queued_count, second.reused_count) == (1, 0)
    manifest = catalog.manifest(second.run_id, "SEL-CRS-PND")
    job_ids = [image["job_id"] for image in manifest["images"]]
    assert manifest["reuse"]["base_run_id"] == first.run_id
    assert manifest["reuse"]["changed_fields"] == ["reference_photos"]
    assert manifest["reuse"]["copy_source"] == "reused"
    assert manifest["reuse"]["images_generated"] == job_ids
    assert len(catalog.writer.calls) == copies
    assert catalog.renderer.calls[renders:] == job_ids


def test_same_reference_photo_uploaded_again_reuses(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = dict(_spec("crescent-pendant.json"), reference_photos=["front.png"])
    photo_key = keys.staged_reference_photo("SEL-CRS-PND", "front.png")
    store.put_bytes(photo_key, _png("red"), "image/png")
    catalog.run("pendant.json", _bytes(spec))

    store.put_bytes(photo_key, _png("red"), "image/png")
    again = catalog.run("pendant.json", _bytes(spec))

    assert (again.queued_count, again.reused_count) == (0, 1)


def test_brand_guide_change_regenerates_copy(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    spec = _spec("trail-runner.json")
    catalog.run("runner.json", _bytes(spec))
    guide = json.loads((ACCEPTANCE_BRANDS / "northpeak.json").read_text())
    guide["voice"]["banned_phrases"] = [*guide["voice"].get("banned_phrases", []), "cushioned"]
    store.put_bytes(keys.brand_guide("northpeak"), json.dumps(guide).encode(), "application/json")
    calls = len(catalog.writer.calls)
    second = catalog.run("runner.json", _bytes(spec))
    assert second.queued_count == 1
    assert len(catalog.writer.calls) == calls + 1
    manifest = catalog.manifest(second.run_id, spec["sku"])
    assert manifest["reuse"]["changed_fields"] == ["brand_guide"]


# ---------- keys ----------


def _job(**changes) -> ImageJob:
    fields = {"job_id": "packshot", "kind": ImageKind.PACKSHOT, "prompt": "A mug", "backdrop": "white"}
    return ImageJob(**{**fields, **changes})


def test_category_moved_keeps_live_images(store, records, publisher) -> None:
    catalog = _catalog(store, records, publisher)
    catalog.renderer.draws_category = False
    spec = _spec("gan-charger.json")
    catalog.run("charger.json", _bytes(spec))
    rendered = len(catalog.renderer.calls)
    # The taxonomy moved the category; the prompts name only its last level, which stays "Chargers".
    second = catalog.run("charger.json", _bytes({**spec, "category": "Electronics > Power > Chargers"}))

    assert catalog.renderer.calls[rendered:] == []
    manifest = catalog.manifest(second.run_id, "VL-GAN65-3P")
    assert manifest["reuse"]["changed_fields"] == ["category"]
    assert manifest["reuse"]["images_generated"] == []

    third = catalog.run("charger.json", _bytes({**spec, "category": "Electronics > Power > Wall Chargers"}))
    assert catalog.manifest(third.run_id, "VL-GAN65-3P")["reuse"]["images_reused"] == []


def test_image_cache_key_inputs() -> None:
    base = image_cache_key("gpt-image-2", _job(), [b"photo"], "Mugs")
    assert image_cache_key("gpt-image-2", _job(job_id="other", platforms=["amazon"]), [b"photo"], "Mugs") == base
    variations = [
        image_cache_key("gpt-image-1", _job(), [b"photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(prompt="A cup"), [b"photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(size="1536x1024"), [b"photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(quality="high"), [b"photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(), [b"other photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(), [], "Mugs"),
        image_cache_key("gpt-image-2", _job(background="transparent"), [b"photo"], "Mugs"),
        image_cache_key("gpt-image-2", _job(), [b"photo"], "Mugs", output_format="jpeg"),
        image_cache_key("gpt-image-2", _job(), [b"photo"], "Mugs", output_format="webp"),
    ]
    assert len({base, *variations}) == len(variations) + 1


def test_png_image_cache_key_unchanged() -> None:
    # The key a PNG image was cached under before the output format was part of the key.
    key = image_cache_key("gpt-image-2", _job(), [b"photo"], "Mugs", output_format="png")
    assert key == "f7e8104e28965245d493eda00297429317f622ad3cfaa459753871f7b6bbab83"


def test_cited_price_finds_amounts_not_lookalikes() -> None:
    def copy(text: str) -> ProductCopy:
        return ProductCopy(title="T", short_description="S", description=text, bullets=[])

    price = Money(amount=Decimal("45.99"), currency="USD")
    assert cited_price(copy("Now 45.99 USD."), price) == "45.99 USD"
    assert cited_price(copy("Now 45,99 USD."), price) == "45,99 USD"
    assert cited_price(copy("Rated 145.99 W and 45.991 mm."), price) is None
    whole = Money(amount=Decimal("24"), currency="GBP")
    assert cited_price(copy("Only £24 today"), whole) == "£24"
    assert cited_price(copy("Costs 24 GBP"), whole) == "24 GBP"
    assert cited_price(copy("Keeps drinks hot for 24 hours"), whole) is None


def _text_copy(text: str) -> ProductCopy:
    return ProductCopy(title="T", short_description="S", description=text, bullets=[])


@pytest.mark.parametrize(
    ("text", "amount", "currency", "cited"),
    [
        ("Yours for $1,299.00.", "1299", "USD", "$1,299.00"),
        ("Now only $1,299", "1299", "USD", "$1,299"),
        ("Jetzt 1.299,00 €", "1299", "EUR", "1.299,00 €"),
        ("Jetzt 1.299 €", "1299", "EUR", "1.299 €"),
        ("Priced at 1 299 kr", "1299", "SEK", "1 299 kr"),
        ("Nu 1\u202f299,00\u00a0kr", "1299", "SEK", "1\u202f299,00\u00a0kr"),
        ("CHF 1'299.\u2013 inklusive", "1299", "CHF", "CHF 1'299.\u2013"),
        ("Just $45.9", "45.90", "USD", "$45.9"),
        ("Only 45.99 USD", "45.99", "USD", "45.99 USD"),
        ("Yours for 30 €", "30", "EUR", "30 €"),
        ("only €30!", "30", "EUR", "€30"),
        ("Now EUR 1,299.50", "1299.50", "EUR", "EUR 1,299.50"),
        ("A 1,299 mAh cell", "1299", "USD", "1,299"),
        ("179 euros against 89 euros", "179", "EUR", "179 euros"),
        ("Only ₹1,29,900", "129900", "INR", "₹1,29,900"),
        ("Rs. 1,29,900 only", "129900", "INR", "Rs. 1,29,900"),
        ("Nu 1\u2009299 kr", "1299", "SEK", "1\u2009299 kr"),
        ("Nur 119,- im Set", "119", "EUR", "119,-"),
        ("Twenty? No: 20 Dollars", "20", "USD", "20 Dollars"),
        ("Only 12.3456 EUR against 9.9999 EUR", "12.3456", "EUR", "12.3456 EUR"),
        ("Only 19.995 EUR", "19.995", "EUR", "19.995 EUR"),
        ("Only 1234.567 EUR", "1234.567", "EUR", "1234.567 EUR"),
        ("\u4eca\u3060\u3051\uff12\uff0c\uff11\uff10\uff10\u5186", "2100", "JPY", "2,100\u5186"),
        ("\u53ea\u8981 199\u5143", "199", "CNY", "199\u5143"),
        ("\uffe52,100", "2100", "JPY", "\u00a52,100"),
    ],
)
def test_cited_price_reads_written_forms(text: str, amount: str, currency: str, cited: str) -> None:
    price = Money(amount=Decimal(amount), currency=currency)
    assert cited_price(_text_copy(text), price) == cited


@pytest.mark.parametrize(
    "text",
    ["Firmware v1.2.3 and 45.991 mm", "Keeps drinks hot for 1299 hours", "Rated 145.99 W", "Pack of 12"],
)
def test_cited_price_ignores_other_numbers(text: str) -> None:
    assert cited_price(_text_copy(text), Money(amount=Decimal("1299"), currency="USD")) is None
    assert cited_price(_text_copy(text), Money(amount=Decimal("45.99"), currency="USD")) is None


def test_copy_decision_regenerates_any_stated_price() -> None:
    old_spec = ProductSpec.model_validate(_spec("gan-charger.json"))
    grouped = copy_decision(
        ["price"],
        old_spec.model_copy(update={"price": Money(amount=Decimal("1299"), currency="USD")}),
        _text_copy("Yours for $1,299.00."),
    )
    assert not grouped.reuse
    assert "$1,299.00" in grouped.reason
    other = copy_decision(["price"], old_spec, _text_copy("Free shipping over $50"))
    assert not other.reuse
    assert "$50" in other.reason
    plain = copy_decision(["price"], old_spec, _text_copy("Keeps coffee hot for 2 hours."))
    assert plain.reuse
    whole = old_spec.model_copy(update={"price": Money(amount=Decimal("179"), currency="EUR")})
    bare = copy_decision(["price"], whole, _text_copy("Yours for 179 today."))
    assert not bare.reuse
    assert bare.reason == "the copy has the number 179, which may be the old price"
    weight = copy_decision(["price"], whole, _text_copy("Weighs 5 pounds."))
    assert weight.reuse


def test_copy_decision_keeps_copy_of_unchanged_spec() -> None:
    old_spec = ProductSpec.model_validate(_spec("gan-charger.json"))
    decision = copy_decision([], old_spec, _text_copy("Yours for $45.99."))
    assert decision.reuse
    assert decision.reason == "the spec is unchanged"


def test_run_ids_sort_by_start_time() -> None:
    earlier = make_run_id(START, "b")
    later = make_run_id(START + timedelta(seconds=1), "a")
    assert earlier < later


def _recoded(spec: ProductSpec, **changes: str) -> ProductSpec:
    variants = [spec.variants[0].model_copy(update=changes), *spec.variants[1:]]
    return spec.model_copy(update={"variants": variants})


def test_copy_kept_when_only_variant_codes_change() -> None:
    old_spec = ProductSpec.model_validate(_spec("gan-charger.json"))
    listing = _text_copy("Comes in " + " and ".join(variant.color for variant in old_spec.variants) + ".")

    recoded = copy_decision(["variants"], old_spec, listing, new_spec=_recoded(old_spec, color_hex="#123456"))
    renamed = copy_decision(["variants"], old_spec, listing, new_spec=_recoded(old_spec, sku="GAN-NEW-SKU"))
    recoloured = copy_decision(["variants"], old_spec, listing, new_spec=_recoded(old_spec, color="Teal"))

    assert recoded.reuse
    assert recoded.reason == "the copy does not depend on what changed (variant colour codes or SKUs)"
    assert renamed.reuse
    assert not recoloured.reuse


def test_copy_rewritten_when_it_writes_the_old_hex() -> None:
    old_spec = ProductSpec.model_validate(_spec("gan-charger.json"))
    listing = _text_copy(f"Finished in {old_spec.variants[0].color_hex}.")

    decision = copy_decision(["variants"], old_spec, listing, new_spec=_recoded(old_spec, color_hex="#123456"))

    assert not decision.reuse
    assert decision.reason == "the copy depends on changed variants"
