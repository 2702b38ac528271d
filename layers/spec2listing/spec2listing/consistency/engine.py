"""Run every check on one product and score it.

Score: the weighted share of checks that pass. Every check weighs 1 unless its
weight is set otherwise, and a product with a failed check goes to NEEDS_REVIEW.
"""

from collections.abc import Mapping

from spec2listing.consistency import image_checks, text_checks
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import CheckResult, ConsistencyReport, DriftFlag
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImagePlan
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import RenderResult, RenderStatus
from spec2listing.providers import VisionReport


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
    """Check copy, plan and rendered images of one product against each other.

    `vision` maps image job ids to a vision checker's verdicts. Unverified
    verdicts are kept in the report but not scored.
    """
    checks: list[CheckResult] = []
    checks += text_checks.coverage(spec, listing, plan, renders)
    checks += text_checks.platform_limits(listing)
    checks += text_checks.banned_phrases(listing, brand)

    by_job = {render.job_id: render for render in renders}
    for job in plan.jobs:
        render = by_job.get(job.job_id)
        if render is None or render.status != RenderStatus.RENDERED or job.job_id not in images:
            checks.append(image_checks.not_rendered(job, render))
            continue
        checks += image_checks.check_image(job, images[job.job_id])
        if vision and job.job_id in vision:
            checks += image_checks.vision_checks(job, vision[job.job_id])

    return build_report(spec.sku, checks)


def build_report(sku: str, checks: list[CheckResult]) -> ConsistencyReport:
    scored = [check for check in checks if check.weight > 0]
    total = sum(check.weight for check in scored)
    passed_weight = sum(check.weight for check in scored if check.passed)
    score = round(passed_weight / total, 4) if total else 1.0
    flags = [to_flag(check) for check in scored if not check.passed]
    return ConsistencyReport(sku=sku, score=score, passed=not flags, checks=checks, flags=flags)


def to_flag(check: CheckResult) -> DriftFlag:
    measured = check.detail or ", ".join(f"{key}={value}" for key, value in check.measured.items())
    return DriftFlag(
        kind=check.check, promised=f"{check.subject}: {check.expected}", measured=measured, where=check.where
    )
