"""Akeneo variant products that arrive one at a time update their model's listing instead of replacing it."""

import copy
import json
from pathlib import Path

import pytest
from spec2listing.intake.akeneo import identifier_of
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ProductStatus, RunStatus
from spec2listing.storage.objects import get_json

from tests.support import EXAMPLES, load_event

pytestmark = pytest.mark.integration

PAGE = EXAMPLES / "formats" / "akeneo-products-page.json"
OPTIONS = {"locale": "en_GB", "channel": "ecommerce", "currency": "GBP"}
MODEL = "kr_travel_mug"


def _oat_variant_document(path) -> None:
    """Write a single variant product of the travel mug model, in a colour the page does not have."""
    page = json.loads(PAGE.read_text())
    item = copy.deepcopy(next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SEA"))
    item["identifier"] = "KR-TRV-400-OAT"
    item["values"]["color"] = [{"locale": None, "scope": None, "data": "Oat"}]
    item["values"]["color_hex"] = [{"locale": None, "scope": None, "data": "#D8CBB0"}]
    path.write_text(json.dumps(item))


def _page_item_document(path, identifier: str) -> None:
    """Write one variant product of the page alone, exactly as the page has it."""
    page = json.loads(PAGE.read_text())
    path.write_text(json.dumps(next(item for item in page["_embedded"]["items"] if item["identifier"] == identifier)))


def _disabled_variant_document(path) -> None:
    """Write the slate variant product of the travel mug model, disabled in Akeneo."""
    page = json.loads(PAGE.read_text())
    item = next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SLT")
    path.write_text(json.dumps({**item, "enabled": False}))


def _model_outcome(pipeline, path, metadata):
    (outcome,) = pipeline.wait([pipeline.submit_file(path, metadata)], timeout_seconds=300)
    assert outcome.status == RunStatus.SUCCEEDED.value, outcome.error
    assert outcome.rejections == []
    (product,) = [product for product in outcome.products if product.sku == MODEL]
    assert product.status == ProductStatus.COMPLETE, product.error
    return product


def test_single_variant_product_updates_listing(tmp_path) -> None:
    single = tmp_path / "akeneo-oat.json"
    _oat_variant_document(single)
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, PAGE, OPTIONS)
        repeated = tmp_path / "akeneo-slt.json"
        _page_item_document(repeated, "KR-TRV-400-SLT")
        resent = _model_outcome(pipeline, repeated, OPTIONS)
        product = _model_outcome(pipeline, single, OPTIONS)
        merged = NormalizedProduct.model_validate(get_json(pipeline.store, product.artifacts["spec"]))
        manifest = get_json(pipeline.store, product.artifacts["manifest"])

        disabled = tmp_path / "akeneo-slt-disabled.json"
        _disabled_variant_document(disabled)
        (outcome,) = pipeline.wait([pipeline.submit_file(disabled, OPTIONS)], timeout_seconds=300)
        (slate,) = outcome.rejections
        (product,) = [product for product in outcome.products if product.sku == MODEL]
        without_slate = NormalizedProduct.model_validate(get_json(pipeline.store, product.artifacts["spec"]))

        replaced = _model_outcome(pipeline, single, {**OPTIONS, "variants": "replace"})
        alone = NormalizedProduct.model_validate(get_json(pipeline.store, replaced.artifacts["spec"]))

    assert resent.reused_from is not None
    assert resent.cost_usd == 0
    assert [variant.sku for variant in merged.spec.variants] == ["KR-TRV-400-SEA", "KR-TRV-400-SLT", "KR-TRV-400-OAT"]
    assert merged.kept_variants == ["KR-TRV-400-SEA", "KR-TRV-400-SLT"]
    rendered = {image["job_id"] for image in manifest["images"] if not image["reused"]}
    assert rendered == {"variant-kr-trv-400-oat"}
    assert slate["sku"] == "KR-TRV-400-SLT"
    assert product.status == ProductStatus.COMPLETE, product.error
    assert [variant.sku for variant in without_slate.spec.variants] == ["KR-TRV-400-SEA", "KR-TRV-400-OAT"]
    assert [variant.sku for variant in alone.spec.variants] == ["KR-TRV-400-OAT"]
    assert alone.kept_variants == []


def test_new_size_of_a_colour_joins_its_variant(tmp_path) -> None:
    page = json.loads(PAGE.read_text())
    sea = next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SEA")
    larger = tmp_path / "akeneo-sea-600.json"
    larger.write_text(json.dumps({**sea, "identifier": "KR-TRV-600-SEA"}))
    disabled = tmp_path / "akeneo-sea-600-disabled.json"
    disabled.write_text(json.dumps({**sea, "identifier": "KR-TRV-600-SEA", "enabled": False}))
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, PAGE, OPTIONS)
        grown = _model_outcome(pipeline, larger, OPTIONS)
        two_sizes = NormalizedProduct.model_validate(get_json(pipeline.store, grown.artifacts["spec"]))
        (outcome,) = pipeline.wait([pipeline.submit_file(disabled, OPTIONS)], timeout_seconds=300)
        (product,) = [product for product in outcome.products if product.sku == MODEL]
        one_size = NormalizedProduct.model_validate(get_json(pipeline.store, product.artifacts["spec"]))

    assert [variant.sku for variant in two_sizes.spec.variants] == ["kr_travel_mug-sea-glass", "KR-TRV-400-SLT"]
    assert [identifier_of(item) for item in two_sizes.source_members] == [
        "KR-TRV-400-SEA",
        "KR-TRV-400-SLT",
        "KR-TRV-600-SEA",
    ]
    assert product.status == ProductStatus.COMPLETE, product.error
    assert [variant.sku for variant in one_size.spec.variants] == ["KR-TRV-400-SEA", "KR-TRV-400-SLT"]


def test_dearer_variant_product_kept_for_later_rebuild(tmp_path) -> None:
    page = json.loads(PAGE.read_text())
    sea = copy.deepcopy(next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SEA"))
    sea["values"]["price"][0]["data"][0]["amount"] = "30.00"
    dearer = tmp_path / "akeneo-sea-30.json"
    dearer.write_text(json.dumps(sea))
    disabled = tmp_path / "akeneo-slt-disabled.json"
    _disabled_variant_document(disabled)
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, PAGE, OPTIONS)
        # The listing's price is the lowest, still the slate mug's 28.00, so the spec stays as it was.
        repriced = _model_outcome(pipeline, dearer, OPTIONS)
        stored = NormalizedProduct.model_validate(get_json(pipeline.store, repriced.artifacts["spec"]))
        (outcome,) = pipeline.wait([pipeline.submit_file(disabled, OPTIONS)], timeout_seconds=300)
        (product,) = [product for product in outcome.products if product.sku == MODEL]
        left = NormalizedProduct.model_validate(get_json(pipeline.store, product.artifacts["spec"]))

    assert repriced.reused_from is None
    assert repriced.cost_usd == 0
    assert str(stored.spec.price.amount) == "28.00"
    (stored_sea,) = [item for item in stored.source_members if identifier_of(item) == "KR-TRV-400-SEA"]
    assert stored_sea["values"]["price"][0]["data"][0]["amount"] == "30.00"
    assert [variant.sku for variant in left.spec.variants] == ["KR-TRV-400-SEA"]
    assert str(left.spec.price.amount) == "30.00"


def _pim_event(event_id: str, time: str, document: dict) -> dict:
    """Build the ProductSpecChanged event a PIM sends for an Akeneo document, stamped with its change time."""
    event = load_event("pim-spec-changed-akeneo")
    event.update(id=event_id, time=time)
    event["detail"] = {"source_system": "akeneo", "file_name": f"{event_id}.json", "spec": document, "options": OPTIONS}
    return event


def _listing(pipeline) -> NormalizedProduct:
    listing = pipeline.records.get_listing(MODEL)
    return NormalizedProduct.model_validate(get_json(pipeline.store, listing.artifacts["spec"]))


def test_late_event_is_rejected_not_merged_or_lost(tmp_path) -> None:
    page = json.loads(PAGE.read_text())
    sea = next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SEA")
    oat = copy.deepcopy(sea)
    oat["identifier"] = "KR-TRV-400-OAT"
    oat["values"]["color"] = [{"locale": None, "scope": None, "data": "Oat"}]
    oat["values"]["color_hex"] = [{"locale": None, "scope": None, "data": "#D8CBB0"}]
    events = [
        _pim_event("base", "2026-12-04T09:00:00Z", page),
        _pim_event("sea-600", "2026-12-04T10:00:05Z", {**sea, "identifier": "KR-TRV-600-SEA"}),
        # Changed before the 600 ml size, and delivered after it.
        _pim_event("oat", "2026-12-04T10:00:00Z", oat),
        # The base page again, later: the listing is kept whole, and is current as of this event.
        _pim_event("base-again", "2026-12-04T10:00:10Z", page),
        _pim_event("oat-after-reuse", "2026-12-04T10:00:07Z", oat),
    ]
    outcomes = {}
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        for event in events:
            (outcome,) = pipeline.wait([pipeline.start(Path(event["id"]), "", event)], timeout_seconds=300)
            assert outcome.status == RunStatus.SUCCEEDED.value, outcome.error
            outcomes[event["id"]] = outcome
        listing = _listing(pipeline)

    for late in ("oat", "oat-after-reuse"):
        (rejection,) = outcomes[late].rejections
        assert rejection["sku"] == MODEL
        assert "the document is older than the model's last listing" in rejection["errors"][0]["message"]
    assert [variant.color for variant in listing.spec.variants] == ["Sea Glass", "Slate Grey"]


def test_replaced_model_then_merged_and_all_disabled(tmp_path) -> None:
    page = json.loads(PAGE.read_text())
    model_items = [item for item in page["_embedded"]["items"] if item.get("parent") == MODEL]
    larger = tmp_path / "akeneo-sea-600.json"
    larger.write_text(json.dumps({**model_items[0], "identifier": "KR-TRV-600-SEA"}))
    disabled = tmp_path / "akeneo-all-disabled.json"
    everything = [*model_items, {**model_items[0], "identifier": "KR-TRV-600-SEA"}]
    disabled.write_text(json.dumps({"_embedded": {"items": [{**item, "enabled": False} for item in everything]}}))
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, PAGE, {**OPTIONS, "variants": "replace"})
        replaced = _listing(pipeline)
        _model_outcome(pipeline, larger, OPTIONS)
        merged = _listing(pipeline)
        pipeline.wait([pipeline.submit_file(disabled, OPTIONS)], timeout_seconds=300)
        emptied = _listing(pipeline)

    assert [identifier_of(item) for item in replaced.source_members] == ["KR-TRV-400-SEA", "KR-TRV-400-SLT"]
    assert [variant.sku for variant in merged.spec.variants] == ["kr_travel_mug-sea-glass", "KR-TRV-400-SLT"]
    assert emptied.spec.variants == []


def test_variant_product_not_merged_into_an_unreadable_listing(tmp_path) -> None:
    single = tmp_path / "akeneo-oat.json"
    _oat_variant_document(single)
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, PAGE, OPTIONS)
        listing = pipeline.records.get_listing(MODEL)
        pipeline.store.put_bytes(listing.artifacts["spec"], b"{", "application/json")
        (outcome,) = pipeline.wait([pipeline.submit_file(single, OPTIONS)], timeout_seconds=300)
        last = pipeline.records.get_listing(MODEL)

    (rejection,) = outcome.rejections
    assert rejection["sku"] == MODEL
    (error,) = rejection["errors"]
    assert "cannot be read, so these variant products cannot be merged into it" in error["message"]
    assert last.run_id == listing.run_id


def test_colour_hex_kept_after_donor_disabled(tmp_path) -> None:
    page = json.loads(PAGE.read_text())
    sea = next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-TRV-400-SEA")
    values = {code: entries for code, entries in sea["values"].items() if code != "color_hex"}
    page["_embedded"]["items"].append({**sea, "identifier": "KR-TRV-600-SEA", "values": values})
    both = tmp_path / "akeneo-page.json"
    both.write_text(json.dumps(page))
    disabled = tmp_path / "akeneo-sea-400-disabled.json"
    disabled.write_text(json.dumps({**sea, "enabled": False}))
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        _model_outcome(pipeline, both, OPTIONS)
        (outcome,) = pipeline.wait([pipeline.submit_file(disabled, OPTIONS)], timeout_seconds=300)
        (product,) = [product for product in outcome.products if product.sku == MODEL]
        listing = _listing(pipeline)

    assert product.status == ProductStatus.COMPLETE, product.error
    assert ("KR-TRV-600-SEA", "#7FA9A0") in [(variant.sku, variant.color_hex) for variant in listing.spec.variants]
