"""CheckConsistency: hold the images and copy to what they promise, and score the product."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store
from spec2listing.models.tasks import CheckTask
from spec2listing.observability import observed
from spec2listing.pipeline.steps import check_consistency
from spec2listing.providers.select import vision_checker
from spec2listing.settings import ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
store = object_store(StorageSettings())
provider_settings = ProviderSettings()
vision = vision_checker(provider_settings)


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=CheckTask)
def lambda_handler(event: CheckTask, context: LambdaContext) -> dict[str, Any]:
    result, _ = check_consistency(
        event,
        store=store,
        vision=vision,
        vision_concurrency=provider_settings.vision_concurrency,
        seconds_left=lambda: context.get_remaining_time_in_millis() / 1000,
    )

    logger.info("consistency checked", extra={"score": result.score, "flags": result.flags})
    metrics.add_metric(name="ConsistencyScore", unit=MetricUnit.NoUnit, value=result.score)
    metrics.add_metric(name="CostUSD", unit=MetricUnit.NoUnit, value=result.cost_usd)
    return result.model_dump(mode="json")
