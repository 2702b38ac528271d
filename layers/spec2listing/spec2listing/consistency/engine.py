"""Run every check on one product, keep the claims ledger, and score it.

Score: the lower of two scores from 0 to 1, so a listing is only as ready as its
weaker half. The listing score covers copy, claims and the image plan: its checks
are grouped by kind (their `check` name), and each kind's share of passed checks
is weighted by the kind's weight in CHECK_KINDS. Grouping by kind keeps forty
traced numbers from outweighing one wrong-coloured image. The image score is the
mean over planned images of each image's own score: 1 when all its checks pass,
else 1 - (weight of its worst failed check) / MAX_WEIGHT, so an image that breaks
a weight-3 promise counts 0. A check with weight 0 (a vision verdict left
'unverified') is shown but not scored. Any failed scored check raises a drift
flag, and a product with a flag goes to NEEDS_REVIEW.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from spec2listing.consistency import claims as ledger
from spec2listing.consistency import color_names, coverage, image_checks, text_checks
from spec2listing.consistency.spec_facts import spec_facts
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import (
    CheckResult,
    CheckTarget,
    Claim,
    ClaimKind,
    ConsistencyReport,
    DriftFlag,
    Evidence,
    ScorePart,
)
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob, ImagePlan
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import RenderResult, RenderStatus
from spec2listing.providers import VisionReport


@dataclass(frozen=True)
class CheckKind:
    """How much one kind of check weighs in the score, and how its flag reads to a reviewer.

    `subject` is the label the review sheet puts before a flag's `promised` value: "promised" where the copy
    or spec promised it, else what the check held to its rule, such as the copy field, phrase or claim.
    """

    weight: float
    title: str
    fix: str
    subject: str = "promised"


# Weight 3: a promise a shopper sees broken, or a listing the brand forbids. Weight 2: a marketplace rule
# whose breach suppresses the listing or an image, plan coverage, and the colour and anchor checks other than
# variant_color and vision_anchor. Weight 1: bookkeeping that a person should still see. docs/consistency.md
# lists every kind by weight, and a unit test checks that list against this table.
CHECK_KINDS: dict[str, CheckKind] = {
    "image_rendered": CheckKind(
        3, "Image missing", "Re-run the image job or supply the image by hand.", subject="requested"
    ),
    "reference_photo_found": CheckKind(
        3,
        "Reference photo not found",
        "Upload the photo under the key that reference_photos names (or under references/<sku>/), "
        "or remove it from reference_photos, then run the spec again.",
        subject="requested",
    ),
    "reference_photo_decodes": CheckKind(
        3,
        "Reference photo is not an image",
        "Replace the photo with a PNG, JPEG or WebP image of the product, "
        "or remove it from reference_photos, then run the spec again.",
        subject="requested",
    ),
    "image_decodes": CheckKind(3, "Image file unreadable", "Re-render the image.", subject="requested"),
    "image_not_blank": CheckKind(
        3, "Image shows no product", "Re-render the image: it is one flat colour, blank or transparent."
    ),
    "variant_color": CheckKind(3, "Product colour differs from the variant", "Re-render in the variant colour."),
    "variant_color_name": CheckKind(
        3,
        "Colour name contradicts its hex code",
        "Correct the variant's color_hex or its colour name, then run the spec again.",
        subject="colour name",
    ),
    "variant_color_present": CheckKind(
        2, "Variant colour not found in the scene", "Re-render the scene with the product in the variant colour."
    ),
    "background_white": CheckKind(
        3,
        "Background not white",
        "Re-render on pure white (RGB 255,255,255) or cut the product out onto white.",
        subject="rule",
    ),
    "background_clean": CheckKind(
        3,
        "Shadow, mark or cut-off product at the image edge",
        "Keep the whole product inside the frame, and remove any shadow or mark that reaches the image edge "
        "(edges_reached names the sides the product region touches, if any).",
        subject="rule",
    ),
    "product_fill": CheckKind(
        2, "Product too small in the frame", "Crop tighter or re-render with a larger product.", subject="rule"
    ),
    "image_resolution": CheckKind(
        2, "Image too small for zoom", "Re-render at 1000 px or more on the longest side.", subject="rule"
    ),
    "aspect_ratio": CheckKind(
        2, "Aspect ratio wrong for the platform", "Crop or re-render at the platform's ratio.", subject="rule"
    ),
    "image_size": CheckKind(1, "Image not at the planned size", "Re-render at the planned size.", subject="rule"),
    "vision_anchor": CheckKind(
        3, "Anchor not seen in the image", "Re-render with the anchor or drop it from the copy."
    ),
    "vision_mandatory_element": CheckKind(
        3, "Mandatory element not seen in the image", "Re-render so the element is visible."
    ),
    "vision_color": CheckKind(2, "Variant colour not seen in the image", "Re-render in the variant colour."),
    "vision_checked": CheckKind(
        2,
        "Vision check failed",
        "Look at the image for the listed items. A check that a provider fault or the time limit cut short runs "
        "again when the spec is run again.",
        subject="check",
    ),
    "variant_has_image": CheckKind(
        3,
        "Variant without an image",
        "Fix what made the variant's image fail, as its image card says (a reference photo, a refused prompt), "
        "then run the spec again, which renders the missing images.",
        subject="variant",
    ),
    "anchor_covered": CheckKind(
        2, "Anchor not requested by any image", "Add the anchor to an image job or drop it from the copy."
    ),
    "anchor_promised": CheckKind(
        1, "Spec anchor missing from the copy", "List the anchor in the copy and name it in the description."
    ),
    "mandatory_element_requested": CheckKind(
        2, "Mandatory element not requested", "Add the element to every image job's prompt.", subject="required"
    ),
    "number_traced": CheckKind(
        3, "Number not in the spec", "Correct it to the spec's figure or add it to the spec.", subject="claim"
    ),
    "material_traced": CheckKind(
        3, "Material not in the spec", "Remove the material or add it to the spec.", subject="claim"
    ),
    "color_traced": CheckKind(
        2, "Colour not in the spec", "Remove the colour or add the variant to the spec.", subject="claim"
    ),
    "property_traced": CheckKind(
        3, "Claim not in the spec", "Remove the claim or add it to the spec.", subject="claim"
    ),
    "anchor_traced": CheckKind(
        2, "Anchor not in the spec", "Use the spec's anchors or add this one to the spec.", subject="claim"
    ),
    "mandatory_element_traced": CheckKind(
        1, "Mandatory element not in the spec", "Add it to the spec.", subject="claim"
    ),
    "banned_phrase": CheckKind(
        3,
        "Phrase banned by the brand guide",
        "Reword without the phrase. Where the spec itself uses it (in the name, a material or a feature), change "
        "the spec or the brand guide, since the copy is written from the spec.",
        subject="phrase",
    ),
    "prohibited_term": CheckKind(
        3, "Promotional wording the platform rejects", "Remove the promotional wording.", subject="field"
    ),
    "contact_details": CheckKind(
        3, "Contact details in the copy", "Remove web, e-mail and phone details.", subject="field"
    ),
    "text_length": CheckKind(2, "Text over the platform's limit", "Shorten the field to the limit.", subject="field"),
    "text_bytes": CheckKind(
        2, "Text over the platform's byte limit", "Shorten the field to the limit.", subject="field"
    ),
    "item_count": CheckKind(
        2,
        "Wrong number of items",
        "Write as many items as the platform allows, at least one where it needs one.",
        subject="field",
    ),
    "forbidden_characters": CheckKind(
        2, "Characters the platform forbids", "Remove the listed characters.", subject="field"
    ),
    "no_html": CheckKind(
        2,
        "HTML where the platform wants plain text",
        "Remove the HTML tags and comments, and write each character reference as its character (& for &amp;); "
        "markup that comes from the spec's text is fixed in the spec.",
        subject="field",
    ),
    "unsafe_html": CheckKind(
        3,
        "Markup that runs code in the description",
        "Remove scripts, frames, event handlers and script links.",
        subject="field",
    ),
    "html_attributes": CheckKind(
        2,
        "Tag attributes the platform does not accept",
        "Remove the attributes, keeping the tags' text.",
        subject="field",
    ),
    "image_format": CheckKind(
        1,
        "Image in another format than requested",
        "Render the image again; the provider ignored the format.",
        subject="rule",
    ),
    "text_present": CheckKind(2, "Empty copy field", "Write the field, or drop the empty list item.", subject="field"),
    "hidden_characters": CheckKind(
        3, "Invisible or text-reordering characters in the copy", "Delete the listed characters.", subject="field"
    ),
    "hashtag_count": CheckKind(
        1, "Too many hashtags", "Keep at most the platform's number of hashtags.", subject="field"
    ),
    "comparison_count": CheckKind(
        2,
        "Comparison without a competitor",
        "Keep one comparison bullet per competitor the spec lists, and none when it lists none.",
        subject="field",
    ),
}
_UNKNOWN_KIND = CheckKind(1, "Check failed", "Review the measured values.", subject="checked")
MAX_WEIGHT = max(kind.weight for kind in CHECK_KINDS.values())


def kind_of(check: str) -> CheckKind:
    """Weight, title and fix of a check name; unknown names weigh 1."""
    return CHECK_KINDS.get(check, _UNKNOWN_KIND)


def check_product(
    *,
    spec: ProductSpec,
    brand: BrandGuide | None,
    listing: ProductCopy,
    plan: ImagePlan,
    renders: list[RenderResult],
    images: Mapping[str, bytes],
    vision: Mapping[str, VisionReport] | None = None,
) -> ConsistencyReport:
    """Check copy, plan and rendered images of one product against each other and against the spec.

    `vision` maps image job ids to a vision checker's verdicts. Unverified
    verdicts are kept in the report but not scored.
    """
    claims = ledger.build_ledger(spec, brand, listing, spec_facts(spec, brand))
    checks: list[CheckResult] = ledger.claim_checks(claims)
    checks += coverage.anchors(spec, listing, plan, claims, banned=brand.voice.banned_phrases if brand else [])
    checks += coverage.variants(spec, plan, renders, claims)
    name_checks = color_names.color_name_checks(spec)
    _record_name_evidence(name_checks, claims)
    checks += name_checks
    checks += coverage.mandatory_elements(plan, claims)
    checks += text_checks.text_present(listing)
    checks += text_checks.hidden_characters(listing)
    checks += text_checks.platform_limits(listing)
    checks += text_checks.comparisons(spec, listing)
    checks += text_checks.banned_phrases(listing, brand)

    by_job = {render.job_id: render for render in renders}
    for job in plan.jobs:
        render = by_job.get(job.job_id)
        if render is None or render.status != RenderStatus.RENDERED or job.job_id not in images:
            checks.append(image_checks.not_rendered(job, render))
            continue
        image_results = image_checks.check_image(job, images[job.job_id], requested_format=render.requested_format)
        if vision and job.job_id in vision:
            image_results += image_checks.vision_checks(job, vision[job.job_id])
        _record_image_evidence(job, image_results, claims)
        checks += image_results

    return build_report(spec.sku, checks, claims)


def _record_name_evidence(results: list[CheckResult], claims: list[Claim]) -> None:
    """Add each variant's colour name check to the ledger row of that colour name.

    The images are measured against color_hex, so their "matched" evidence alone would hide a name that
    contradicts the hex code.
    """
    for result in results:
        status = "matched" if result.passed else "drifted"
        detail = f"{result.check}: {result.detail or describe(result.measured)}"
        for claim in claims:
            if claim.kind == ClaimKind.COLOR and f"{result.where}.color" in claim.sources:
                claim.evidence.append(Evidence(where=f"{result.where}.color_hex", status=status, detail=detail))


def _record_image_evidence(job: ImageJob, results: list[CheckResult], claims: list[Claim]) -> None:
    """Add what each image showed to the ledger rows of its colour, anchors and mandatory elements."""
    for result in results:
        if result.check in ("variant_color", "variant_color_present", "vision_color"):
            matching = [claim for claim in claims if claim.kind == ClaimKind.COLOR and claim.text == job.color]
            status = "matched" if result.passed else "drifted"
            if result.check == "vision_color":
                status = str(result.measured.get("verdict", status))
        elif result.check == "vision_anchor":
            matching = [
                claim
                for claim in claims
                if claim.kind == ClaimKind.ANCHOR and coverage.same_anchor(claim.text, result.subject)
            ]
            status = str(result.measured["verdict"])
        elif result.check == "vision_mandatory_element":
            matching = [
                claim for claim in claims if claim.kind == ClaimKind.MANDATORY_ELEMENT and claim.text == result.subject
            ]
            status = str(result.measured["verdict"])
        else:
            continue
        detail = result.detail or describe(result.measured)
        for claim in matching:
            claim.evidence.append(Evidence(where=job.job_id, status=status, detail=f"{result.check}: {detail}"))


def describe(values: Mapping[str, object]) -> str:
    """Write measured values as 'name value' pairs for a person to read, separated by semicolons.

    A list is written as its items separated by commas, or "none" when it is empty. An item that is empty,
    contains a comma or starts or ends with a space is quoted, so that it stays readable as one item.
    """
    return "; ".join(f"{name.replace('_', ' ')} {_value_text(value)}" for name, value in values.items())


def _value_text(value: object) -> str:
    if not isinstance(value, list | tuple):
        return str(value)
    if not value:
        return "none"
    items = [str(item) for item in value]
    return ", ".join(f'"{item}"' if not item.strip() or "," in item or item != item.strip() else item for item in items)


def build_report(sku: str, checks: list[CheckResult], claims: list[Claim] | None = None) -> ConsistencyReport:
    """Weigh the checks by kind, score them and turn every failed scored check into a drift flag."""
    for check in checks:
        if check.weight > 0:
            check.weight = kind_of(check.check).weight
    scored = [check for check in checks if check.weight > 0]
    listing_score = _kind_score([check for check in scored if check.target != CheckTarget.IMAGE])
    image_score = _image_score([check for check in scored if check.target == CheckTarget.IMAGE])
    scores = [value for value in (listing_score, image_score) if value is not None]
    # The heaviest failures first, and at one weight the images before the copy, so that the review index,
    # which shows the first few flags, and the sheet's list of fixes lead with what matters most.
    failed = sorted(
        (check for check in scored if not check.passed),
        key=lambda check: (-check.weight, check.target != CheckTarget.IMAGE),
    )
    flags = [to_flag(check) for check in failed]
    return ConsistencyReport(
        sku=sku,
        score=round(min(scores), 4) if scores else 1.0,
        listing_score=None if listing_score is None else round(listing_score, 4),
        image_score=None if image_score is None else round(image_score, 4),
        passed=not flags,
        checks=checks,
        flags=flags,
        claims=claims or [],
        score_parts=sorted(_kind_parts(scored).values(), key=lambda part: (-part.weight, part.check)),
    )


def _kind_parts(checks: list[CheckResult]) -> dict[str, ScorePart]:
    parts: dict[str, ScorePart] = {}
    for check in checks:
        part = parts.setdefault(check.check, ScorePart(check=check.check, passed=0, total=0, weight=check.weight))
        part.total += 1
        part.passed += int(check.passed)
    return parts


def _kind_score(checks: list[CheckResult]) -> float | None:
    """Return the weighted mean of each kind's share of passed checks, or None without checks."""
    parts = _kind_parts(checks).values()
    total_weight = sum(part.weight for part in parts)
    if not total_weight:
        return None
    return sum(part.weight * part.passed / part.total for part in parts) / total_weight


def _image_score(checks: list[CheckResult]) -> float | None:
    """Return the mean over images of 1 - (worst failed weight) / MAX_WEIGHT, or None without image checks."""
    worst: dict[str, float] = {}
    for check in checks:
        failed = 0.0 if check.passed else check.weight
        worst[check.where] = max(worst.get(check.where, 0.0), failed)
    if not worst:
        return None
    return sum(1 - min(weight, MAX_WEIGHT) / MAX_WEIGHT for weight in worst.values()) / len(worst)


def to_flag(check: CheckResult) -> DriftFlag:
    kind = kind_of(check.check)
    return DriftFlag(
        kind=check.check,
        title=kind.title,
        promised=check.subject,
        expected=check.expected,
        measured=check.detail or describe(check.measured),
        where=check.where,
        target=check.target,
        values=check.measured,
        fix=kind.fix,
    )
