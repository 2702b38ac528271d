"""PlanImages: turn copy, spec and brand guide into image jobs."""

from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext
from spec2listing.aws import object_store
from spec2listing.models.tasks import PlanTask
from spec2listing.observability import observed
from spec2listing.pipeline.steps import plan_product_images
from spec2listing.providers.select import image_renderer
from spec2listing.settings import ImageSettings, ProviderSettings, StorageSettings

logger = Logger()
tracer = Tracer()
store = object_store(StorageSettings())
images = ImageSettings()
# The image cache is keyed by the model and output format of the renderer that RenderImage uses;
# building the renderer makes no call.
renderer = image_renderer(ProviderSettings())


@logger.inject_lambda_context
@observed(logger)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=PlanTask)
def lambda_handler(event: PlanTask, context: LambdaContext) -> dict[str, Any]:
    result = plan_product_images(
        event,
        store=store,
        size=images.image_size,
        lifestyle_size=images.lifestyle_image_size,
        quality=images.image_quality,
        renderer=renderer,
    )

    logger.info("images planned", extra={"jobs": len(result.job_ids), "cached": len(result.cached)})
    return result.model_dump(mode="json")
