"""RenderImage: draw one image job and store it in the bucket."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store
from spec2listing.errors import RenderPending
from spec2listing.models.tasks import RenderTask
from spec2listing.observability import observed
from spec2listing.pipeline.steps import record_render_error, render_image
from spec2listing.providers.select import image_renderer
from spec2listing.settings import ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
store = object_store(StorageSettings())
renderer = image_renderer(ProviderSettings())


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=RenderTask)
def lambda_handler(event: RenderTask, context: LambdaContext) -> dict[str, Any]:
    try:
        result = render_image(event, store=store, renderer=renderer)
    except RenderPending:
        # No error to keep: the state machine tries again once the other product's render is done.
        raise
    except Exception as error:
        record_render_error(event, error, store=store)
        raise

    logger.info("image rendered", extra={"provider": result.provider, "duration_ms": result.duration_ms})
    metrics.add_metric(name="ImagesRendered", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="ProviderLatency", unit=MetricUnit.Milliseconds, value=result.duration_ms)
    metrics.add_metric(name="CostUSD", unit=MetricUnit.NoUnit, value=result.cost_usd)
    return result.model_dump(mode="json")
