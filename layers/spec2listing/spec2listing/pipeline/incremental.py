"""What a changed spec can keep from the SKU's last completed listing, and the keys of the caches.

A changed spec is compared field by field with the spec of the last completed
listing. Copy is written again unless every changed field is one the copy
cannot depend on, or the price alone changed and the old copy states no price.
Copy the last listing's checks flagged is written again on any change.
Images need no such rules. Each is cached by a content hash of everything the
renderer is given, so only jobs whose prompt, size, quality, output format or
reference photos changed are rendered. A new colour variant therefore renders its own image only.
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

BRAND_GUIDE_CHANGE = "brand_guide"
# Not spec fields: the copywriter or its model, the renderer or its image settings, or the vision
# checker differ from the ones that made the last listing.
COPY_WRITER_CHANGE = "copy_writer"
IMAGE_SETTINGS_CHANGE = "image_settings"
VISION_CHECKER_CHANGE = "vision_checker"
# Changes the copywriter is never given: photos only guide renders, and image and vision settings only
# decide how images are made and checked.
COPY_INDEPENDENT_FIELDS = frozenset({"reference_photos", IMAGE_SETTINGS_CHANGE, VISION_CHECKER_CHANGE})
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "CHF", "SEK": "kr", "NOK": "kr", "DKK": "kr"}
EXTRA_CURRENCY_MARKS = (
    "US$",
    "C$",
    "A$",
    "CA$",
    "AU$",
    "NZ$",
    "Fr.",
    "zł",
    "Kč",
    "₹",
    "Rs.",
    "₩",
    "R$",
    "CAD",
    "AUD",
    "PLN",
    # Yen and yuan as Japanese and Chinese copy writes them after the amount: "2,100円".
    "円",
    "元",
)
# Currency names a model may write out, matched in any case: '179 euros', '20 Dollar'. Pounds and
# Pfund are left out because they are also weights.
CURRENCY_WORDS = (
    "euro",
    "euros",
    "dollar",
    "dollars",
    "yen",
    "franc",
    "francs",
    "franken",
    "krona",
    "kronor",
    "krone",
    "kroner",
    "kronen",
)
# A written amount is plain digits, digits grouped in thousands by a comma, point, apostrophe, space,
# thin space or (narrow) no-break space, or Indian grouping ('1,29,900'). A grouped amount may end in one
# or two decimals after a comma or point, and plain digits in up to four, as many as a spec price keeps.
_NUMBER = (
    r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?"
    r"|\d{1,3}(?:[,.'\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d+(?:[.,]\d{1,4})?"
)


class CopyDecision(BaseModel):
    """Whether the last completed listing's copy stands for a changed spec, and why."""

    reuse: bool
    reason: str


def changed_fields(old: NormalizedProduct, new: NormalizedProduct) -> list[str]:
    """Top-level spec fields whose values differ, plus brand_guide, copy_writer, image_settings and vision_checker.

    reference_photos is also listed when a photo's ETag changed, for a photo
    replaced under the same path.
    """
    before = old.spec.model_dump(mode="json")
    after = new.spec.model_dump(mode="json")
    changed = [name for name in ProductSpec.model_fields if before.get(name) != after.get(name)]
    if old.reference_photo_etags != new.reference_photo_etags and "reference_photos" not in changed:
        changed.append("reference_photos")
    old_brand = old.brand.model_dump(mode="json") if old.brand else None
    new_brand = new.brand.model_dump(mode="json") if new.brand else None
    if old_brand != new_brand and BRAND_GUIDE_CHANGE not in changed:
        changed.append(BRAND_GUIDE_CHANGE)
    for part, change in (
        ("copy", COPY_WRITER_CHANGE),
        ("images", IMAGE_SETTINGS_CHANGE),
        ("vision", VISION_CHECKER_CHANGE),
    ):
        if old.generation.get(part) != new.generation.get(part):
            changed.append(change)
    return changed


def copy_decision(
    changed: list[str],
    old_spec: ProductSpec,
    old_copy: ProductCopy,
    copy_flags: list[str] | None = None,
    new_spec: ProductSpec | None = None,
) -> CopyDecision:
    """Decide whether the last listing's copy can be kept; `copy_flags` names the flags its checks raised on it.

    A changed spec is the chance to replace flagged copy: kept, it would carry
    its flags into every later listing of the SKU.
    """
    if not changed:
        return CopyDecision(reuse=True, reason="the spec is unchanged")
    affecting = [name for name in changed if name not in COPY_INDEPENDENT_FIELDS and name != "price"]
    described = list(changed)
    if "variants" in affecting and new_spec is not None and _only_codes_changed(old_spec, new_spec, old_copy):
        affecting.remove("variants")
        described[described.index("variants")] = "variant colour codes or SKUs"
    if affecting:
        return CopyDecision(reuse=False, reason="the copy depends on changed " + ", ".join(affecting))
    if "price" in changed:
        cited = cited_price(old_copy, old_spec.price)
        if cited is not None:
            return CopyDecision(reuse=False, reason=f"the copy cites the old price ({cited})")
        stated = stated_price(old_copy)
        if stated is not None:
            return CopyDecision(reuse=False, reason=f"the copy states a price ({stated}) that may be the old one")
        # cited_price leaves out plain whole numbers as too common to be sure; one equal to the old price may be it.
        bare = next((amount.text for amount in _price_amounts(old_copy, old_spec.price)), None)
        if bare is not None:
            return CopyDecision(reuse=False, reason=f"the copy has the number {bare}, which may be the old price")
    if copy_flags:
        return CopyDecision(reuse=False, reason="the last listing's copy was flagged: " + ", ".join(copy_flags))
    kept = ", ".join(described)
    return CopyDecision(reuse=True, reason=f"the copy does not depend on what changed ({kept})")


def _only_codes_changed(old_spec: ProductSpec, new_spec: ProductSpec, old_copy: ProductCopy) -> bool:
    """Tell whether the variants differ only in codes the copy does not write: their hex codes and SKUs.

    The copy names each variant by its colour, finish and material, so a new
    hex code re-renders the variant's image and leaves the words as they are,
    unless the copy wrote the old code out.
    """
    if len(old_spec.variants) != len(new_spec.variants):
        return False
    words = ("color", "finish", "material")
    for old, new in zip(old_spec.variants, new_spec.variants, strict=True):
        if [getattr(old, name) for name in words] != [getattr(new, name) for name in words]:
            return False
    text = _copy_text(old_copy).casefold()
    codes = [code for variant in old_spec.variants for code in (variant.color_hex, variant.sku)]
    return not any(code.casefold() in text for code in codes)


def cited_price(listing: ProductCopy, price: Money) -> str | None:
    """Find the price in any text of the copy, in any of the usual written forms.

    An amount counts when its value equals the price and it has decimals, thousands
    separators or a currency mark beside it: '45.99', '45,9', '$1,299', '1.299,00 €',
    '1 299 kr' and 'CHF 1'299.–' all cite 1299 or 45.99. A bare whole number ('24 hours')
    does not, because specs are full of those.
    """
    return next((amount.text for amount in _price_amounts(listing, price) if amount.formatted), None)


def _price_amounts(listing: ProductCopy, price: Money) -> list["_Amount"]:
    """Return the amounts in any text of the copy whose value equals the price, plain whole numbers included."""
    amounts = _amounts(_copy_text(listing), _currency_marks(price.currency))
    return [amount for amount in amounts if price.amount in amount.values]


def stated_price(listing: ProductCopy) -> str | None:
    """Find any amount with a currency mark beside it, which may be a price in a form cited_price misses."""
    for amount in _amounts(_copy_text(listing), _currency_marks(None)):
        if amount.marked:
            return amount.text
    return None


class _Amount(BaseModel):
    text: str
    values: list[Decimal]
    decimals: str | None
    grouped: bool
    marked: bool

    @property
    def formatted(self) -> bool:
        """Tell whether the amount has decimals, thousands separators or a currency mark: written as a price."""
        return self.decimals is not None or self.grouped or self.marked


def _currency_marks(currency: str | None) -> list[str]:
    marks = {*CURRENCY_SYMBOLS, *CURRENCY_SYMBOLS.values(), *EXTRA_CURRENCY_MARKS, *CURRENCY_WORDS}
    if currency:
        marks.add(currency)
    # Longest first, so 'US$' wins over '$' and 'CHF' over a shorter code.
    return sorted(marks, key=len, reverse=True)


def _amounts(text: str, marks: list[str]) -> list[_Amount]:
    mark = "|".join(re.escape(item) for item in marks)
    pattern = re.compile(
        rf"(?:(?<![A-Za-z])(?P<before>{mark})\s?)?"
        rf"(?<!\d)(?<!\d[.,])(?P<number>{_NUMBER})(?![.,]?\d)"
        rf"(?P<dash>[.,][-–—])?"
        rf"(?:\s?(?P<after>{mark})(?![A-Za-z]))?",
        re.IGNORECASE,
    )
    found = []
    for match in pattern.finditer(text):
        number = match.group("number")
        whole, grouped, decimals = _split_number(number)
        values = [Decimal(whole + "." + (decimals or "0"))]
        if re.fullmatch(r"\d{1,3}[.,]\d{3}", number):
            # '1.299' is 1299 in German and 1.299 in English: keep both readings.
            values.append(Decimal(number.replace(",", ".")))
        found.append(
            _Amount(
                text=match.group(0).strip(),
                values=values,
                decimals=decimals,
                grouped=grouped,
                # Only prices are written as '119,-' or '1'299.–'.
                marked=bool(match.group("before") or match.group("after") or match.group("dash")),
            )
        )
    return found


def _split_number(number: str) -> tuple[str, bool, str | None]:
    """Split a written amount into its whole digits, whether it had thousands separators, and its decimals."""
    decimals = None
    tail = re.search(r"[.,](\d{1,4})$", number)
    # Three digits after the mark are a thousands group ('1,299', and '19.995', which _amounts also reads
    # as decimals), unless four or more digits before the mark rule that out ('1234.567').
    if tail is not None and (len(tail.group(1)) != 3 or re.fullmatch(r"\d{4,}[.,]\d{3}", number)):
        decimals = tail.group(1)
        number = number[: tail.start()]
    digits = re.sub(r"\D", "", number)
    return digits, digits != number, decimals


# Full-width ASCII forms (U+FF01 to U+FF5E) and the full-width yen and pound signs, as their usual forms, so
# that "２，１００円" reads as 2,100 yen. Spaces inside amounts are left as written.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0xFFE5: ord("¥"), 0xFFE1: ord("£")}


def _copy_text(listing: ProductCopy) -> str:
    return " ".join(_strings(listing.model_dump(mode="json"))).translate(_HALF_WIDTH)


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


def image_cache_key(
    model: str, job: ImageJob, references: list[bytes], category: str | None, *, output_format: str = "png"
) -> str:
    """SHA-256 over what decides an image: model, prompt, size, quality, background, format and reference photos.

    `category` is given for a renderer that draws from it, as the offline one
    draws its silhouette, since no prompt carries it. The output format is left
    out when it is PNG, so that PNG images keep the keys they had before the
    format was part of the key and are not rendered again.
    """
    document: dict[str, Any] = {
        "model": model,
        "prompt": job.prompt,
        "size": job.size,
        "quality": job.quality,
        "background": job.background,
        "references": [hashlib.sha256(data).hexdigest() for data in references],
    }
    if category is not None:
        document["category"] = category
    if output_format != "png":
        document["output_format"] = output_format
    return _digest(document)


def vision_cache_key(model: str, image_digest: str, job: ImageJob) -> str:
    """SHA-256 over the vision model, the image (the SHA-256 of its bytes) and the claims it is checked for."""
    return _digest(
        {
            "model": model,
            "image": image_digest,
            "kind": job.kind.value,
            "anchors": job.anchors,
            "mandatory_elements": job.mandatory_elements,
            "color": job.color,
            "color_hex": job.color_hex,
        }
    )
