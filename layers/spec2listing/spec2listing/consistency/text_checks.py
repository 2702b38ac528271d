"""Checks on copy and on the image plan: coverage, platform limits, brand wording."""

from spec2listing.copywriting.platforms import RULES
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImagePlan
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import RenderResult, RenderStatus


def coverage(
    spec: ProductSpec, listing: ProductCopy, plan: ImagePlan, renders: list[RenderResult]
) -> list[CheckResult]:
    """Every anchor the copy promises is requested by an image job; every variant has an image."""
    results = []
    rendered = {render.job_id for render in renders if render.status == RenderStatus.RENDERED}
    for anchor in listing.visual_anchors:
        jobs = [job.job_id for job in plan.jobs if anchor in job.anchors and anchor.lower() in job.prompt.lower()]
        results.append(
            CheckResult(
                check="anchor_covered",
                target=CheckTarget.COVERAGE,
                where="plan",
                subject=anchor,
                passed=bool(jobs),
                measured={"jobs": jobs},
                expected="at least one image job whose prompt asks for the anchor",
            )
        )
    for variant in spec.variants:
        jobs = [job.job_id for job in plan.jobs if job.variant_sku == variant.sku]
        shown = [job_id for job_id in jobs if job_id in rendered]
        results.append(
            CheckResult(
                check="variant_has_image",
                target=CheckTarget.COVERAGE,
                where="plan",
                subject=f"{variant.sku} ({variant.color})",
                passed=bool(shown),
                measured={"jobs": jobs, "rendered": shown},
                expected="a rendered image of the variant",
            )
        )
    for element in {element for job in plan.jobs for element in job.mandatory_elements} | set(
        spec.visual.mandatory_elements
    ):
        missing = [job.job_id for job in plan.jobs if element not in job.mandatory_elements]
        results.append(
            CheckResult(
                check="mandatory_element_requested",
                target=CheckTarget.COVERAGE,
                where="plan",
                subject=element,
                passed=not missing,
                measured={"jobs_without": missing},
                expected="requested in every image job",
            )
        )
    return results


def _length_check(where: str, text: str, limit: int, subject: str) -> CheckResult:
    return CheckResult(
        check="text_length",
        target=CheckTarget.TEXT,
        where=where,
        subject=subject,
        passed=len(text) <= limit,
        measured={"characters": len(text)},
        expected=f"at most {limit} characters",
    )


def platform_limits(listing: ProductCopy) -> list[CheckResult]:
    results = []
    amazon = listing.platforms.amazon
    if amazon:
        rules = RULES["amazon"]
        results.append(_length_check("platforms.amazon.title", amazon.title, rules.title_max, "Amazon title"))
        bad = sorted({ch for ch in amazon.title if ch in rules.forbidden_title_chars})
        results.append(
            CheckResult(
                check="title_characters",
                target=CheckTarget.TEXT,
                where="platforms.amazon.title",
                subject="Amazon title characters",
                passed=not bad,
                measured={"forbidden": bad},
                expected="none of " + " ".join(sorted(rules.forbidden_title_chars)),
            )
        )
        results.append(
            CheckResult(
                check="bullet_count",
                target=CheckTarget.TEXT,
                where="platforms.amazon.bullets",
                subject="Amazon bullets",
                passed=len(amazon.bullets) == rules.bullets,
                measured={"bullets": len(amazon.bullets)},
                expected=f"exactly {rules.bullets} bullets",
            )
        )
    shopify = listing.platforms.shopify
    if shopify:
        rules = RULES["shopify"]
        results.append(_length_check("platforms.shopify.title", shopify.title, rules.title_max, "Shopify title"))
        results.append(
            _length_check("platforms.shopify.seo_title", shopify.seo_title, rules.seo_title_max or 70, "SEO title")
        )
        results.append(
            _length_check(
                "platforms.shopify.meta_description",
                shopify.meta_description,
                rules.meta_description_max or 160,
                "meta description",
            )
        )
    google = listing.platforms.google_merchant
    if google:
        rules = RULES["google_merchant"]
        results.append(
            _length_check("platforms.google_merchant.title", google.title, rules.title_max, "Merchant title")
        )
        results.append(
            _length_check(
                "platforms.google_merchant.description",
                google.description,
                rules.description_max or 5000,
                "Merchant description",
            )
        )
    instagram = listing.platforms.instagram
    if instagram:
        rules = RULES["instagram"]
        results.append(
            _length_check("platforms.instagram.caption", instagram.caption, rules.caption_max or 2200, "caption")
        )
        count = instagram.caption.count("#")
        results.append(
            CheckResult(
                check="hashtag_count",
                target=CheckTarget.TEXT,
                where="platforms.instagram.caption",
                subject="Instagram hashtags",
                passed=count <= (rules.hashtags_max or 5),
                measured={"hashtags": count},
                expected=f"at most {rules.hashtags_max} hashtags",
            )
        )
    return results


def copy_fields(listing: ProductCopy) -> list[tuple[str, str]]:
    """Every text field of the copy with its path."""
    fields = [
        ("title", listing.title),
        ("short_description", listing.short_description),
        ("description", listing.description),
    ]
    fields += [(f"bullets[{i}]", text) for i, text in enumerate(listing.bullets)]
    fields += [(f"comparison_bullets[{i}]", text) for i, text in enumerate(listing.comparison_bullets)]
    platforms = listing.platforms.model_dump(exclude_none=True)
    for platform, values in platforms.items():
        for name, value in values.items():
            if isinstance(value, str):
                fields.append((f"platforms.{platform}.{name}", value))
            elif isinstance(value, list):
                fields += [(f"platforms.{platform}.{name}[{i}]", str(item)) for i, item in enumerate(value)]
    return fields


def banned_phrases(listing: ProductCopy, brand: BrandGuide | None) -> list[CheckResult]:
    if brand is None or not brand.voice.banned_phrases:
        return []
    results = []
    fields = copy_fields(listing)
    for phrase in brand.voice.banned_phrases:
        found = [path for path, text in fields if phrase.lower() in text.lower()]
        results.append(
            CheckResult(
                check="banned_phrase",
                target=CheckTarget.TEXT,
                where=", ".join(found) if found else "copy",
                subject=phrase,
                passed=not found,
                measured={"fields": found},
                expected="phrase absent from every copy field",
            )
        )
    return results
