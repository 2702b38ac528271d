"""Failed, stopped and timed-out runs release their claims, on in-memory storage."""

import json
from datetime import UTC, datetime

import pytest
from spec2listing.errors import ArtifactMissing, RunClosed
from spec2listing.models.records import ProductStatus, RunStatus, Usage
from spec2listing.models.tasks import ExecutionStatusChange, IntakeTask, PipelineConfig, RunFailureTask
from spec2listing.models.triggers import TriggerEvent
from spec2listing.pipeline.intake import delivery_hash, make_run_id, run_intake
from spec2listing.pipeline.outcomes import NO_OUTCOME_ERROR, usage_totals
from spec2listing.pipeline.runs import LISTINGS_FAILED, close_ended_execution, record_run_failure
from spec2listing.storage import keys
from spec2listing.storage.objects import get_json

from tests.support import EXAMPLES, load_event

CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
STARTED = datetime(2026, 12, 4, 10, 0, 0, tzinfo=UTC)
MUG_SKU = "KR-MUG-350"


def _upload_trigger(store, name: str = "stoneware-mug.json") -> dict:
    key = f"incoming/{name}"
    store.put_bytes(key, (EXAMPLES / name).read_bytes(), "application/json")
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = key
    return trigger


def _intake(store, records, trigger: dict, execution: str = "sample-stopped"):
    task = IntakeTask(
        trigger=trigger, execution_id=f"arn:local:{execution}", execution_name=execution, started_at=STARTED
    )
    return run_intake(task, store=store, records=records, config=CONFIG, generation={"copy": "offline"})


def _ended(trigger: dict | None, status: str = "ABORTED", execution: str = "sample-stopped") -> ExecutionStatusChange:
    event = load_event("close-ended-run-execution-aborted")
    event["detail"].update(
        name=execution,
        status=status,
        startDate=int(STARTED.timestamp() * 1000),
        input=json.dumps(trigger) if trigger is not None else None,
    )
    return ExecutionStatusChange.model_validate(event)


def test_sample_event_parses() -> None:
    event = ExecutionStatusChange.model_validate(load_event("close-ended-run-execution-aborted"))
    assert event.detail.start_date == STARTED
    assert event.detail.status == "ABORTED"
    assert event.detail.input is not None
    assert event.detail.input["detail-type"] == "Object Created"


def test_stopped_execution_closes_its_run(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)
    assert records.get_run(result.run_id).status == RunStatus.RUNNING

    closed = close_ended_execution(_ended(trigger), store=store, records=records, events=publisher)

    assert closed is not None
    assert closed.run_id == result.run_id
    assert records.get_run(result.run_id).status == RunStatus.FAILED
    assert records.get_run(result.run_id).error == "Operator: stopped by an operator"
    (product,) = records.list_run_products(result.run_id)
    assert product.status == ProductStatus.FAILED
    assert product.error.startswith(NO_OUTCOME_ERROR)
    assert product.name == json.loads((EXAMPLES / "stoneware-mug.json").read_text())["name"]
    assert product.finished_at == datetime(2026, 12, 4, 10, 7, 12, tzinfo=UTC)
    assert closed.finished_at == product.finished_at
    assert closed.counts[ProductStatus.FAILED.value] == 1
    assert [name for name, _ in publisher.events] == [LISTINGS_FAILED]


def test_stopped_run_gets_summary_and_index(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)

    closed = close_ended_execution(_ended(trigger), store=store, records=records, events=publisher)

    assert closed is not None
    assert closed.summary_key == keys.run_summary(result.run_id)
    summary = get_json(store, closed.summary_key)
    assert summary["status"] == RunStatus.FAILED.value
    assert summary["error"] == "Operator: stopped by an operator"
    assert [product["sku"] for product in summary["products"]] == [MUG_SKU]
    index = store.get_bytes(keys.run_review_index(result.run_id)).decode("utf-8")
    assert "The run failed: Operator: stopped by an operator" in index
    assert MUG_SKU in index
    ((_, detail),) = publisher.events
    assert detail["summary_key"] == closed.summary_key


def test_stopped_run_releases_claims_and_delivery(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)
    (item,) = get_json(store, result.products_key)

    close_ended_execution(_ended(trigger), store=store, records=records, events=publisher)

    assert records.claim_spec(MUG_SKU, item["spec_hash"], "next-run").run_id == "next-run"
    delivery = delivery_hash(TriggerEvent.model_validate(trigger))
    assert records.claim_delivery(delivery, "next-run") == "next-run"


def test_closed_run_is_left_alone(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)
    run = records.get_run(result.run_id)
    records.put_run(run.model_copy(update={"status": RunStatus.SUCCEEDED}))

    assert close_ended_execution(_ended(trigger, "FAILED"), store=store, records=records, events=publisher) is None
    assert records.get_run(result.run_id).status == RunStatus.SUCCEEDED
    assert publisher.events == []


def test_still_running_status_is_ignored(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)

    assert close_ended_execution(_ended(trigger, "RUNNING"), store=store, records=records, events=publisher) is None
    assert records.get_run(result.run_id).status == RunStatus.RUNNING


def test_execution_ended_before_intake(store, records, publisher) -> None:
    trigger = _upload_trigger(store)

    closed = close_ended_execution(_ended(trigger, "TIMED_OUT"), store=store, records=records, events=publisher)

    assert closed is not None
    assert closed.run_id == make_run_id(STARTED, "sample-stopped")
    assert closed.status == RunStatus.FAILED
    assert closed.error.startswith("Operator:")
    assert closed.source == f"s3://{store.bucket}/incoming/stoneware-mug.json"
    assert get_json(store, closed.details["event_key"]) == trigger


def test_intake_after_the_stop_leaves_the_run_closed(store, records, publisher) -> None:
    # A stop can close the run before Intake runs: before the emulator starts the execution's thread, or
    # while the Intake function was already invoked on AWS.
    trigger = _upload_trigger(store)
    closed = close_ended_execution(_ended(trigger), store=store, records=records, events=publisher)

    with pytest.raises(RunClosed, match="was closed before its Intake finished"):
        _intake(store, records, trigger)
    error = {"Error": "RunClosed", "Cause": "closed"}
    task = RunFailureTask(
        execution_id="arn:local:sample-stopped", execution_name="sample-stopped", started_at=STARTED, state=trigger
    )
    task.state["error"] = error
    again = record_run_failure(task, store=store, records=records, events=publisher)

    assert records.get_run(closed.run_id) == closed
    assert again == closed
    assert [name for name, _ in publisher.events] == [LISTINGS_FAILED]
    assert records.list_run_products(closed.run_id) == []
    replay = _intake(store, records, trigger, execution="replay")
    assert (replay.duplicate_of, replay.queued_count) == (None, 1)


def test_timed_out_execution_without_cause(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)
    event = _ended(trigger, "TIMED_OUT")
    event.detail.error = None
    event.detail.cause = None

    closed = close_ended_execution(event, store=store, records=records, events=publisher)

    assert closed is not None
    assert closed.run_id == result.run_id
    assert closed.error == "ExecutionTimedOut: the execution ended with status TIMED_OUT"


def test_failed_event_replayed_starts_new_run(store, records, publisher) -> None:
    trigger = load_event("pim-spec-changed-s3-pointer")
    trigger["detail"]["spec_s3"]["key"] = "incoming/late.json"
    with pytest.raises(ArtifactMissing):
        _intake(store, records, trigger, execution="first")
    error = {"Error": "ArtifactMissing", "Cause": '{"errorMessage": "incoming/late.json does not exist"}'}
    task = RunFailureTask(
        execution_id="arn:local:first", execution_name="first", started_at=STARTED, state={**trigger, "error": error}
    )

    failed = record_run_failure(task, store=store, records=records, events=publisher)

    assert failed.status == RunStatus.FAILED
    assert failed.source == f"event {trigger['id']} from com.example.pim"
    assert get_json(store, failed.details["event_key"]) == trigger
    store.put_bytes("incoming/late.json", (EXAMPLES / "stoneware-mug.json").read_bytes(), "application/json")
    replay = _intake(store, records, trigger, execution="replay")
    assert replay.duplicate_of is None
    assert replay.queued_count == 1


def test_run_failure_after_intake_records_products(store, records, publisher) -> None:
    trigger = _upload_trigger(store)
    result = _intake(store, records, trigger)
    error = {"Error": "States.ExceedToleratedFailureThreshold", "Cause": "too many products failed"}
    state = {"intake": result.model_dump(mode="json"), "error": error}
    task = RunFailureTask(
        execution_id="arn:local:sample-stopped", execution_name="sample-stopped", started_at=STARTED, state=state
    )

    failed = record_run_failure(task, store=store, records=records, events=publisher)

    assert failed.run_id == result.run_id
    assert failed.source == f"s3://{store.bucket}/incoming/stoneware-mug.json"
    assert "event_key" not in failed.details
    assert failed.counts[ProductStatus.FAILED.value] == 1
    assert [name for name, _ in publisher.events] == [LISTINGS_FAILED]
    assert publisher.events[0][1]["error"] == "States.ExceedToleratedFailureThreshold: too many products failed"


def test_usage_totals_round_each_step_once() -> None:
    usage = [Usage(step="vision", provider="gemini", model="gemini-2.5-flash", cost_usd=0.0011368)] * 100
    usage += [Usage(step="copy", provider="gemini", model="gemini-2.5-flash", cost_usd=4e-7)] * 50

    totals = {entry["step"]: entry for entry in usage_totals(usage)}

    assert totals["vision"]["cost_usd"] == pytest.approx(0.11368, abs=1e-9)
    assert totals["copy"]["cost_usd"] == pytest.approx(2e-5, abs=1e-9)
    assert totals["vision"]["calls"] == 100
