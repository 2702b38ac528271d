"""Intake's reading of triggers: which object an S3 event names, and what a PIM event may carry."""

import json
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws
from spec2listing.errors import ArtifactMissing, FieldError, InvalidSpec
from spec2listing.models.tasks import IntakeTask, PipelineConfig
from spec2listing.pipeline.intake import run_intake
from spec2listing.storage import keys
from spec2listing.storage.objects import S3ObjectStore, get_json

from tests.support import EXAMPLES, load_event

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
STARTED = datetime(2026, 12, 4, 9, 45, tzinfo=UTC)


def _spec(sku: str, name: str) -> bytes:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec.update(sku=sku, name=name)
    spec.pop("variants", None)
    spec.pop("reference_photos", None)
    return json.dumps(spec).encode()


def _event(store, key: str, version_id: str | None = None) -> IntakeTask:
    trigger = load_event("s3-object-created-versioned")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = key
    if version_id is None:
        del trigger["detail"]["object"]["version-id"]
    else:
        trigger["detail"]["object"]["version-id"] = version_id
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=key, started_at=STARTED)


def _queued_skus(store, result) -> list[str]:
    return [item["sku"] for item in get_json(store, result.products_key)]


def test_encoded_plus_key_reads_plus_file(store, records) -> None:
    store.put_bytes("incoming/a+b.json", _spec("PLUS-1", "Plus mug"), "application/json")
    store.put_bytes("incoming/a b.json", _spec("SPACE-1", "Space mug"), "application/json")
    result = run_intake(_event(store, "incoming/a%2Bb.json"), store=store, records=records, config=CONFIG)
    assert _queued_skus(store, result) == ["PLUS-1"]
    assert records.get_run(result.run_id).source == f"s3://{store.bucket}/incoming/a+b.json"


def test_encoded_space_key_reads_space_file(store, records) -> None:
    store.put_bytes("incoming/a+b.json", _spec("PLUS-1", "Plus mug"), "application/json")
    store.put_bytes("incoming/a b.json", _spec("SPACE-1", "Space mug"), "application/json")
    result = run_intake(_event(store, "incoming/a+b.json"), store=store, records=records, config=CONFIG)
    assert _queued_skus(store, result) == ["SPACE-1"]


def test_unencoded_key_falls_back_to_key_as_sent(store, records) -> None:
    store.put_bytes("incoming/c+d.json", _spec("PLUS-2", "Plus mug"), "application/json")
    result = run_intake(_event(store, "incoming/c+d.json"), store=store, records=records, config=CONFIG)
    assert _queued_skus(store, result) == ["PLUS-2"]


def test_encoded_non_ascii_key_decoded_once(store, records) -> None:
    key = "incoming/Katalog Frühjahr (2).json"
    store.put_bytes(key, _spec("UML-1", "Umlaut mug"), "application/json")
    result = run_intake(
        _event(store, "incoming/Katalog+Fr%C3%BChjahr+%282%29.json"), store=store, records=records, config=CONFIG
    )
    assert _queued_skus(store, result) == ["UML-1"]
    assert store.exists(keys.run_input(result.run_id, "Katalog Frühjahr (2).json"))


def test_event_version_is_read_while_current(store, records) -> None:
    store.put_bytes("incoming/mug.json", _spec("OLD-1", "First upload"), "application/json")
    version = store.version_ids["incoming/mug.json"]

    result = run_intake(_event(store, "incoming/mug.json", version), store=store, records=records, config=CONFIG)

    assert _queued_skus(store, result) == ["OLD-1"]
    assert store.get_bytes(keys.run_input(result.run_id, "mug.json")) == _spec("OLD-1", "First upload")
    assert records.get_run(result.run_id).details["version_id"] == version
    assert "superseded_version_id" not in records.get_run(result.run_id).details


def test_late_event_of_replaced_version_reads_current(store, records) -> None:
    # A late delivery of the first upload's event must not bring its older spec back over the newer one.
    store.put_bytes("incoming/mug.json", _spec("MUG-1", "First upload"), "application/json")
    first_version = store.version_ids["incoming/mug.json"]
    store.put_bytes("incoming/mug.json", _spec("MUG-1", "Second upload"), "application/json")
    current = store.version_ids["incoming/mug.json"]

    result = run_intake(_event(store, "incoming/mug.json", first_version), store=store, records=records, config=CONFIG)

    assert store.get_bytes(keys.run_input(result.run_id, "mug.json")) == _spec("MUG-1", "Second upload")
    details = records.get_run(result.run_id).details
    assert (details["version_id"], details["superseded_version_id"]) == (current, first_version)


def test_late_event_of_rejected_version_reads_current(store, records) -> None:
    store.put_bytes("incoming/mug.json", b"{not json", "application/json")
    bad_version = store.version_ids["incoming/mug.json"]
    store.put_bytes("incoming/mug.json", _spec("NEW-1", "Fixed upload"), "application/json")

    result = run_intake(_event(store, "incoming/mug.json", bad_version), store=store, records=records, config=CONFIG)

    assert (result.rejected_count, _queued_skus(store, result)) == (0, ["NEW-1"])


def test_rejected_original_is_the_version_read(store, records) -> None:
    store.put_bytes("incoming/mug.json", b"{not json", "application/json")
    bad_version = store.version_ids["incoming/mug.json"]

    result = run_intake(_event(store, "incoming/mug.json", bad_version), store=store, records=records, config=CONFIG)

    assert result.rejected_count == 1
    report = get_json(store, keys.rejected_errors(result.run_id))
    assert store.get_bytes(report["original_key"]) == b"{not json"


def test_unknown_version_raises_artifact_missing(store, records) -> None:
    store.put_bytes("incoming/mug.json", _spec("OLD-1", "Mug"), "application/json")
    with pytest.raises(ArtifactMissing, match=r"incoming/mug\.json version v-gone does not exist"):
        run_intake(_event(store, "incoming/mug.json", "v-gone"), store=store, records=records, config=CONFIG)


def test_version_of_other_key_not_matched(store, records) -> None:
    store.put_bytes("incoming/a b.json", _spec("SPACE-1", "Space mug"), "application/json")
    store.put_bytes("incoming/a+b.json", _spec("PLUS-1", "Plus mug"), "application/json")
    plus_version = store.version_ids["incoming/a+b.json"]
    # An unencoded sender: the decoded key exists too, but only the key as sent has this version.
    task = _event(store, "incoming/a+b.json", plus_version)
    result = run_intake(task, store=store, records=records, config=CONFIG)
    assert _queued_skus(store, result) == ["PLUS-1"]


def test_s3_store_reads_versions(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="spec2listing-test")
        client.put_bucket_versioning(Bucket="spec2listing-test", VersioningConfiguration={"Status": "Enabled"})
        first = client.put_object(Bucket="spec2listing-test", Key="k", Body=b"one", Metadata={"currency": "EUR"})
        client.put_object(Bucket="spec2listing-test", Key="k", Body=b"two")
        store = S3ObjectStore("spec2listing-test", client)

        assert store.get_bytes("k") == b"two"
        assert store.latest_version("k") not in (None, first["VersionId"])
        assert store.latest_version("missing") is None
        assert store.get_bytes("k", first["VersionId"]) == b"one"
        assert store.metadata("k", first["VersionId"]) == {"currency": "EUR"}
        assert store.exists("k", first["VersionId"])
        assert not store.exists("k", "not-a-version")
        store.copy("k", "copy", first["VersionId"])
        assert store.get_bytes("copy") == b"one"
        # Past CopyObject's limit the copy goes in parts; the limit is lowered to take that path here.
        monkeypatch.setattr("spec2listing.storage.objects.MAX_COPY_OBJECT_BYTES", 2)
        store.copy("k", "large-copy", first["VersionId"], size=3)
        assert store.get_bytes("large-copy") == b"one"
        with pytest.raises(ArtifactMissing, match="version not-a-version does not exist"):
            store.get_bytes("k", "not-a-version")


def _pim_task(**detail) -> IntakeTask:
    trigger = load_event("pim-spec-changed-inline")
    trigger["detail"].update(detail)
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim-name", started_at=STARTED)


@pytest.mark.parametrize("file_name", ["..", ".", "a/b.json", "a\\b.json", "spec\n.json", "tab\t.json", ""])
def test_event_file_name_rejected(store, records, file_name: str) -> None:
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_pim_task(file_name=file_name), store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert error.path == "detail.file_name"
    assert error.file.startswith("event ")
    assert store.list_keys("runs/") == []
    assert store.list_keys("rejected/") == []


def test_event_unknown_detail_field_rejected(store, records) -> None:
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_pim_task(locale="de_DE"), store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert (error.path, error.value, error.message) == ("detail.locale", "'de_DE'", "unknown field")
    assert "go in detail.options" in error.expected
    assert store.list_keys("runs/") == []


def test_event_without_spec_names_the_detail(store, records) -> None:
    trigger = load_event("pim-spec-changed-inline")
    del trigger["detail"]["spec"]
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim-name", started_at=STARTED)
    with pytest.raises(InvalidSpec) as raised:
        run_intake(task, store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert error.path == "detail"
    assert "neither of detail.spec and detail.spec_s3" in error.message


@pytest.mark.parametrize("file_name", ["catalog.csv", "products.jsonl", "spec", ".json"])
def test_inline_spec_non_json_name_rejected(store, records, file_name: str) -> None:
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_pim_task(file_name=file_name), store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert (error.path, error.value) == ("detail.file_name", repr(file_name))
    assert error.expected.startswith("a name such as products.json")
    assert store.list_keys("runs/") == []


def test_event_file_name_with_spaces_kept(store, records) -> None:
    result = run_intake(_pim_task(file_name="Katalog Frühjahr (2).json"), store=store, records=records, config=CONFIG)
    assert store.exists(keys.run_input(result.run_id, "Katalog Frühjahr (2).json"))


def _file_rejection(store, result):
    """Return the one error of a run that rejected its whole file, and the kept copy's key."""
    assert (result.product_count, result.rejected_count) == (0, 1)
    report = get_json(store, keys.rejected_errors(result.run_id))
    ((error,),) = [rejection["errors"] for rejection in report["rejected"]]
    return FieldError.model_validate(error), report["original_key"]


@pytest.mark.parametrize("key", ["runs/r/products/Z/spec.json", "rejected/q/x.json", "uploads/x.json"])
def test_s3_upload_outside_incoming_is_no_spec(store, records, key) -> None:
    store.put_bytes(key, _spec("ELSE-1", "Elsewhere mug"), "application/json")
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_event(store, key), store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert (error.path, error.value) == ("detail.object.key", key)
    assert error.message == "the object is not under incoming/, where uploads of specs go"


def test_s3_event_without_key_names_the_field(store, records) -> None:
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_event(store, ""), store=store, records=records, config=CONFIG)
    assert any("key" in error.path for error in raised.value.errors)


@pytest.mark.parametrize("key", ["incoming/..", "incoming/catalog.json/."])
def test_s3_key_without_file_name_rejected(store, records, key) -> None:
    store.put_bytes(key, _spec("DOTS-1", "Dots mug"), "application/json")
    result = run_intake(_event(store, key), store=store, records=records, config=CONFIG)
    error, original_key = _file_rejection(store, result)
    assert error.path == "detail.object.key"
    assert "names no file" in error.message
    assert original_key == keys.rejected_original(result.run_id, "unnamed-upload")


def test_oversized_upload_rejected_before_download(store, records, monkeypatch) -> None:
    monkeypatch.setattr("spec2listing.pipeline.intake.MAX_UPLOAD_BYTES", 1000)
    body = _spec("BIG-1", "Big mug" + " " * 2000)
    store.put_bytes("incoming/big.json", body, "application/json")
    downloads = []
    real_get_bytes = store.get_bytes

    def get_bytes(key, *rest):
        if key == "incoming/big.json":
            downloads.append(key)
        return real_get_bytes(key, *rest)

    monkeypatch.setattr(store, "get_bytes", get_bytes)
    result = run_intake(_event(store, "incoming/big.json"), store=store, records=records, config=CONFIG)

    error, original_key = _file_rejection(store, result)
    assert (error.file, error.path) == ("incoming/big.json", "(file)")
    assert error.value.endswith(" bytes")
    assert error.message.startswith("the file is larger than the ")
    assert "split into files" in error.expected
    assert downloads == []
    assert real_get_bytes(original_key) == body
    assert not store.exists(keys.run_input(result.run_id, "big.json"))


def test_long_file_name_shortened_with_its_suffix(store, records) -> None:
    name = "Frühjahrskatalog " * 20 + ".json"
    store.put_bytes(f"incoming/{name}", _spec("LONG-1", "Long mug"), "application/json")

    result = run_intake(_event(store, f"incoming/{name}"), store=store, records=records, config=CONFIG)

    assert _queued_skus(store, result) == ["LONG-1"]
    file_name = records.get_run(result.run_id).details["file"]
    assert file_name.endswith(".json")
    assert file_name.startswith("Frühjahrskatalog ")
    assert len(file_name.encode()) <= 200


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", "a\\b", "x\x00y"])
def test_key_helpers_reject_unsafe_names(name: str) -> None:
    with pytest.raises(ValueError, match="cannot be part of a key"):
        keys.product_prefix("RUN", name)
    with pytest.raises(ValueError, match="cannot be part of a key"):
        keys.brand_guide(name)
    if "/" not in name:
        # The file name helpers keep only what follows the last slash, so "a/b" names b.
        with pytest.raises(ValueError, match="cannot be part of a key"):
            keys.run_input("RUN", name)
        with pytest.raises(ValueError, match="cannot be part of a key"):
            keys.rejected_original("RUN", name)


def _pointer_event(pointer: dict) -> IntakeTask:
    trigger = load_event("pim-spec-changed-s3-pointer")
    trigger["detail"]["spec_s3"] = pointer
    return IntakeTask(trigger=trigger, execution_id="arn:local", execution_name="pim", started_at=STARTED)


@pytest.mark.parametrize("key", ["pim-exports/", "pim-exports/nope.json"])
def test_pointer_to_missing_object_fails_naming_field(store, records, key) -> None:
    with pytest.raises(ArtifactMissing) as raised:
        run_intake(_pointer_event({"key": key}), store=store, records=records, config=CONFIG)
    assert str(raised.value).startswith(f"s3://{store.bucket}/{key}, named by detail.spec_s3, does not exist")
    assert str(raised.value).endswith("then send the event again")


def test_pointer_reads_the_version_it_names(store, records) -> None:
    store.put_bytes("pim-exports/mug.json", _spec("MUG-1", "Named version"), "application/json")
    named = store.version_ids["pim-exports/mug.json"]
    store.put_bytes("pim-exports/mug.json", _spec("MUG-2", "Later version"), "application/json")

    task = _pointer_event({"key": "pim-exports/mug.json", "version_id": named})
    result = run_intake(task, store=store, records=records, config=CONFIG)

    assert _queued_skus(store, result) == ["MUG-1"]
    assert records.get_run(result.run_id).details["version_id"] == named
    with pytest.raises(ArtifactMissing, match=r"version v-gone, named by detail\.spec_s3, does not exist"):
        run_intake(
            _pointer_event({"key": "pim-exports/mug.json", "version_id": "v-gone"}),
            store=store,
            records=records,
            config=CONFIG,
        )


@pytest.mark.parametrize(
    "key", ["runs/20261204T090000Z-0a1b2c3d/summary.json", "brands/house.json", "cache/vision/x.json"]
)
def test_pointer_into_pipeline_files_rejected(store, records, key) -> None:
    store.put_bytes(key, _spec("MUG-1", "Mug"), "application/json")
    with pytest.raises(InvalidSpec) as raised:
        run_intake(_pointer_event({"key": key}), store=store, records=records, config=CONFIG)
    (error,) = raised.value.errors
    assert (error.path, error.value) == ("detail.spec_s3.key", key)
    assert error.message.startswith(f"the key is under {key.split('/')[0]}/")


def test_pointer_with_unknown_field_rejected(store, records) -> None:
    store.put_bytes("pim-exports/mug.json", _spec("MUG-1", "Mug"), "application/json")
    with pytest.raises(InvalidSpec) as raised:
        run_intake(
            _pointer_event({"key": "pim-exports/mug.json", "versionId": "v1"}),
            store=store,
            records=records,
            config=CONFIG,
        )
    assert any("versionId" in error.path for error in raised.value.errors)


def test_folder_key_is_not_read_as_a_file(store, records) -> None:
    store.put_bytes("incoming/spring/", b"", "application/x-directory")
    result = run_intake(_event(store, "incoming/spring/"), store=store, records=records, config=CONFIG)
    error, _ = _file_rejection(store, result)
    assert error.message == "the key does not end in a usable file name because it ends in a slash, as a folder does"
