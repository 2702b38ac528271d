"""Intake over whole documents: a sku defined twice, brand guides per product, one outcome per sku."""

import json
import re
from datetime import UTC, datetime

import pytest
from spec2listing.errors import InvalidSpec
from spec2listing.models.records import ProductStatus
from spec2listing.models.tasks import IntakeTask, PipelineConfig
from spec2listing.pipeline.intake import run_intake
from spec2listing.storage import keys
from spec2listing.storage.objects import get_json

from tests.support import EXAMPLES, load_event

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
STARTED = datetime(2026, 12, 4, 10, 5, tzinfo=UTC)


def _spec(sku: str, **changes) -> dict:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec.pop("reference_photos", None)
    spec.update(sku=sku, **changes)
    return spec


def _pim_event(spec) -> IntakeTask:
    trigger = load_event("pim-spec-changed-inline")
    trigger["detail"]["spec"] = spec
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim", started_at=STARTED)


def _report(store, result) -> dict:
    return get_json(store, keys.rejected_errors(result.run_id))


def test_json_conflict_publishes_neither(store, records) -> None:
    first = _spec("DUP-1")
    second = _spec("DUP-1", price={"amount": 99.0, "currency": "GBP"})
    result = run_intake(_pim_event([first, second]), store=store, records=records, config=CONFIG)

    assert (result.product_count, result.rejected_count) == (0, 1)
    (rejection,) = _report(store, result)["rejected"]
    assert rejection["sku"] == "DUP-1"
    assert [error["path"] for error in rejection["errors"]] == ["[0].sku", "[1].sku"]
    assert rejection["errors"][0]["message"] == "the sku is also defined at [1] with different content"
    assert records.get_current_product("DUP-1").status == ProductStatus.REJECTED
    assert [record.sku for record in records.list_run_products(result.run_id)] == ["DUP-1"]


def test_valid_copy_of_invalid_sku_rejected(store, records) -> None:
    good = _spec("DUP-2")
    bad = _spec("DUP-2", price={"amount": "free", "currency": "GBP"})
    result = run_intake(_pim_event({"products": [good, bad]}), store=store, records=records, config=CONFIG)

    assert (result.product_count, result.rejected_count) == (0, 1)
    (rejection,) = _report(store, result)["rejected"]
    paths = [error["path"] for error in rejection["errors"]]
    assert paths == ["products[1].price.amount", "products[0].sku"]
    assert rejection["errors"][1]["message"] == (
        "the sku is also defined at products[1] (rejected) with different content"
    )


def test_conflict_leaves_other_products(store, records) -> None:
    document = [_spec("DUP-3"), _spec("KEEP-1"), _spec("DUP-3", name="Other mug")]
    result = run_intake(_pim_event(document), store=store, records=records, config=CONFIG)
    assert (result.product_count, result.rejected_count) == (1, 1)
    assert [item["sku"] for item in get_json(store, result.products_key)] == ["KEEP-1"]


def test_brand_guide_error_names_product_index(store, records) -> None:
    document = [_spec("BRAND-1"), _spec("BRAND-2", brand_guide="no-such-guide")]
    result = run_intake(_pim_event(document), store=store, records=records, config=CONFIG)
    (rejection,) = _report(store, result)["rejected"]
    (error,) = rejection["errors"]
    assert error["path"] == "[1].brand_guide"
    assert "brands/no-such-guide.json" in error["message"]


def test_brand_guide_error_names_csv_row(store, records) -> None:
    store.put_bytes(
        "incoming/mugs.csv",
        b"sku,name,brand,category,price,currency,brand_guide\nM-1,Mug,Acme,Kitchen,9.00,EUR,missing\n",
        "text/csv",
    )
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = "incoming/mugs.csv"
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="csv", started_at=STARTED)
    result = run_intake(task, store=store, records=records, config=CONFIG)
    (rejection,) = _report(store, result)["rejected"]
    assert rejection["errors"][0]["path"] == "row 2, column brand_guide"


def test_whole_file_rejection_origin_plain(store, records) -> None:
    result = run_intake(_pim_event([]), store=store, records=records, config=CONFIG)
    (rejection,) = _report(store, result)["rejected"]
    assert rejection["origin"] == "file"


def test_inline_spec_ignores_file_encoding_option(store, records) -> None:
    # A PIM that names the encoding of its exported files sends the same options with an inline document.
    task = _pim_event(_spec("ENC-1", name="Tasse grün"))
    task.trigger["detail"]["options"] = {"encoding": "utf-16"}

    result = run_intake(task, store=store, records=records, config=CONFIG)

    assert (result.product_count, result.rejected_count) == (1, 0)


@pytest.mark.parametrize("event_id", ["../../runs/x", "bell\u0007", "a" * 300])
def test_unsafe_event_id_is_hashed(store, records, event_id) -> None:
    task = _pim_event(_spec("ID-1"))
    task.trigger["id"] = event_id
    task.trigger["detail"].pop("file_name", None)  # the inline file is then named after the event

    result = run_intake(task, store=store, records=records, config=CONFIG)

    assert result.product_count == 1
    file_name = records.get_run(result.run_id).details["file"]
    assert re.fullmatch(r"pim-[0-9a-f]{16}\.json", file_name)
    assert store.exists(keys.run_input(result.run_id, file_name))


def test_spec_sent_as_text_names_the_fix(store, records) -> None:
    task = _pim_event(json.dumps(_spec("TXT-1")))

    with pytest.raises(InvalidSpec) as raised:
        run_intake(task, store=store, records=records, config=CONFIG)

    (error,) = raised.value.errors
    assert error.path == "detail.spec"
    assert error.message.startswith("the spec is text, not a JSON object or list; send the document itself")
