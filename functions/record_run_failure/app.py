"""RecordRunFailure: the run failed outside any product; record it, keep the event and announce ListingsFailed."""

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import event_publisher, object_store, record_store
from spec2listing.models.tasks import RunFailureTask
from spec2listing.observability import observed
from spec2listing.pipeline.runs import record_run_failure
from spec2listing.settings import StorageSettings

logger = Logger()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)
events = event_publisher(storage)


@logger.inject_lambda_context
@observed(logger)
@event_parser(model=RunFailureTask)
def lambda_handler(event: RunFailureTask, context: LambdaContext) -> dict[str, Any]:
    run = record_run_failure(event, store=store, records=records, events=events)

    logger.error("run failed", extra={"run_id": run.run_id, "error": run.error})
    return {"run_id": run.run_id, "status": run.status.value}
