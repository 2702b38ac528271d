"""GenerateCopy: titles, descriptions, bullets and platform variants for one product."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store
from spec2listing.models.tasks import ProductTask
from spec2listing.observability import observed
from spec2listing.pipeline.steps import generate_copy
from spec2listing.providers.select import copy_writer
from spec2listing.settings import ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
store = object_store(StorageSettings())
writer = copy_writer(ProviderSettings())


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=ProductTask)
def lambda_handler(event: ProductTask, context: LambdaContext) -> dict[str, Any]:
    result = generate_copy(event, store=store, writer=writer)

    logger.info("copy written", extra={"provider": result.provider, "duration_ms": result.duration_ms})
    metrics.add_metric(name="ProviderLatency", unit=MetricUnit.Milliseconds, value=result.duration_ms)
    metrics.add_metric(name="CostUSD", unit=MetricUnit.NoUnit, value=result.cost_usd)
    return result.model_dump(mode="json")
