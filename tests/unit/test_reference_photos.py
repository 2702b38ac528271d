"""Reference photos: staging local files, the existence check at intake, and reading them for a render."""

import hashlib
import io
import json
import threading
import time
import unicodedata
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws
from PIL import Image
from spec2listing.consistency.engine import check_product
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.errors import ReferencePhotoInvalid, ReferencePhotoMissing
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.planner import plan_images
from spec2listing.local.references import photo_conflicts, stage_reference_photos
from spec2listing.models.records import ProductStatus
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import IntakeTask, PipelineConfig, RenderResult, RenderStatus
from spec2listing.pipeline.intake import run_intake
from spec2listing.pipeline.references import PHOTO_LOOKUP_CONCURRENCY, find_reference_photos, read_reference_photos
from spec2listing.providers.media import MAX_REFERENCE_PHOTO_PIXELS, image_problem
from spec2listing.storage import keys
from spec2listing.storage.objects import MemoryObjectStore, S3ObjectStore, get_json

from tests.support import ACCEPTANCE, brand_for, load_event, png_header, run_product_steps, specs_in

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
STARTED = datetime(2026, 12, 5, 9, 0, 0, tzinfo=UTC)
FIELDS = {"name": "Lamp", "brand": "Acme", "category": "Home > Lighting"}


def _png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _spec(sku: str, photos: list[str]) -> dict[str, object]:
    return {"sku": sku, **FIELDS, "price": {"amount": 10, "currency": "EUR"}, "reference_photos": photos}


def _stage(path, metadata=None) -> dict[str, bytes]:
    uploaded: dict[str, bytes] = {}
    stage_reference_photos(path, path.read_bytes(), metadata or {}, uploaded.__setitem__)
    return uploaded


def _intake(store, records, name: str, data: bytes):
    key = f"incoming/{name}"
    store.put_bytes(key, data, "application/octet-stream")
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = key
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=f"exec-{name}", started_at=STARTED)
    return run_intake(task, store=store, records=records, config=CONFIG)


class RecordingRenderer(OfflineRenderer):
    """The offline renderer, keeping the reference photos each job was given."""

    def __init__(self) -> None:
        super().__init__()
        self.references: dict[str, list[bytes]] = {}

    def render(self, job, spec, references, *, ledger):
        self.references[job.job_id] = list(references)
        return super().render(job, spec, references, ledger=ledger)


def test_staged_key_keeps_relative_path() -> None:
    assert keys.staged_reference_photo("RC-1", "a/front.png") == "references/RC-1/a/front.png"
    assert keys.staged_reference_photo("RC-1", "./b//front.png") == "references/RC-1/b/front.png"


@pytest.mark.parametrize(
    ("sku", "path"),
    [
        ("RC-1", "../front.png"),
        ("RC-1", "a/../../front.png"),
        ("RC-1", "/etc/passwd"),
        ("RC-1", "a\\front.png"),
        ("RC-1", "front\n.png"),
        ("RC-1", "."),
        ("..", "front.png"),
        ("a/b", "front.png"),
    ],
)
def test_staged_key_rejects_escaping_names(sku: str, path: str) -> None:
    with pytest.raises(ValueError, match=r"reference photo path|cannot be part of a key"):
        keys.staged_reference_photo(sku, path)


def test_same_file_name_in_two_folders_staged_apart(tmp_path) -> None:
    for folder, color in (("a", "red"), ("b", "blue")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "front.png").write_bytes(_png(color))
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(_spec("RC-1", ["a/front.png", "b/front.png"])))

    uploaded = _stage(spec)

    assert uploaded == {
        "references/RC-1/a/front.png": _png("red"),
        "references/RC-1/b/front.png": _png("blue"),
    }


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "semicolon.csv",
            "sku;name;brand;category;price;currency;reference_photos\nR-1;Lamp;Acme;Home;10.50;EUR;front.png\n",
        ),
        (
            "tabs.tsv",
            "sku\tname\tbrand\tcategory\tprice\tcurrency\treference_photos\nR-1\tLamp\tAcme\tHome\t10.50\tEUR\tfront.png\n",
        ),
        ("lines.jsonl", json.dumps(_spec("R-1", ["front.png"])) + "\n"),
        (
            "comma.csv",
            "sku,name,brand,category,price,currency,reference_photos\nR-1,Lamp,Acme,Home,10.50,EUR,front.png\n",
        ),
    ],
)
def test_every_format_stages_photos(tmp_path, name: str, text: str) -> None:
    (tmp_path / "front.png").write_bytes(_png("red"))
    path = tmp_path / name
    path.write_text(text)
    assert list(_stage(path)) == ["references/R-1/front.png"]


def test_staging_uses_reader_options(tmp_path) -> None:
    (tmp_path / "front.png").write_bytes(_png("red"))
    path = tmp_path / "pipes.csv"
    path.write_text("sku|name|brand|category|price|currency|reference_photos\nR-1|Lamp|Acme|Home|10.50|EUR|front.png\n")
    assert list(_stage(path, {"delimiter": "pipe"})) == ["references/R-1/front.png"]


def test_staging_skips_invalid_sku_and_outside_paths(tmp_path) -> None:
    (tmp_path / "front.png").write_bytes(_png("red"))
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "spec.json"
    products = [
        _spec("../../../../tmp/pwned", ["../front.png"]),
        _spec("OK-1", ["../front.png", str(tmp_path / "front.png")]),
    ]
    path.write_text(json.dumps(products))
    assert _stage(path) == {}


def test_staging_refuses_links_out_of_the_folder(tmp_path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.png").write_bytes(_png("red"))
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "front.png").write_bytes(_png("blue"))
    (folder / "linked.png").symlink_to(tmp_path / "outside" / "secret.png")
    (folder / "up").symlink_to(tmp_path)
    (folder / "zero.png").symlink_to("/dev/zero")
    (folder / "inside.png").symlink_to(folder / "front.png")
    path = folder / "spec.json"
    photos = ["linked.png", "up/outside/secret.png", "zero.png", "inside.png"]
    path.write_text(json.dumps([_spec("R-1", photos)]))

    assert _stage(path) == {"references/R-1/inside.png": _png("blue")}


def test_staging_survives_a_link_loop(tmp_path) -> None:
    (tmp_path / "a.png").symlink_to(tmp_path / "b.png")
    (tmp_path / "b.png").symlink_to(tmp_path / "a.png")
    path = tmp_path / "spec.json"
    path.write_text(json.dumps([_spec("R-1", ["a.png"])]))

    assert _stage(path) == {}


def test_staging_finds_decomposed_file_names(tmp_path) -> None:
    # The file name keeps "é" as "e" and a combining accent; the spec is read with "é".
    (tmp_path / unicodedata.normalize("NFD", "café.png")).write_bytes(_png("red"))
    path = tmp_path / "spec.json"
    path.write_text(json.dumps([_spec("R-1", [unicodedata.normalize("NFD", "café.png")])]), encoding="utf-8")

    assert _stage(path) == {"references/R-1/café.png": _png("red")}


def test_bucket_key_in_decomposed_form_found(store) -> None:
    store.put_bytes(unicodedata.normalize("NFD", "photos/café.png"), _png("red"), "image/png")
    assert read_reference_photos(store, "R-1", ["photos/café.png"]) == [_png("red")]


def test_photos_that_two_files_stage_differently_conflict(tmp_path) -> None:
    for folder, color in (("a", "red"), ("b", "blue"), ("c", "red")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "front.png").write_bytes(_png(color))
        (tmp_path / folder / "spec.json").write_text(json.dumps([_spec("R-1", ["front.png"])]))

    # Folders a and c hold the same bytes, so they can share the staged photo.
    assert photo_conflicts([tmp_path / "a" / "spec.json", tmp_path / "c" / "spec.json"], {}) == []
    (conflict,) = photo_conflicts([tmp_path / name / "spec.json" for name in ("a", "b", "c")], {})
    assert conflict == (
        f"{tmp_path}/a/spec.json and {tmp_path}/b/spec.json name different photos ({tmp_path}/a/front.png and "
        f"{tmp_path}/b/front.png) that are both staged as references/R-1/front.png; "
        "run the two files in separate commands"
    )


def test_staging_leaves_file_unchanged(tmp_path) -> None:
    (tmp_path / "front.png").write_bytes(_png("red"))
    path = tmp_path / "spec.json"
    original = json.dumps([_spec("R-1", ["front.png"])]).encode()
    path.write_bytes(original)
    _stage(path)
    assert path.read_bytes() == original


def test_intake_rejects_missing_photo_with_path(store, records) -> None:
    data = json.dumps([_spec("R-1", ["front.png", "missing.png"]), _spec("R-2", [])]).encode()
    store.put_bytes(keys.staged_reference_photo("R-1", "front.png"), _png("red"), "image/png")

    result = _intake(store, records, "photos.json", data)

    assert (result.product_count, result.rejected_count) == (1, 1)
    (rejection,) = get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    (error,) = rejection["errors"]
    assert rejection["sku"] == "R-1"
    assert error["path"] == "[0].reference_photos[1]"
    assert error["value"] == "'missing.png'"
    assert "references/R-1/missing.png" in error["message"]
    assert records.get_current_product("R-1").status == ProductStatus.REJECTED
    assert store.get_bytes(keys.rejected_original(result.run_id, "photos.json")) == data


def test_intake_rejects_photo_listed_twice(store, records) -> None:
    store.put_bytes(keys.staged_reference_photo("R-1", "front.png"), _png("red"), "image/png")
    data = json.dumps(_spec("R-1", ["front.png", "./front.png"])).encode()

    result = _intake(store, records, "photos.json", data)

    assert (result.product_count, result.rejected_count) == (0, 1)
    (rejection,) = get_json(store, keys.rejected_errors(result.run_id))["rejected"]
    (error,) = rejection["errors"]
    assert error["path"] == "reference_photos[1]"
    assert error["message"].startswith("the same photo as reference_photos[0]")
    assert error["expected"] == "each reference photo once"


def test_intake_accepts_photo_by_bucket_key(store, records) -> None:
    store.put_bytes("photos/lamp/front.png", _png("red"), "image/png")
    data = json.dumps(_spec("R-1", ["photos/lamp/front.png"])).encode()
    result = _intake(store, records, "photos.json", data)
    assert (result.product_count, result.rejected_count) == (1, 0)


def test_render_reads_staged_photos(store, records) -> None:
    store.put_bytes("references/R-1/a/front.png", _png("red"), "image/png")
    store.put_bytes("references/R-1/b/front.png", _png("blue"), "image/png")
    data = json.dumps(_spec("R-1", ["a/front.png", "b/front.png"])).encode()
    result = _intake(store, records, "photos.json", data)
    renderer = RecordingRenderer()

    (item,) = get_json(store, result.products_key)
    status = run_product_steps(store, records, item, renderer=renderer)

    assert status == ProductStatus.COMPLETE
    assert renderer.references
    assert all(photos == [_png("red"), _png("blue")] for photos in renderer.references.values())


def test_sheet_shows_reference_photos(store, records) -> None:
    store.put_bytes("references/R-1/a/front.png", _png("red"), "image/png")
    store.put_bytes("photos/lamp/side.png", _png("blue"), "image/png")
    data = json.dumps(_spec("R-1", ["a/front.png", "photos/lamp/side.png"])).encode()
    result = _intake(store, records, "photos.json", data)
    (item,) = get_json(store, result.products_key)
    run_product_steps(store, records, item, renderer=OfflineRenderer())

    sheet = store.get_bytes(keys.product_file(result.run_id, "R-1", "review.html")).decode()

    staged = sheet[sheet.index('id="reference-0"') : sheet.index('id="reference-1"')]
    assert '<img src="data:image/jpeg;base64,' in staged
    assert "<code>a/front.png</code> · 8 × 8 px · read from <code>references/R-1/a/front.png</code>" in staged
    by_key = sheet[sheet.index('id="reference-1"') :]
    by_key = by_key[: by_key.index("</figure>")]
    assert '<img src="data:image/jpeg;base64,' in by_key
    assert "<code>photos/lamp/side.png</code> · 8 × 8 px</figcaption>" in by_key


def test_bucket_key_wins_over_staged_photo(store) -> None:
    store.put_bytes("front.png", _png("red"), "image/png")
    store.put_bytes("references/R-1/front.png", _png("blue"), "image/png")
    assert read_reference_photos(store, "R-1", ["front.png"]) == [_png("red")]


def test_read_photo_over_the_size_limits(store, monkeypatch) -> None:
    store.put_bytes("references/R-1/front.png", _png("red"), "image/png")
    monkeypatch.setattr("spec2listing.pipeline.references.MAX_REFERENCE_PHOTO_PIXELS", 63)
    with pytest.raises(ReferencePhotoInvalid, match=r"the image is 8x8, 0\.0 megapixels, more than the 6\.3e-05"):
        read_reference_photos(store, "R-1", ["front.png"])
    monkeypatch.setattr("spec2listing.pipeline.references.MAX_REFERENCE_PHOTO_BYTES", 50)
    with pytest.raises(ReferencePhotoInvalid, match=rf"it has {len(_png('red'))} bytes; expected a PNG"):
        read_reference_photos(store, "R-1", ["front.png"])


def test_pixel_limit_read_from_the_header() -> None:
    # A 9000x9000 PNG of one colour is a few dozen kilobytes and 324 MB decoded as RGBA; the header is enough.
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    problem = image_problem(buffer.getvalue(), max_pixels=MAX_REFERENCE_PHOTO_PIXELS)
    assert problem == "the image is 9000x9000, 81.0 megapixels, more than the 70 megapixels allowed"


def test_pixel_limit_named_over_pillow_limit() -> None:
    # Pillow's Image.open rejects 400 megapixels as a decompression bomb before the size could be checked.
    problem = image_problem(png_header(20000, 20000), max_pixels=MAX_REFERENCE_PHOTO_PIXELS)

    assert problem == "the image is 20000x20000, 400.0 megapixels, more than the 70 megapixels allowed"


def test_read_missing_photo_names_entry(store) -> None:
    with pytest.raises(ReferencePhotoMissing, match=r"reference photo 'front\.png' not found"):
        read_reference_photos(store, "R-1", ["front.png"])


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", _png("red")[:40], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64],
)
def test_read_photo_that_does_not_decode(store, data: bytes) -> None:
    store.put_bytes("references/R-1/front.png", data, "image/png")
    with pytest.raises(ReferencePhotoInvalid, match=r"reference photo 'front\.png' .* is not a usable image"):
        read_reference_photos(store, "R-1", ["front.png"])


@pytest.mark.parametrize(
    ("error", "kind", "fix_words"),
    [
        ("ReferencePhotoMissing: reference photo 'front.png' not found", "reference_photo_found", "Upload the photo"),
        ("ReferencePhotoInvalid: reference photo 'front.png' is not a usable image", "reference_photo_decodes", "PNG"),
        ("ProviderUnavailable: OpenAI returned HTTP 503", "image_rendered", "Re-run the image job"),
    ],
)
def test_failed_render_fix_matches_cause(error: str, kind: str, fix_words: str) -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    brand = brand_for(spec)
    listing = OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing
    plan = plan_images(spec, brand)
    images = {job.job_id: OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data for job in plan.jobs}
    renders = [RenderResult(job_id=job.job_id, image_key=f"{job.job_id}.png") for job in plan.jobs]
    packshot = plan.jobs[0]
    del images[packshot.job_id]
    renders[0] = RenderResult(job_id=packshot.job_id, status=RenderStatus.FAILED, error=error)

    report = check_product(spec=spec, brand=brand, listing=listing, plan=plan, renders=renders, images=images)

    (flag,) = [flag for flag in report.flags if flag.where == packshot.job_id]
    assert flag.kind == kind
    assert fix_words in flag.fix
    assert error in flag.measured
    assert not report.passed


class InFlightStore(MemoryObjectStore):
    """An in-memory bucket whose HEAD requests wait briefly and count how many are in flight."""

    def __init__(self) -> None:
        super().__init__("spec2listing-test")
        self.in_flight = 0
        self.max_in_flight = 0
        self._count = threading.Lock()

    def etag(self, key, version_id=None):
        with self._count:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(0.01)
        with self._count:
            self.in_flight -= 1
        return super().etag(key, version_id)


def test_intake_looks_up_photos_concurrently() -> None:
    store = InFlightStore()
    specs = [ProductSpec.model_validate(_spec(f"R-{index}", ["front.png", "back.png"])) for index in range(20)]
    for spec in specs[:10]:
        store.put_bytes(keys.staged_reference_photo(spec.sku, "front.png"), _png("red"), "image/png")

    found = find_reference_photos(store, specs)

    assert len(found) == 40
    assert sum(photo is not None for photo in found.values()) == 10
    assert found[("R-0", "front.png")] == ("references/R-0/front.png", hashlib.md5(_png("red")).hexdigest())
    assert found[("R-0", "back.png")] is None
    assert 1 < store.max_in_flight <= PHOTO_LOOKUP_CONCURRENCY


@pytest.fixture
def s3(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="spec2listing-test")
        yield client


def test_s3_etag_follows_content(s3) -> None:
    store = S3ObjectStore("spec2listing-test", s3)
    store.put_bytes("front.png", _png("red"), "image/png")
    red = store.etag("front.png")
    store.put_bytes("front.png", _png("blue"), "image/png")

    assert red == hashlib.md5(_png("red")).hexdigest()
    assert store.etag("front.png") == hashlib.md5(_png("blue")).hexdigest()
    assert store.etag("missing.png") is None


def test_intake_hashes_photo_etags_unread(s3, records) -> None:
    store = S3ObjectStore("spec2listing-test", s3)
    reads: list[str] = []
    s3.meta.events.register("before-parameter-build.s3.GetObject", lambda params, **_: reads.append(params["Key"]))
    photo_key = keys.staged_reference_photo("R-1", "front.png")
    data = json.dumps(_spec("R-1", ["front.png"])).encode()

    hashes = []
    for color in ("red", "blue"):
        store.put_bytes(photo_key, _png(color), "image/png")
        result = _intake(store, records, f"photos-{color}.json", data)
        (item,) = get_json(store, result.products_key)
        product = get_json(store, item["spec_key"])
        assert product["reference_photo_etags"] == {"front.png": hashlib.md5(_png(color)).hexdigest()}
        hashes.append(item["spec_hash"])

    assert hashes[0] != hashes[1]
    assert "incoming/photos-red.json" in reads
    assert photo_key not in reads
