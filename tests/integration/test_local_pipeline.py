"""The whole state machine on the local emulation, on every acceptance spec, the catalog and the bad inputs."""

import json

import pytest
from PIL import Image
from spec2listing.copywriting.platforms import AMAZON_FORBIDDEN_TITLE_CHARS, RULES
from spec2listing.imaging.pixels import delta_e_2000, measure, rgb_hex
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus, RunStatus

from tests.support import ACCEPTANCE_BAD, ACCEPTANCE_BRANDS, ACCEPTANCE_CATALOGS, ACCEPTANCE_SPECS, specs_in

pytestmark = pytest.mark.integration

GOOD_FILES = ACCEPTANCE_SPECS + ACCEPTANCE_CATALOGS
EXPECTED_SKUS = {spec.sku for path in GOOD_FILES for spec in specs_in(path)}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("local-run")
    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        submissions = [pipeline.submit_file(path) for path in GOOD_FILES + ACCEPTANCE_BAD]
        outcomes = pipeline.wait(submissions, timeout_seconds=600)
        table_products = {sku: pipeline.records.get_current_product(sku) for sku in EXPECTED_SKUS}
    by_file = {outcome.path.name: outcome for outcome in outcomes}
    return out, by_file, table_products


def test_every_good_file_succeeds(run) -> None:
    _, by_file, _ = run
    for path in GOOD_FILES:
        outcome = by_file[path.name]
        assert outcome.status == RunStatus.SUCCEEDED.value, outcome.error
        assert outcome.rejections == []
        assert all(product.status == ProductStatus.COMPLETE for product in outcome.products), [
            (product.sku, product.status, product.error) for product in outcome.products
        ]
    produced = {product.sku for path in GOOD_FILES for product in by_file[path.name].products}
    assert produced == EXPECTED_SKUS


def test_records_in_table(run) -> None:
    _, by_file, table_products = run
    for sku, record in table_products.items():
        assert record is not None, sku
        assert record.status == ProductStatus.COMPLETE
        assert record.spec_hash and len(record.spec_hash) == 64
        assert record.duration_ms and record.duration_ms > 0
        assert record.finished_at >= record.started_at
    for path in GOOD_FILES:
        run_record = by_file[path.name].run
        assert run_record.counts["COMPLETE"] == len(specs_in(path))
        assert run_record.summary_key


def _product_dirs(out):
    return sorted(path for path in out.glob("runs/*/products/*") if (path / "manifest.json").is_file())


def test_copy_fields_present_and_within_limits(run) -> None:
    out, _, _ = run
    for folder in _product_dirs(out):
        copy = json.loads((folder / "copy.json").read_text())
        assert copy["title"]
        assert copy["description"]
        assert copy["bullets"]
        amazon = copy["platforms"].get("amazon")
        if amazon:
            assert len(amazon["title"]) <= RULES["amazon"].title_max
            assert not set(amazon["title"]) & AMAZON_FORBIDDEN_TITLE_CHARS
            assert len(amazon["bullets"]) <= 5
        shopify = copy["platforms"].get("shopify")
        if shopify:
            assert len(shopify["seo_title"]) <= 70
            assert len(shopify["meta_description"]) <= 160
        instagram = copy["platforms"].get("instagram")
        if instagram:
            assert len(instagram["caption"]) <= 2200
            assert len(instagram["hashtags"]) <= 5


def test_one_image_per_job_at_planned_size(run) -> None:
    out, _, _ = run
    for folder in _product_dirs(out):
        jobs = json.loads((folder / "image-jobs.json").read_text())["jobs"]
        images = sorted(path.stem for path in (folder / "images").iterdir())
        assert images == sorted(job["job_id"] for job in jobs)
        for job in jobs:
            with Image.open(folder / "images" / f"{job['job_id']}.png") as image:
                assert f"{image.width}x{image.height}" == job["size"]


def test_variant_images_dominated_by_declared_colour(run) -> None:
    out, _, _ = run
    for folder in _product_dirs(out):
        jobs = json.loads((folder / "image-jobs.json").read_text())["jobs"]
        for job in jobs:
            if job["kind"] == "lifestyle" or not job["color_hex"]:
                continue
            measured = measure((folder / "images" / f"{job['job_id']}.png").read_bytes())
            assert delta_e_2000(rgb_hex(measured.dominant_rgb), job["color_hex"]) < 2.0, (folder.name, job["job_id"])


def test_reports_and_review_sheets_written(run) -> None:
    out, by_file, _ = run
    for folder in _product_dirs(out):
        report = json.loads((folder / "consistency.json").read_text())
        assert report["passed"] is True
        assert report["score"] == 1.0
        # Every image rendered in the run is held to the format its render asked for.
        jobs = json.loads((folder / "image-jobs.json").read_text())["jobs"]
        checked = {check["where"] for check in report["checks"] if check["check"] == "image_format"}
        assert checked == {job["job_id"] for job in jobs}, folder.name
        assert '<img src="data:image/jpeg;base64,' in (folder / "review.html").read_text()
    for path in GOOD_FILES:
        run_id = by_file[path.name].run.run_id
        summary = json.loads((out / "runs" / run_id / "summary.json").read_text())
        assert summary["counts"]["COMPLETE"] == len(specs_in(path))
        assert (out / "runs" / run_id / "review" / "index.html").is_file()
        assert (out / "runs" / run_id / "input" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("bad", ACCEPTANCE_BAD, ids=lambda path: path.name)
def test_bad_input_rejected_and_original_kept(run, bad) -> None:
    out, by_file, _ = run
    outcome = by_file[bad.name]
    assert outcome.status == RunStatus.SUCCEEDED.value
    assert outcome.rejections, bad.name
    run_id = outcome.run.run_id
    assert (out / "rejected" / run_id / bad.name).read_bytes() == bad.read_bytes()
    report = json.loads((out / "rejected" / run_id / "errors.json").read_text())
    for rejection in report["rejected"]:
        for error in rejection["errors"]:
            assert error["file"] == bad.name
            assert error["path"]
            assert error["message"]
            assert error["expected"]


def test_exports_carry_price_and_an_image_per_variant(run) -> None:
    out, _, _ = run
    for folder in _product_dirs(out):
        spec = json.loads((folder / "spec.json").read_text())["spec"]
        variant_skus = {variant["sku"] for variant in spec.get("variants", [])}
        for export in (folder / "exports").glob("*.json"):
            document = json.loads(export.read_text())
            assert document["price"]["currency"] == spec["price"]["currency"], export
            assert {item["variant_sku"] for item in document["variant_images"]} == variant_skus, export
            assert {item["image"] for item in document["variant_images"]} <= set(document["images"]), export


def test_bucket_folders_match_write_policy(run) -> None:
    out, _, _ = run
    folders = {path.name for path in out.iterdir() if path.is_dir()}
    # The CLI uploads specs, brand guides and photos, and the state machine writes map-results/. The functions
    # write only under runs/, rejected/ and cache/, the prefixes their policy allows.
    written_by_functions = folders - {"incoming", "brands", "references", "map-results", "logs"}
    assert written_by_functions <= {"runs", "rejected", "cache"}
    assert "runs" in written_by_functions


def test_table_and_bucket_saved_to_out(run) -> None:
    out, _, _ = run
    items = json.loads((out / "table.json").read_text())["items"]
    current = {item["sku"]: item for item in items if item["sk"] == "CURRENT"}
    assert set(current) >= EXPECTED_SKUS
    assert (out / "logs" / "spec2listing.log").stat().st_size > 0
