"""What a changed spec can keep from the SKU's last completed listing, and the keys of the caches.

A changed spec is compared field by field with the spec of the last completed
listing. Copy is written again unless every changed field is one the copy
cannot depend on, or the price alone changed and the old copy never cites it.
Images need no such rules. Each is cached by a content hash of everything the
renderer is given, so only jobs whose prompt, size, quality or reference photos
changed are rendered. A new colour variant therefore renders its own image only.
Vision checks are cached the same way, by the image and the claims checked.
"""

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob
from spec2listing.models.product import NormalizedProduct
from spec2listing.models.spec import Money, ProductSpec

# Spec fields the copywriter is never given a use for: photos only guide renders.
COPY_INDEPENDENT_FIELDS = frozenset({"reference_photos"})
BRAND_GUIDE_CHANGE = "brand_guide"
# Not a spec field: the copywriter or its model differs from the one that wrote the last listing's copy.
COPY_WRITER_CHANGE = "copy_writer"
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "SEK": "kr", "NOK": "kr", "DKK": "kr"}


class CopyDecision(BaseModel):
    """Whether the last completed listing's copy stands for a changed spec, and why."""

    reuse: bool
    reason: str


def changed_fields(old: NormalizedProduct, new: NormalizedProduct) -> list[str]:
    """Top-level spec fields whose values differ, plus brand_guide and copy_writer when those changed."""
    before = old.spec.model_dump(mode="json")
    after = new.spec.model_dump(mode="json")
    changed = [name for name in ProductSpec.model_fields if before.get(name) != after.get(name)]
    old_brand = old.brand.model_dump(mode="json") if old.brand else None
    new_brand = new.brand.model_dump(mode="json") if new.brand else None
    if old_brand != new_brand and BRAND_GUIDE_CHANGE not in changed:
        changed.append(BRAND_GUIDE_CHANGE)
    if old.generation.get("copy") != new.generation.get("copy"):
        changed.append(COPY_WRITER_CHANGE)
    return changed


def copy_decision(changed: list[str], old_spec: ProductSpec, old_copy: ProductCopy) -> CopyDecision:
    affecting = [name for name in changed if name not in COPY_INDEPENDENT_FIELDS and name != "price"]
    if affecting:
        return CopyDecision(reuse=False, reason="the copy depends on changed " + ", ".join(affecting))
    if "price" in changed:
        cited = cited_price(old_copy, old_spec.price)
        if cited is not None:
            return CopyDecision(reuse=False, reason=f"the copy cites the old price ({cited})")
    kept = ", ".join(changed) or "nothing"
    return CopyDecision(reuse=True, reason=f"the copy does not depend on what changed ({kept})")


def cited_price(listing: ProductCopy, price: Money) -> str | None:
    """Find the price in any text of the copy: '45.99', '45,99', or a whole amount beside its currency."""
    text = " ".join(_strings(listing.model_dump(mode="json")))
    amount = price.amount.quantize(Decimal("0.01"))
    whole, cents = str(amount).split(".")
    patterns = [rf"(?<![\d.,]){whole}[.,]{cents}(?!\d)"]
    if cents == "00":
        marks = {price.currency, CURRENCY_SYMBOLS.get(price.currency, "")}
        markers = "|".join(re.escape(mark) for mark in marks if mark)
        patterns.append(rf"(?:{markers})\s?{whole}(?![\d.,]?\d)")
        patterns.append(rf"(?<![\d.,]){whole}\s?(?:{markers})")
    for pattern in patterns:
        match = re.search(pattern, text)
        if match is not None:
            return match.group(0)
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _digest(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def image_cache_key(model: str, job: ImageJob, references: list[bytes], category: str) -> str:
    """SHA-256 over what decides an image: model, prompt, size, quality, background and reference photos.

    The category is included because the offline renderer draws its silhouette
    from it, and no prompt carries it.
    """
    return _digest(
        {
            "model": model,
            "prompt": job.prompt,
            "size": job.size,
            "quality": job.quality,
            "background": job.background,
            "references": [hashlib.sha256(data).hexdigest() for data in references],
            "category": category,
        }
    )


def vision_cache_key(model: str, image_cache_key: str, job: ImageJob) -> str:
    """SHA-256 over the vision model, the image and the claims it is checked for."""
    return _digest(
        {
            "model": model,
            "image": image_cache_key,
            "kind": job.kind.value,
            "anchors": job.anchors,
            "mandatory_elements": job.mandatory_elements,
            "color": job.color,
            "color_hex": job.color_hex,
        }
    )
