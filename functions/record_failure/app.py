"""RecordFailure: a product's steps ended in an error; record it so nothing is lost silently."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store, record_store
from spec2listing.models.tasks import FailureTask
from spec2listing.observability import observed
from spec2listing.pipeline.outcomes import record_product_failure
from spec2listing.settings import StorageSettings

logger = Logger()
metrics = Metrics()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)


@logger.inject_lambda_context
@observed(logger)
@metrics.log_metrics
@event_parser(model=FailureTask)
def lambda_handler(event: FailureTask, context: LambdaContext) -> dict[str, Any]:
    outcome = record_product_failure(event, store=store, records=records)

    logger.warning("product failed", extra={"status": outcome.status.value, "error": event.error.get("Error")})
    metrics.add_metric(name="ProductsFailed", unit=MetricUnit.Count, value=1)
    return outcome.model_dump(mode="json")
