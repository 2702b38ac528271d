"""Closing a run that failed: through RecordRunFailure, or after its execution stopped, timed out or failed.

A failed run must not hold anything a later run needs. Its record says
FAILED with the error, every queued product without an outcome is recorded as
FAILED with its claim set to RETRY, and the trigger delivery is released, so
that a replay of the same event (an EventBridge archive replay keeps the
event id) or a re-upload starts a new run.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from pydantic import ValidationError

from spec2listing.models.records import RunRecord, RunStatus
from spec2listing.models.tasks import ExecutionStatusChange, RunFailureTask
from spec2listing.models.triggers import S3_OBJECT_CREATED, TriggerEvent
from spec2listing.pipeline.intake import delivery_hash, make_run_id
from spec2listing.pipeline.outcomes import (
    close_run_record,
    error_text,
    record_missing_outcomes,
    write_run_report,
)
from spec2listing.storage import keys
from spec2listing.storage.events import EventPublisher
from spec2listing.storage.objects import ObjectStore, put_json
from spec2listing.storage.records import RecordStore

LISTINGS_FAILED = "ListingsFailed"
# Error names of an execution that ended outside the state machine's Catch paths, by execution status.
ENDED_EXECUTION_ERRORS = {"ABORTED": "ExecutionAborted", "TIMED_OUT": "ExecutionTimedOut", "FAILED": "ExecutionFailed"}


def record_run_failure(
    task: RunFailureTask, *, store: ObjectStore, records: RecordStore, events: EventPublisher
) -> RunRecord:
    """Record a run that failed outside any product, keeping the triggering event under rejected/.

    A run that is already closed is left as it is.

    After Intake succeeds the state no longer carries the trigger, because
    Intake kept the original under runs/<run_id>/input/. Before that the
    trigger is the state itself, less the caught error.
    """
    intake = task.state.get("intake") or {}
    run_id = intake.get("run_id") or make_run_id(task.started_at, task.execution_name)
    name, message = error_text(task.state.get("error") or {})
    trigger = {key: value for key, value in task.state.items() if key not in ("intake", "error")}
    run = records.get_run(run_id) or new_run_record(
        run_id, trigger, execution_id=task.execution_id, started_at=task.started_at
    )
    if run.status != RunStatus.RUNNING:
        # Closed already by CloseEndedRun after a stop, which recorded the error and announced the run.
        return run
    if trigger:
        run = run.model_copy(update={"details": {**run.details, "event_key": keep_event(store, run_id, trigger)}})
    return fail_run(run, f"{name}: {message}", store=store, records=records, events=events)


def close_ended_execution(
    event: ExecutionStatusChange, *, store: ObjectStore, records: RecordStore, events: EventPublisher
) -> RunRecord | None:
    """Close the run of an execution that was stopped, timed out or failed; None when it is already closed.

    Summarize and RecordRunFailure close a run on the state machine's own
    paths. A StopExecution, the execution timeout, or an error that no Catch
    matches (States.DataLimitExceeded, States.Runtime) ends the execution
    without either, and the run record would stay RUNNING.
    """
    detail = event.detail
    error_name = ENDED_EXECUTION_ERRORS.get(detail.status)
    if error_name is None:
        return None
    run_id = make_run_id(detail.start_date, detail.name)
    run = records.get_run(run_id)
    if run is not None and run.status != RunStatus.RUNNING:
        return None
    if run is None:
        # The execution ended before Intake recorded the run; the trigger is the execution input.
        trigger = detail.input or {}
        run = new_run_record(run_id, trigger, execution_id=detail.execution_arn, started_at=detail.start_date)
        if trigger:
            run = run.model_copy(update={"details": {**run.details, "event_key": keep_event(store, run_id, trigger)}})
    name = detail.error or error_name
    message = detail.cause or f"the execution ended with status {detail.status}"
    return fail_run(run, f"{name}: {message}", store=store, records=records, events=events, ended_at=detail.stop_date)


def fail_run(
    run: RunRecord,
    error: str,
    *,
    store: ObjectStore,
    records: RecordStore,
    events: EventPublisher,
    ended_at: datetime | None = None,
) -> RunRecord:
    """Mark the run FAILED, record its unfinished products, write its report and release its delivery.

    Announces ListingsFailed. `ended_at` is when the execution stopped, when that is known and earlier than now.
    """
    products = records.list_run_products(run.run_id)
    products += record_missing_outcomes(
        run.run_id,
        products,
        reason=f"the run failed before the product finished ({error}); run the spec again to retry",
        store=store,
        records=records,
        ended_at=ended_at,
    )
    failed = close_run_record(
        run, products, status=RunStatus.FAILED, finished=ended_at or datetime.now(UTC), error=error
    )
    failed = write_run_report(failed, products, store=store)
    records.put_run(failed)
    if failed.delivery is not None:
        records.release_delivery(failed.delivery, failed.run_id)
    events.publish(
        LISTINGS_FAILED,
        {
            "run_id": failed.run_id,
            "source": failed.source,
            "error": error,
            "counts": failed.counts,
            "summary_key": failed.summary_key,
        },
    )
    return failed


def new_run_record(run_id: str, trigger: dict[str, Any], *, execution_id: str, started_at: datetime) -> RunRecord:
    """Build a RUNNING record for a run that ended before Intake recorded it, named after what triggered it."""
    source = str(trigger.get("detail-type", "unknown trigger"))
    delivery = None
    try:
        event = TriggerEvent.model_validate(trigger)
        delivery = delivery_hash(event)
        if event.detail_type == S3_OBJECT_CREATED:
            created = event.s3_object()
            source = f"s3://{created.bucket.name}/{unquote_plus(created.object.key)}"
        else:
            source = f"event {event.id} from {event.source}"
    except ValidationError:
        # An invalid trigger claimed no delivery; the detail-type is all there is to name it by.
        pass
    return RunRecord(
        run_id=run_id,
        status=RunStatus.RUNNING,
        source=source,
        execution_id=execution_id,
        started_at=started_at,
        delivery=delivery,
    )


def keep_event(store: ObjectStore, run_id: str, trigger: dict[str, Any]) -> str:
    """Write the triggering event to rejected/<run_id>/event.json and return its key."""
    event_key = f"{keys.REJECTED_PREFIX}{run_id}/event.json"
    put_json(store, event_key, trigger)
    return event_key
