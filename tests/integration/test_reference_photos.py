"""Reference photos through the local state machine: staging, the intake check and render failures."""

import json

import pytest
from PIL import Image
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus

from tests.support import EXAMPLES

pytestmark = pytest.mark.integration


def test_missing_reference_photo_rejected_at_intake(tmp_path) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec["reference_photos"] = ["references/KR-MUG-350/front.jpg"]
    path = tmp_path / "mug-with-photo.json"
    path.write_text(json.dumps(spec))
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
    (product,) = outcome.products
    assert product.status == ProductStatus.REJECTED
    (rejection,) = outcome.rejections
    (error,) = rejection["errors"]
    assert error["path"] == "reference_photos[0]"
    assert error["value"] == "'references/KR-MUG-350/front.jpg'"
    assert (tmp_path / "out" / "rejected" / outcome.run.run_id / path.name).read_bytes() == path.read_bytes()


def test_local_photos_staged_and_upload_kept_as_given(tmp_path) -> None:
    for folder, color in (("a", (200, 30, 30)), ("b", (30, 30, 200))):
        (tmp_path / folder).mkdir()
        Image.new("RGB", (64, 64), color).save(tmp_path / folder / "front.png")
    path = tmp_path / "lamps.csv"
    path.write_text(
        "sku;name;brand;category;price;currency;reference_photos\n"
        'LAMP-1;Desk Lamp;Acme;Home > Lighting;49,90;EUR;"a/front.png;b/front.png"\n'
    )
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
    (product,) = outcome.products
    assert product.status == ProductStatus.COMPLETE, outcome.rejections
    out = tmp_path / "out"
    for folder in ("a", "b"):
        staged = out / "references" / "LAMP-1" / folder / "front.png"
        assert staged.read_bytes() == (tmp_path / folder / "front.png").read_bytes()
    assert (out / "runs" / outcome.run.run_id / "input" / path.name).read_bytes() == path.read_bytes()


def test_non_image_photo_fails_images(tmp_path) -> None:
    (tmp_path / "front.png").write_bytes(b"a text file saved as .png")
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec["reference_photos"] = ["front.png"]
    path = tmp_path / "mug.json"
    path.write_text(json.dumps(spec))
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
    (product,) = outcome.products
    assert product.status == ProductStatus.NEEDS_REVIEW
    assert product.artifacts["copy"]
    report = json.loads((tmp_path / "out" / product.artifacts["consistency"]).read_text())
    flags = [flag for flag in report["flags"] if flag["kind"] == "reference_photo_decodes"]
    assert flags
    assert all("reference photo 'front.png'" in flag["measured"] for flag in flags)
    assert all("Replace the photo" in flag["fix"] for flag in flags)
    assert not [flag for flag in report["flags"] if flag["kind"] == "image_rendered"]
    sheet = (tmp_path / "out" / product.artifacts["review"]).read_text()
    shown = sheet[sheet.index('id="reference-0"') :]
    shown = shown[: shown.index("</figure>")]
    assert "<img" not in shown
    assert "Not shown:</strong> <bdi>not a usable image: the file is not a PNG, JPEG or WebP image;" in shown


def test_replaced_photo_renders_again(tmp_path) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec["reference_photos"] = ["front.png"]
    path = tmp_path / "mug.json"
    path.write_text(json.dumps(spec))
    outcomes = []
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        for color in ((200, 30, 30), (30, 30, 200)):
            Image.new("RGB", (64, 64), color).save(tmp_path / "front.png")
            (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
            outcomes.append(outcome)

    first, second = (outcome.products[0] for outcome in outcomes)
    assert first.status == second.status == ProductStatus.COMPLETE
    assert second.reused_from is None
    manifest = json.loads((tmp_path / "out" / second.artifacts["manifest"]).read_text())
    assert manifest["reuse"]["base_run_id"] == first.run_id
    assert manifest["reuse"]["changed_fields"] == ["reference_photos"]
    assert manifest["reuse"]["copy_source"] == "reused"
    assert manifest["reuse"]["images_reused"] == []
    assert manifest["reuse"]["images_generated"] == [image["job_id"] for image in manifest["images"]]
