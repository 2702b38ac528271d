"""`spec2listing run` and `estimate` end to end: submissions, stopped runs, printed output and settings."""

import json
import os
import shutil
import signal
import time

import pytest
from spec2listing.local import cli
from spec2listing.local.cli import main
from spec2listing.local.events import read_event
from spec2listing.local.runtime import LocalPipeline

from tests.support import ACCEPTANCE, EVENTS, EXAMPLES, load_event

pytestmark = pytest.mark.integration


def test_same_file_name_in_two_folders(tmp_path, capsys) -> None:
    for folder, example in (("d1", "daypack.json"), ("d2", "stoneware-mug.json")):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / example, tmp_path / folder / "spec.json")
    out = tmp_path / "out"
    arguments = ["run", str(tmp_path / "d1" / "spec.json"), str(tmp_path / "d2" / "spec.json")]

    code = main([*arguments, "--brands", str(EXAMPLES / "brands"), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "FJ-DAY-22" in printed
    assert "KR-MUG-350" in printed
    assert len(list(out.glob("runs/*/summary.json"))) == 2
    # Handler and emulator logs alike are JSON lines.
    lines = (out / "logs" / "spec2listing.log").read_text().splitlines()
    assert lines and all(isinstance(json.loads(line), dict) for line in lines)
    assert len(list(out.glob("incoming/*/spec.json"))) == 2


def test_file_named_twice_runs_once(tmp_path, capsys) -> None:
    path = EXAMPLES / "daypack.json"
    out = tmp_path / "out"

    code = main(
        ["run", str(path), str(EXAMPLES / ".." / "examples" / "daypack.json"), str(EXAMPLES), "--out", str(out)]
    )

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert printed.count("FJ-DAY-22 ") == 1
    assert len(list(out.glob("runs/*/summary.json"))) == 3


def test_corrupt_table_is_usage_error(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.json").write_text('{"items": [')

    code = main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 2
    assert "table.json is not a local table" in printed.err
    assert "Traceback" not in printed.err


@pytest.mark.parametrize(
    ("item", "named"),
    [
        ({"pk": "PRODUCT#FJ-DAY-22", "sk": "LISTING", "record": {"sku": "FJ-DAY-22"}}, "run_id"),
        ({"pk": "RUN#r1", "sk": "RUN", "record": {"run_id": "r1", "status": "BOGUS"}}, "status"),
        ({"pk": "RUN#r1"}, "is not an object with text pk and sk"),
    ],
    ids=["listing-without-run", "run-status", "no-sk"],
)
def test_invalid_table_record_is_usage_error(tmp_path, capsys, item, named) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "table.json").write_text(json.dumps({"items": [item]}))

    code = main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 2
    assert "table.json: item 0 " in printed.err
    assert named in printed.err
    assert "Traceback" not in printed.err
    assert not (out / "runs").exists()


def test_timeout_stops_runs_and_records_them(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OFFLINE_COPY_LATENCY_SECONDS", "3")
    out = tmp_path / "out"

    code = main(["run", str(EXAMPLES / "daypack.json"), "--timeout", "0.5", "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 1
    assert "timed out after 0.5 s with runs still going; stopped runs" in printed.err
    assert "spec2listing results" in printed.out
    assert "FJ-DAY-22" in printed.out
    (run,) = [item for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert run["record"]["status"] == "FAILED"
    assert run["record"]["error"].startswith("TimedOut:")
    summary = json.loads((out / run["record"]["summary_key"]).read_text())
    assert summary["status"] == "FAILED"
    assert (out / summary["review_index"]).is_file()


def test_deadline_after_last_run_succeeds(tmp_path, monkeypatch, capsys) -> None:
    # The deadline passes after the last run ended but before the runs were stopped, so none is left to stop.
    def finish_then_time_out(pipeline, submissions, console, timeout):
        pipeline.wait(submissions, timeout_seconds=300)
        raise TimeoutError("timed out after 0.5 s with runs still going")

    monkeypatch.setattr(cli, "_wait_with_progress", finish_then_time_out)
    out = tmp_path / "out"

    code = main(["run", str(EXAMPLES / "daypack.json"), "--timeout", "0.5", "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "timed out" not in printed.err
    assert "FJ-DAY-22" in printed.out
    (run,) = [item for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert run["record"]["status"] == "SUCCEEDED"


def test_interrupt_stops_runs_and_records_them(tmp_path, monkeypatch, capsys) -> None:
    _interrupt_while_running(monkeypatch)
    out = tmp_path / "out"

    code = main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 130
    assert "interrupted; stopped runs 20" in printed.err
    assert "spec2listing results" in printed.out
    (run,) = [item for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert run["record"]["status"] == "FAILED"
    assert run["record"]["error"] == "Interrupted: stopped with Ctrl-C"


def test_sigterm_stops_runs_and_saves_the_folder(tmp_path, monkeypatch, capsys) -> None:
    _interrupt_while_running(monkeypatch, stop=_terminate_once_counted)
    out = tmp_path / "out"

    code = main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 128 + signal.SIGTERM
    assert "interrupted; stopping runs and saving the output folder" in printed.err
    (run,) = [item for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert run["record"]["status"] == "FAILED"
    assert run["record"]["error"] == "Interrupted: stopped by SIGTERM"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_second_interrupt_waits_for_the_runs_to_close(tmp_path, monkeypatch, capsys) -> None:
    _interrupt_while_running(monkeypatch)
    original_stop = LocalPipeline.stop

    def stop_interrupted_again(self, submissions, **options):
        os.kill(os.getpid(), signal.SIGINT)  # an impatient second Ctrl-C
        return original_stop(self, submissions, **options)

    monkeypatch.setattr(LocalPipeline, "stop", stop_interrupted_again)
    out = tmp_path / "out"

    code = main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)])

    printed = capsys.readouterr()
    assert code == 130
    assert "please wait" in printed.err
    assert "spec2listing results" in printed.out
    (run,) = [item for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert run["record"]["status"] == "FAILED"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def _interrupt_while_running(monkeypatch, stop=None) -> None:
    """Slow the copy calls and press Ctrl-C (or call `stop`) once intake has recorded the run, while products
    are being written."""
    monkeypatch.setenv("OFFLINE_COPY_LATENCY_SECONDS", "3")
    original_wait = LocalPipeline.wait

    def interrupted_wait(self, submissions, **options):
        original_wait(self, submissions, on_progress=stop or _stop_once_counted, timeout_seconds=None)

    monkeypatch.setattr(LocalPipeline, "wait", interrupted_wait)


def _stop_once_counted(done: int, expected: int) -> None:
    if expected:
        raise KeyboardInterrupt


def _terminate_once_counted(done: int, expected: int) -> None:
    if expected:
        os.kill(os.getpid(), signal.SIGTERM)  # as a cancelled CI job or `timeout` sends it
        time.sleep(1)


def test_unicode_reader_option_round_trips(tmp_path) -> None:
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        submission = pipeline.submit_file(EXAMPLES / "daypack.json", {"attributes": "name=títle", "locale": "en_US"})
        metadata = pipeline.store.metadata(submission.key)
        pipeline.wait([submission], timeout_seconds=300)

    assert metadata == {"attributes": "name=títle", "locale": "en_US"}


def _spec_with_markup(tmp_path):
    spec = json.loads((EXAMPLES / "daypack.json").read_text())
    spec["price"] = "[/red] boom"
    path = tmp_path / "[bold]lamp.json"
    path.write_text(json.dumps(spec))
    return path


def test_run_prints_markup_in_values_as_text(tmp_path, capsys) -> None:
    path = _spec_with_markup(tmp_path)

    code = main(["run", str(path), "--brands", str(EXAMPLES / "brands"), "--out", str(tmp_path / "out")])

    printed = capsys.readouterr().out
    assert code == 1, printed
    assert "[bold]lamp.json" in printed
    assert "[/red] boom" in printed


def test_estimate_prints_markup_in_values_as_text(tmp_path, capsys) -> None:
    path = _spec_with_markup(tmp_path)

    code = main(["estimate", str(path), "--brands", str(EXAMPLES / "brands")])

    printed = capsys.readouterr().out
    assert code == 1, printed
    assert "[/red] boom" in printed


def test_settings_from_environment_reach_functions(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("IMAGE_QUALITY", "high")
    monkeypatch.setenv("IMAGE_SIZE", "1536x1024")
    monkeypatch.setenv("BUCKET_NAME", "someone-elses-bucket")
    out = tmp_path / "out"

    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(EXAMPLES / "brands")
        (outcome,) = pipeline.wait([pipeline.submit_file(EXAMPLES / "daypack.json")], timeout_seconds=300)

    jobs = json.loads((out / "runs" / outcome.run.run_id / "products" / "FJ-DAY-22" / "image-jobs.json").read_text())
    packshot = next(job for job in jobs["jobs"] if job["kind"] == "packshot")
    assert packshot["quality"] == "high"
    assert packshot["size"] == "1536x1024"
    assert (out / "runs" / outcome.run.run_id / "summary.json").is_file()


def test_every_rejected_file_gets_a_row(tmp_path, capsys) -> None:
    bad_files = sorted(path.name for path in (ACCEPTANCE / "bad").iterdir())
    out = tmp_path / "out"

    code = main(["run", str(ACCEPTANCE / "bad"), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 1
    rows = [line for line in printed.splitlines() if "REJECTED" in line]
    assert len(rows) == len(bad_files)
    for name in bad_files:
        assert any(name in row for row in rows), name
    (summary_path,) = [path for path in out.glob("runs/*/summary.json") if "not-json.json" in path.read_text()]
    index = (summary_path.parent / "review" / "index.html").read_text()
    assert "Rejected without a SKU (1)" in index
    assert "errors.json" in index


def test_one_unchanged_product_reads_singular(tmp_path, capsys) -> None:
    arguments = ["run", str(EXAMPLES / "daypack.json"), "--out", str(tmp_path / "out")]
    assert main(arguments) == 0
    capsys.readouterr()

    assert main(arguments) == 0

    assert "daypack.json: 1 unchanged product kept its listing, at no cost" in capsys.readouterr().out


def test_output_folder_indexes_every_run(tmp_path, capsys) -> None:
    out = tmp_path / "out"

    assert main(["run", str(EXAMPLES), "--out", str(out)]) == 0
    assert main(["run", str(EXAMPLES / "daypack.json"), "--out", str(out)]) == 0

    assert f"linked from {out / 'index.html'}" in capsys.readouterr().out
    index = (out / "index.html").read_text()
    run_ids = [path.parent.name for path in out.glob("runs/*/summary.json")]
    assert len(run_ids) == 4
    for run_id in run_ids:
        assert f'href="runs/{run_id}/review/index.html"' in index
    assert index.count("daypack.json") == 2


def test_sku_in_two_files_names_the_current_outcome(tmp_path, capsys) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    (tmp_path / "a.json").write_text(json.dumps(spec))
    spec["price"]["amount"] = 27
    (tmp_path / "b.json").write_text(json.dumps(spec))
    out = tmp_path / "out"

    code = main(["run", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--out", str(out)])

    assert code == 0
    printed = " ".join(capsys.readouterr().out.split())
    items = json.loads((out / "table.json").read_text())["items"]
    current = next(item for item in items if item["pk"] == "PRODUCT#KR-MUG-350" and item["sk"] == "CURRENT")
    run = next(item for item in items if item["pk"] == f"RUN#{current['record']['run_id']}" and item["sk"] == "RUN")
    source = run["record"]["source"].rsplit("/", 1)[-1]
    assert f"note: KR-MUG-350 is in a.json, b.json; its current outcome is the one from {source}," in printed


def test_shared_sku_note_names_paths(tmp_path, capsys) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    for folder, price in (("a", 26), ("b", 27)):
        (tmp_path / folder).mkdir()
        spec["price"]["amount"] = price
        (tmp_path / folder / "mug.json").write_text(json.dumps(spec))

    code = main(
        ["run", str(tmp_path / "a" / "mug.json"), str(tmp_path / "b" / "mug.json"), "--out", str(tmp_path / "out")]
    )

    assert code == 0
    printed = "".join(capsys.readouterr().out.split())
    assert f"note:KR-MUG-350isin{tmp_path / 'a' / 'mug.json'},{tmp_path / 'b' / 'mug.json'};" in printed


def test_run_sends_pim_events(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    events = [EVENTS / "pim-spec-changed-akeneo.json", EVENTS / "pim-spec-changed-shopify-webhook.json"]

    code = main(
        ["run", *[f"--event={path}" for path in events], "--brands", str(EXAMPLES / "brands"), "--out", str(out)]
    )

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "pim-spec-changed-akeneo.json" in printed
    assert "pim-spec-changed-shopify-webhook.json" in printed
    records = [item["record"] for item in json.loads((out / "table.json").read_text())["items"] if item["sk"] == "RUN"]
    assert sorted(record["details"]["format"] for record in records) == ["akeneo-json", "shopify-json"]
    assert all(record["status"] == "SUCCEEDED" for record in records)


def test_event_without_id_gets_one(tmp_path, capsys) -> None:
    event = load_event("pim-spec-changed-inline")
    del event["id"], event["time"]
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))

    code = main(["run", "--event", str(path), "--brands", str(EXAMPLES / "brands"), "--out", str(tmp_path / "out")])

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "COMPLETE" in printed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"detail-type": "Object Created"}, 'detail-type is "Object Created"'),
        ({"detail": "KR-BWL-15"}, "detail is missing or not an object"),
        ({"source": ""}, "source is missing"),
        ({"source": "aws.s3"}, "PutEvents rejects sources that start with 'aws.'"),
    ],
)
def test_event_envelope_errors(tmp_path, capsys, change, message) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({**load_event("pim-spec-changed-inline"), **change}))

    code = main(["run", "--event", str(path), "--out", str(tmp_path / "out")])

    printed = capsys.readouterr().err
    assert code == 2
    assert f"--event {path}: " in printed
    assert message in printed
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"detail": ' + "[" * 100_000 + "]" * 100_000 + "}", "cannot read the event: it is nested too deeply"),
        ('{"id": ' + "9" * 5000 + "}", "cannot read the event: "),
        (json.dumps({"detail": {"padding": "x" * 300_000}}), "over the 261,120 bytes"),
        (json.dumps({"DetailType": "ProductSpecChanged", "Detail": "{}"}), "this is a PutEvents entry"),
    ],
)
def test_unreadable_event_is_usage_error(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "event.json"
    path.write_text(text)

    code = main(["run", "--event", str(path), "--out", str(tmp_path / "out")])

    # The console wraps long lines.
    printed = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert f"--event {path}: " in printed
    assert message in printed


def test_event_size_counted_without_indentation(tmp_path) -> None:
    event = json.loads((EVENTS / "pim-spec-changed-inline.json").read_text())
    # Indented, the file is over the limit; as the bus carries it, without indentation, it is well under.
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event, indent=4000))
    assert path.stat().st_size > 261_120

    assert read_event(path)["detail"] == event["detail"]


def test_same_event_file_twice_runs_twice(tmp_path, capsys) -> None:
    arguments = ["run", "--event", str(EVENTS / "pim-spec-changed-akeneo.json"), "--out", str(tmp_path / "out")]
    assert main([*arguments, "--brands", str(EXAMPLES / "brands")]) == 0
    capsys.readouterr()

    code = main(arguments)

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "repeated delivery" not in printed
    items = json.loads((tmp_path / "out" / "table.json").read_text())["items"]
    assert len([item for item in items if item["sk"] == "RUN"]) == 2
    assert any(item["record"].get("reused_from") for item in items if item["sk"].startswith("PRODUCT#"))


def test_run_without_inputs_is_usage_error(tmp_path, capsys) -> None:
    code = main(["run", "--out", str(tmp_path / "out")])

    assert code == 2
    assert "nothing to run" in capsys.readouterr().err


def test_stored_brand_guide_is_named(tmp_path, capsys) -> None:
    (tmp_path / "brands").mkdir()
    shutil.copy(EXAMPLES / "daypack.json", tmp_path / "daypack.json")
    shutil.copy(EXAMPLES / "brands" / "fjellstad.json", tmp_path / "brands" / "fjellstad.json")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "daypack.json"), "--out", str(out)]) == 0
    assert "keeps brand guides" not in capsys.readouterr().err
    shutil.rmtree(tmp_path / "brands")

    code = main(["run", str(tmp_path / "daypack.json"), "--out", str(out)])

    assert code == 0
    assert "keeps brand guides from earlier runs (fjellstad)" in capsys.readouterr().err


def test_event_older_than_listing_is_named(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["run", str(EXAMPLES / "stoneware-mug.json"), "--out", str(out)]) == 0
    assert "before its current listing" not in capsys.readouterr().out
    event = load_event("pim-spec-changed-inline")
    event["detail"]["spec"]["price"]["amount"] = 9.99
    path = tmp_path / "older.json"
    path.write_text(json.dumps(event))

    code = main(["run", "--event", str(path), "--brands", str(EXAMPLES / "brands"), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "KR-MUG-350 from older.json changed at 2026-12-04 10:00:00 UTC, before its current listing" in printed
