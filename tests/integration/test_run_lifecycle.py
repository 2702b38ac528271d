"""Runs that end outside the state machine's Catch paths, and triggers near the payload limit."""

import json
import time
import uuid

import boto3
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus, RunStatus

from tests.support import EXAMPLES, load_event

# Step Functions limits an execution's input and its state to 256 KiB.
STATE_LIMIT_BYTES = 256 * 1024


def test_stopped_run_does_not_pin_its_products(tmp_path) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    spec.pop("reference_photos", None)
    path = tmp_path / "mug.json"
    path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    slow = {"PROVIDERS": "offline", "OFFLINE_IMAGE_LATENCY_SECONDS": "4"}
    with LocalPipeline(out, environment=slow) as pipeline:
        submission = pipeline.submit_file(path)
        # Stop it while its images render: a fixed sleep raced a slow start on a loaded machine.
        deadline = time.monotonic() + 60
        while not pipeline.invocations.get("RenderImageFunction") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pipeline.invocations.get("RenderImageFunction"), "no image started rendering within 60 s"
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        sfn.stop_execution(executionArn=submission.execution_arn, error="Operator", cause="stopped by an operator")
        pipeline.wait([submission], timeout_seconds=120)
    assert submission.status == "ABORTED"

    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        (first,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
        copies_first = pipeline.invocations.get("GenerateCopyFunction", 0)
        (second,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
        copies_second = pipeline.invocations.get("GenerateCopyFunction", 0) - copies_first

    assert [product.status for product in first.products] == [ProductStatus.COMPLETE]
    assert copies_first == 1
    assert second.products[0].reused_from == first.run.run_id
    assert copies_second == 0


def test_trigger_near_payload_limit_runs(tmp_path) -> None:
    event = load_event("pim-spec-changed-inline")
    event["id"] = str(uuid.uuid4())
    size = len(json.dumps(event))
    # Intake reads no resources of the envelope, so a long one makes the trigger large but valid.
    # The 200 bytes left are fewer than Intake's result takes, so trigger and result together do not fit.
    padding = STATE_LIMIT_BYTES - size - 200 - len('[""]') + len(json.dumps(event["resources"]))
    event["resources"] = ["x" * padding]
    assert len(json.dumps(event)) == STATE_LIMIT_BYTES - 200

    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(EXAMPLES / "brands")
        submission = pipeline.start(tmp_path / "inline.json", "", event)
        (outcome,) = pipeline.wait([submission], timeout_seconds=300)

    assert submission.status == "SUCCEEDED", submission.error
    assert outcome.run is not None
    assert outcome.run.status == RunStatus.SUCCEEDED
    assert outcome.products


def test_uncaught_failure_closes_run(tmp_path) -> None:
    event = load_event("pim-spec-changed-inline")
    event["id"] = str(uuid.uuid4())
    # Intake rejects a spec sent as a string. Its Catch adds the error to a trigger already near the 256 KB
    # limit, so Step Functions fails the execution with States.DataLimitExceeded, which no Catch handles.
    event["detail"]["spec"] = "x" * (STATE_LIMIT_BYTES - len(json.dumps(event)) - 100)

    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        submission = pipeline.start(tmp_path / "inline.json", "", event)
        (outcome,) = pipeline.wait([submission], timeout_seconds=300)

    assert submission.status == "FAILED"
    assert submission.error == "States.DataLimitExceeded"
    assert outcome.run is not None
    assert outcome.run.status == RunStatus.FAILED
    assert outcome.run.error.startswith("States.DataLimitExceeded")


def test_progress_ends_at_product_count(tmp_path) -> None:
    reports: list[tuple[int, int]] = []
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(EXAMPLES / "brands")
        submission = pipeline.submit_file(EXAMPLES / "winter-catalog.csv")
        (outcome,) = pipeline.wait(
            [submission], on_progress=lambda *report: reports.append(report), timeout_seconds=300
        )

    assert len(outcome.products) == 2
    assert reports[-1] == (2, 2)
    finished = [done for done, _ in reports]
    assert finished == sorted(finished)
