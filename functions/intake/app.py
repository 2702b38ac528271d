"""Intake: validate the upload or PIM event and lay out one spec per product."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import executions, object_store, record_store
from spec2listing.models.tasks import IntakeTask
from spec2listing.observability import observed
from spec2listing.pipeline.intake import run_intake
from spec2listing.providers.select import generation_settings
from spec2listing.settings import ImageSettings, MapSettings, ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)
pipeline_executions = executions()
config = MapSettings().pipeline_config()
generation = generation_settings(ProviderSettings(), ImageSettings())


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=IntakeTask)
def lambda_handler(event: IntakeTask, context: LambdaContext) -> dict[str, Any]:
    result = run_intake(
        event, store=store, records=records, config=config, generation=generation, executions=pipeline_executions
    )

    logger.thread_safe_append_keys(run_id=result.run_id)
    if result.duplicate_of:
        logger.info("duplicate delivery ignored", extra={"duplicate_of": result.duplicate_of})
        metrics.add_metric(name="DuplicateDeliveries", unit=MetricUnit.Count, value=1)
        return result.model_dump(mode="json")
    logger.info(
        "intake finished",
        extra={
            "products": result.product_count,
            "queued": result.queued_count,
            "reused": result.reused_count,
            "rejected": result.rejected_count,
            "duplicates": result.duplicate_count,
        },
    )
    metrics.add_metric(name="ProductsAccepted", unit=MetricUnit.Count, value=result.product_count)
    metrics.add_metric(name="ProductsReused", unit=MetricUnit.Count, value=result.reused_count)
    metrics.add_metric(name="ProductsRejected", unit=MetricUnit.Count, value=result.rejected_count)
    return result.model_dump(mode="json")
