"""Catalog formats, PIM events, duplicate deliveries and unchanged re-uploads through the state machine."""

import json
import shutil

import pytest
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus, RunStatus
from spec2listing.storage import keys

from tests.support import EXAMPLES, load_event

pytestmark = pytest.mark.integration

FORMATS = EXAMPLES / "formats"
OFFLINE = {"PROVIDERS": "offline"}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    with LocalPipeline(tmp_path_factory.mktemp("catalogs"), environment=OFFLINE) as running:
        yield running


def _complete(outcome) -> list[str]:
    assert outcome.status == RunStatus.SUCCEEDED.value, outcome.error
    assert outcome.rejections == []
    assert all(product.status == ProductStatus.COMPLETE for product in outcome.products), [
        (product.sku, product.status, product.error) for product in outcome.products
    ]
    return sorted(product.sku for product in outcome.products)


@pytest.mark.parametrize(
    ("name", "metadata", "skus"),
    [
        ("shopify-products-export.csv", {"currency": "EUR"}, ["merino-crew-sweater", "ribbed-beanie", "wool-wash-250"]),
        (
            "akeneo-products-page.json",
            {"locale": "en_GB", "channel": "ecommerce", "currency": "GBP"},
            ["KR-BWL-15", "kr_travel_mug"],
        ),
        ("spreadsheet-catalog-de.csv", {}, ["FJ-MTZ-01", "FJ-SCH-02"]),
        ("kitchen-specs.jsonl", {}, ["KR-CUP-180", "KR-PLT-27"]),
    ],
)
def test_format_runs_end_to_end(pipeline, name, metadata, skus) -> None:
    (outcome,) = pipeline.wait([pipeline.submit_file(FORMATS / name, metadata)], timeout_seconds=300)
    assert _complete(outcome) == skus
    summary = json.loads(pipeline.store.get_bytes(keys.run_summary(outcome.run.run_id)))
    assert summary["counts"]["COMPLETE"] == len(skus)
    assert summary["details"]["file"] == name


def test_missing_option_rejects_with_its_name(pipeline) -> None:
    (outcome,) = pipeline.wait([pipeline.submit_file(FORMATS / "shopify-products-export.csv")], timeout_seconds=300)
    assert outcome.products == []
    (rejection,) = outcome.rejections
    assert rejection["errors"][0]["path"] == "option currency"


@pytest.mark.parametrize("event_name", ["pim-spec-changed-akeneo", "pim-spec-changed-shopify-webhook"])
def test_pim_event_runs_end_to_end(pipeline, event_name, tmp_path) -> None:
    event = load_event(event_name)
    submission = pipeline.start(tmp_path / event["detail"]["file_name"], "", event)
    (outcome,) = pipeline.wait([submission], timeout_seconds=300)
    assert len(_complete(outcome)) == 1
    assert outcome.run.source.startswith(f"event {event['id']}")


def test_duplicate_delivery_starts_one_run(pipeline, tmp_path) -> None:
    event = load_event("pim-spec-changed-inline")
    event["id"] = "duplicate-delivery-test"
    before = pipeline.invocations.get("GenerateCopyFunction", 0)
    first = pipeline.start(tmp_path / "first.json", "", event)
    (first_outcome,) = pipeline.wait([first], timeout_seconds=300)
    second = pipeline.start(tmp_path / "second.json", "", event)
    (second_outcome,) = pipeline.wait([second], timeout_seconds=300)

    assert len(_complete(first_outcome)) == 1
    assert second_outcome.status == RunStatus.SUCCEEDED.value
    assert second_outcome.duplicate_of == first_outcome.run.run_id
    assert second_outcome.run is None
    assert pipeline.invocations["GenerateCopyFunction"] == before + 1


def test_unchanged_reupload_calls_no_provider(pipeline, tmp_path) -> None:
    path = tmp_path / "beanies.csv"
    shutil.copy(EXAMPLES / "winter-catalog.csv", path)
    (first,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
    steps = ("GenerateCopyFunction", "PlanImagesFunction", "RenderImageFunction", "CheckConsistencyFunction")
    before = {step: pipeline.invocations.get(step, 0) for step in steps}
    (second,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)

    assert _complete(second) == _complete(first)
    assert {step: pipeline.invocations.get(step, 0) for step in steps} == before
    assert {product.reused_from for product in second.products} == {first.run.run_id}
    assert second.run.cost_usd == 0
    index = pipeline.store.get_bytes(keys.run_review_index(second.run.run_id)).decode()
    for product in second.products:
        assert f'href="../../../{product.artifacts["review"]}"' in index
        assert pipeline.store.exists(product.artifacts["review"])


def test_key_with_spaces_and_accents_runs(pipeline, tmp_path) -> None:
    path = tmp_path / "Katalog Frühjahr (2).csv"
    shutil.copy(FORMATS / "spreadsheet-catalog-de.csv", path)
    submission = pipeline.submit_file(path)
    (outcome,) = pipeline.wait([submission], timeout_seconds=300)
    assert _complete(outcome) == ["FJ-MTZ-01", "FJ-SCH-02"]
    assert pipeline.store.exists(keys.run_input(outcome.run.run_id, path.name))


def test_changed_spec_regenerates_only_what_changed(pipeline, tmp_path) -> None:
    path = tmp_path / "mug.json"
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    path.write_text(json.dumps(spec))
    (first,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
    renders = pipeline.invocations["RenderImageFunction"]

    spec["price"]["amount"] = 27.5
    spec["variants"].append({"sku": "KR-MUG-350-MOSS", "color": "Moss", "color_hex": "#5B6B3A"})
    path.write_text(json.dumps(spec))
    (second,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)

    assert _complete(second) == ["KR-MUG-350"]
    assert pipeline.invocations["RenderImageFunction"] == renders + 1
    (product,) = second.products
    manifest = json.loads(pipeline.store.get_bytes(product.artifacts["manifest"]))
    assert manifest["reuse"]["base_run_id"] == first.run.run_id
    assert manifest["reuse"]["changed_fields"] == ["price", "variants"]
    assert manifest["reuse"]["images_generated"] == ["variant-kr-mug-350-moss"]
    report = json.loads(pipeline.store.get_bytes(product.artifacts["consistency"]))
    checked = {check["where"] for check in report["checks"]}
    assert {image["job_id"] for image in manifest["images"]} <= checked
