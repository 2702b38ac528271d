"""FinalizeProduct: manifest, exports, review sheet and the product record."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store, record_store
from spec2listing.models.tasks import FinalizeTask
from spec2listing.observability import observed
from spec2listing.pipeline.outcomes import finalize_product
from spec2listing.providers.select import provider_names
from spec2listing.settings import ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
storage = StorageSettings()
store = object_store(storage)
records = record_store(storage)
providers = provider_names(ProviderSettings())


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_parser(model=FinalizeTask)
def lambda_handler(event: FinalizeTask, context: LambdaContext) -> dict[str, Any]:
    outcome = finalize_product(event, store=store, records=records, providers=providers)

    logger.info("product finished", extra={"status": outcome.status.value})
    metrics.add_metric(name="ProductsProcessed", unit=MetricUnit.Count, value=1)
    # Counted here, once each image's retries are over; RenderImage's own errors include attempts that a
    # retry then rendered, and provider refusals, which are outcomes.
    metrics.add_metric(name="ImagesFailed", unit=MetricUnit.Count, value=outcome.images_failed)
    return outcome.model_dump(mode="json")
