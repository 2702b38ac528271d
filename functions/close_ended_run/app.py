"""CloseEndedRun: an execution was stopped, timed out or failed; close its run if nothing else did."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import event_publisher, object_store, record_store
from spec2listing.models.tasks import ExecutionStatusChange
from spec2listing.observability import observed
from spec2listing.pipeline.runs import close_ended_execution
from spec2listing.settings import StorageSettings

logger = Logger()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)
events = event_publisher(storage)


@logger.inject_lambda_context
@observed(logger)
@event_parser(model=ExecutionStatusChange)
def lambda_handler(event: ExecutionStatusChange, context: LambdaContext) -> dict[str, Any]:
    logger.thread_safe_append_keys(execution_id=event.detail.execution_arn)
    run = close_ended_execution(event, store=store, records=records, events=events)

    if run is None:
        logger.info("run already closed", extra={"status": event.detail.status})
        return {"run_id": None, "status": None}
    logger.error("run closed after its execution ended", extra={"run_id": run.run_id, "error": run.error})
    return {"run_id": run.run_id, "status": run.status.value}
