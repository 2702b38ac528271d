"""Summarize: the run's summary, review index, run record and ListingsReady event."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import event_publisher, object_store, record_store
from spec2listing.models.tasks import SummarizeTask
from spec2listing.observability import observed
from spec2listing.pipeline.outcomes import summarize_run
from spec2listing.settings import StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)
events = event_publisher(storage)


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=SummarizeTask)
def lambda_handler(event: SummarizeTask, context: LambdaContext) -> dict[str, Any]:
    result = summarize_run(event, store=store, records=records, events=events)

    logger.info("run summarized", extra={"counts": result.counts})
    for status, count in result.counts.items():
        metrics.add_metric(name=f"Products{status.title().replace('_', '')}", unit=MetricUnit.Count, value=count)
    return result.model_dump(mode="json")
