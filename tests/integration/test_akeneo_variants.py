"""Akeneo variant products that arrive one at a time update their model's listing instead of replacing it."""

import copy
import json

import pytest
from spec2listing.intake.akeneo import identifier_of
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.records import ProductStatus, RunStatus
from spec2listing.storage.objects import get_json

from tests.support import EXAMPLES

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
