"""Expected provider calls and cost of a run with live providers, before anything runs.

Calls and images are exact: the plan comes from the same planner the pipeline
uses, fed with the offline copy, which names the same anchors and variants.
Token counts are estimates by the rules in `costs.tokens`, with the offline
copy's length for the answer.
"""

import json

from pydantic import BaseModel, Field

from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs import PriceTable
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.costs.tokens import (
    REFERENCE_PHOTO_INPUT_TOKENS,
    THINKING_TOKENS_PER_CALL,
    image_tokens,
    text_tokens,
)
from spec2listing.imaging.planner import plan_images
from spec2listing.models.brand import BrandGuide
from spec2listing.models.jobs import ImageQuality, ImageSize
from spec2listing.models.spec import ProductSpec
from spec2listing.providers.prompts import (
    VISION_SYSTEM_INSTRUCTION,
    checklist,
    copy_request,
    copy_system_instruction,
    vision_request,
)

OUTPUT_TOKENS_PER_VERDICT = 40


class StepEstimate(BaseModel):
    """Calls, tokens and cost of one step of one product."""

    step: str
    model: str
    calls: int = 0
    images: int = 0
    edits: int = Field(default=0, description="Image calls that edit reference photos; their image input is estimated.")
    input_tokens: int = 0
    output_tokens: int = 0
    thinking_tokens: int = 0
    cost_usd: float = 0.0


class ProductEstimate(BaseModel):
    sku: str
    name: str
    steps: list[StepEstimate]

    @property
    def cost_usd(self) -> float:
        return round(sum(step.cost_usd for step in self.steps), 6)


class RunEstimate(BaseModel):
    """Every product's estimate, the price table's date and models it has no price for."""

    products: list[ProductEstimate] = Field(default_factory=list)
    prices_as_of: str
    unpriced_models: list[str] = Field(default_factory=list)

    @property
    def cost_usd(self) -> float:
        return round(sum(product.cost_usd for product in self.products), 6)

    def totals(self) -> dict[str, StepEstimate]:
        """Per-step sums over every product."""
        totals: dict[str, StepEstimate] = {}
        for product in self.products:
            for step in product.steps:
                total = totals.setdefault(step.step, StepEstimate(step=step.step, model=step.model))
                for field in ("calls", "images", "edits", "input_tokens", "output_tokens", "thinking_tokens"):
                    setattr(total, field, getattr(total, field) + getattr(step, field))
                total.cost_usd = round(total.cost_usd + step.cost_usd, 6)
        return totals


def estimate_product(
    spec: ProductSpec,
    brand: BrandGuide | None,
    *,
    prices: PriceTable,
    text_model: str,
    vision_model: str,
    image_model: str,
    size: ImageSize,
    lifestyle_size: ImageSize,
    quality: ImageQuality,
) -> ProductEstimate:
    listing = OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing
    plan = plan_images(spec, brand, size=size, lifestyle_size=lifestyle_size, quality=quality)

    copy = StepEstimate(step="copy", model=text_model, calls=1)
    copy.input_tokens = text_tokens(copy_system_instruction(spec, brand)) + text_tokens(copy_request(spec, brand))
    copy.output_tokens = text_tokens(json.dumps(listing.model_dump(mode="json")))
    copy.thinking_tokens = THINKING_TOKENS_PER_CALL
    # Rounded like the render and vision steps, so that a product's cost is the sum of its steps' costs.
    copy.cost_usd = round(
        prices.text_cost(
            text_model,
            input_tokens=copy.input_tokens,
            output_tokens=copy.output_tokens,
            thinking_tokens=copy.thinking_tokens,
        ),
        6,
    )

    render = StepEstimate(step="render", model=image_model)
    vision = StepEstimate(step="vision", model=vision_model)
    for job in plan.jobs:
        prompt_tokens = text_tokens(job.prompt)
        photo_tokens = REFERENCE_PHOTO_INPUT_TOKENS * len(job.reference_images)
        render.calls += 1
        render.images += 1
        render.edits += 1 if job.reference_images else 0
        render.input_tokens += prompt_tokens + photo_tokens
        render.cost_usd += prices.image_cost(
            image_model,
            quality=job.quality,
            size=job.size,
            images=1,
            input_text_tokens=prompt_tokens,
            input_image_tokens=photo_tokens,
        )
        items = checklist(job)
        if not items:
            continue
        vision.calls += 1
        call_input = image_tokens(job.width, job.height) + text_tokens(VISION_SYSTEM_INSTRUCTION)
        call_input += text_tokens(vision_request(job))
        call_output = OUTPUT_TOKENS_PER_VERDICT * len(items)
        vision.input_tokens += call_input
        vision.output_tokens += call_output
        vision.thinking_tokens += THINKING_TOKENS_PER_CALL
        vision.cost_usd += prices.text_cost(
            vision_model, input_tokens=call_input, output_tokens=call_output, thinking_tokens=THINKING_TOKENS_PER_CALL
        )
    render.cost_usd = round(render.cost_usd, 6)
    vision.cost_usd = round(vision.cost_usd, 6)
    return ProductEstimate(sku=spec.sku, name=spec.name, steps=[copy, render, vision])
