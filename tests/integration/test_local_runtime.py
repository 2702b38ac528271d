"""The local runtime itself: the emulated bucket and table, submissions, settings and the output folder."""

import json
import logging
import warnings
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from spec2listing.local.runtime import LOCK_FILE, LOG_FILE, LocalPipeline, LocalStateInvalid

pytestmark = pytest.mark.integration

OFFLINE = {"PROVIDERS": "offline"}


def test_overwrites_of_one_key_race_no_reader(tmp_path) -> None:
    # Renders of identical images write the same cache key at once while other steps read it.
    bodies = [bytes([index]) * 1_000_000 for index in range(4)]
    with LocalPipeline(tmp_path / "out", environment=OFFLINE) as pipeline:
        store = pipeline.store

        def write_then_read(index: int) -> bytes:
            store.put_bytes("cache/images/shared.png", bodies[index % 4], "image/png")
            return store.get_bytes("cache/images/shared.png")

        with ThreadPoolExecutor(max_workers=8) as pool:
            read = list(pool.map(write_then_read, range(48)))

    assert all(body in bodies for body in read)


def test_handler_exception_logged_with_ids(tmp_path) -> None:
    with (
        LocalPipeline(tmp_path / "out", environment=OFFLINE) as pipeline,
        pytest.raises(Exception, match="validation error"),
    ):
        pipeline.invoke("GenerateCopyFunction", {"run_id": "20261204T093001Z-e3fe1a9c", "sku": "KR-MUG-350"})

    lines = [json.loads(line) for line in (tmp_path / "out" / LOG_FILE).read_text().splitlines() if line[:1] == "{"]
    (error,) = [line for line in lines if line.get("message") == "step failed"]
    assert error["error_type"] == "ValidationError"
    assert (error["run_id"], error["sku"]) == ("20261204T093001Z-e3fe1a9c", "KR-MUG-350")


def test_sdk_warnings_go_to_the_log_file(tmp_path, capsys) -> None:
    with LocalPipeline(tmp_path / "out", environment=OFFLINE):
        logging.getLogger("google_genai.types").warning("SOMETHING_NEW is not a valid FinishReason")
        warnings.warn("Image size (90000000 pixels) exceeds limit", UserWarning, stacklevel=1)

    printed = capsys.readouterr().err
    logged = (tmp_path / "out" / LOG_FILE).read_text()
    assert "SOMETHING_NEW" not in printed
    assert "exceeds limit" not in printed
    assert "SOMETHING_NEW is not a valid FinishReason" in logged
    assert "Image size (90000000 pixels) exceeds limit" in logged


def test_interrupted_save_leaves_whole_files(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    with LocalPipeline(out, environment=OFFLINE) as pipeline:
        pipeline.store.put_bytes("cache/images/kept.png", b"first", "image/png")
    table = (out / "table.json").read_bytes()
    # A save killed between writing and renaming leaves its temporary file, which is no bucket object.
    (out / "cache" / "images" / ".0a1b.partial").write_bytes(b"fir")

    def interrupted(self, target):
        raise KeyboardInterrupt

    with LocalPipeline(out, environment=OFFLINE) as pipeline:
        assert pipeline.store.list_keys("cache/images/") == ["cache/images/kept.png"]
        pipeline.store.put_bytes("cache/images/kept.png", b"second", "image/png")
        monkeypatch.setattr("pathlib.Path.replace", interrupted)
        with pytest.raises(KeyboardInterrupt):
            pipeline.save_state()
        monkeypatch.undo()
        images = out / "cache" / "images"
        assert (images / "kept.png").read_bytes() == b"first"
        assert sorted(path.name for path in images.iterdir()) == [".0a1b.partial", "kept.png"]
        assert (out / "table.json").read_bytes() == table

    assert (out / "cache" / "images" / "kept.png").read_bytes() == b"second"


def test_save_skips_dot_segment_keys(tmp_path) -> None:
    out = tmp_path / "out"
    with LocalPipeline(out, environment=OFFLINE) as pipeline:
        pipeline.store.put_bytes("runs/r1/summary.json", b"summary", "application/json")
        pipeline.store.put_bytes("incoming/../runs/r1/summary.json", b"upload", "application/json")
        # The key is deleted after this save, so the save on leaving the pipeline does not warn again.
        with pytest.warns(UserWarning, match="has no path of its own"):
            pipeline.save_state()
            boto3.client("s3", region_name="us-east-1").delete_object(
                Bucket=pipeline.bucket, Key="incoming/../runs/r1/summary.json"
            )

    assert (out / "runs" / "r1" / "summary.json").read_bytes() == b"summary"
    assert (out / "table.json").is_file()


def test_save_skips_unwritable_file(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "cache" / "images" / "blocked.png").mkdir(parents=True)
    with LocalPipeline(out, environment=OFFLINE) as pipeline:
        pipeline.store.put_bytes("cache/images/blocked.png", b"image", "image/png")
        pipeline.store.put_bytes("cache/images/free.png", b"image", "image/png")
        with pytest.warns(UserWarning, match="'cache/images/blocked.png' not saved"):
            pipeline.save_state()
        (out / "cache" / "images" / "blocked.png").rmdir()

    assert (out / "cache" / "images" / "free.png").read_bytes() == b"image"
    assert (out / "cache" / "images" / "blocked.png").read_bytes() == b"image"
    assert (out / "table.json").is_file()


def test_second_command_on_folder_rejected(tmp_path) -> None:
    out = tmp_path / "out"
    with LocalPipeline(out, environment=OFFLINE):
        with pytest.raises(LocalStateInvalid, match="is in use by another spec2listing command"):
            LocalPipeline(out, environment=OFFLINE).__enter__()
        assert (out / LOCK_FILE).read_text().startswith("pid ")

    # The lock ends with the first pipeline, so the folder can be used again.
    with LocalPipeline(out, environment=OFFLINE):
        pass
