"""Coverage: every promise of the copy and the spec is requested by an image job, and every variant is shown."""

from collections.abc import Sequence

from spec2listing.consistency.claims import mentions, similar
from spec2listing.copywriting.phrases import phrase_found, phrase_pattern
from spec2listing.models.consistency import CheckResult, CheckTarget, Claim, ClaimKind, Evidence
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob, ImagePlan
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import RenderResult, RenderStatus

# Anchors the copy and the plan word a little differently still count as one above this similarity.
_SAME_ANCHOR = 0.6


def same_anchor(first: str, second: str) -> bool:
    """Whether two wordings name one visual anchor."""
    return first.strip().lower() == second.strip().lower() or similar(first, second) >= _SAME_ANCHOR


def _requests_anchor(job: ImageJob, anchor: str) -> bool:
    return any(same_anchor(anchor, planned) for planned in job.anchors) and mentions(job.prompt, anchor)


def _requests_element(job: ImageJob, element: str) -> bool:
    return element in job.mandatory_elements and mentions(job.prompt, element)


def _claims(claims: list[Claim], kind: ClaimKind) -> list[Claim]:
    return [claim for claim in claims if claim.kind == kind]


def _coverage(check: str, where: str, subject: str, passed: bool, expected: str, **measured: object) -> CheckResult:
    return CheckResult(
        check=check,
        target=CheckTarget.COVERAGE,
        where=where,
        subject=subject,
        passed=passed,
        measured=dict(measured),
        expected=expected,
    )


def anchors(
    spec: ProductSpec, listing: ProductCopy, plan: ImagePlan, claims: list[Claim], *, banned: Sequence[str] = ()
) -> list[CheckResult]:
    """Spec anchors are promised by the copy; every anchor the copy promises is asked for by an image job.

    An anchor that carries a phrase of `banned` (the brand guide's) cannot be named without breaking the
    guide, so its result names the phrase, for a person to reword the anchor or the guide.
    """
    results = []
    for claim in _claims(claims, ClaimKind.ANCHOR):
        if not claim.sources or not claim.sources[0].startswith("visual.anchors"):
            continue
        listed = any(field.startswith("visual_anchors") for field in claim.copy_fields)
        named = [field for field in claim.copy_fields if field == "description"]
        result = _coverage(
            "anchor_promised",
            "description",
            claim.text,
            listed and bool(named),
            "listed in the copy's visual anchors and named in its description",
            listed=listed,
            named_in=named,
        )
        clash = [phrase for phrase in banned if phrase_found(phrase_pattern(phrase), claim.text)]
        if clash and not result.passed:
            result.measured["banned_phrases"] = clash
            result.detail = (
                f"the anchor carries {', '.join(repr(phrase) for phrase in clash)}, which the brand guide bans, "
                "so the copy cannot name it: reword the anchor or the brand guide"
            )
        results.append(result)
    for anchor in listing.visual_anchors:
        jobs = [job.job_id for job in plan.jobs if _requests_anchor(job, anchor)]
        for claim in _claims(claims, ClaimKind.ANCHOR):
            if same_anchor(claim.text, anchor):
                claim.evidence += [Evidence(where=job_id, status="requested") for job_id in jobs]
        results.append(
            _coverage(
                "anchor_covered",
                "plan",
                anchor,
                bool(jobs),
                "at least one image job whose anchors and prompt ask for it",
                jobs=jobs,
            )
        )
    return results


def variants(spec: ProductSpec, plan: ImagePlan, renders: list[RenderResult], claims: list[Claim]) -> list[CheckResult]:
    """Every variant has a rendered image of its own."""
    rendered = {render.job_id for render in renders if render.status == RenderStatus.RENDERED}
    results = []
    for index, variant in enumerate(spec.variants):
        jobs = [job.job_id for job in plan.jobs if job.variant_sku == variant.sku]
        shown = [job_id for job_id in jobs if job_id in rendered]
        for claim in _claims(claims, ClaimKind.COLOR):
            if f"variants[{index}].color" in claim.sources:
                claim.evidence += [
                    Evidence(where=job_id, status="requested" if job_id in shown else "missing") for job_id in jobs
                ]
        results.append(
            _coverage(
                "variant_has_image",
                "plan",
                f"{variant.sku} ({variant.color})",
                bool(shown),
                "a rendered image of the variant",
                jobs=jobs,
                rendered=shown,
            )
        )
    return results


def mandatory_elements(plan: ImagePlan, claims: list[Claim]) -> list[CheckResult]:
    """Every mandatory element of the spec and the brand guide is asked for by every image job."""
    results = []
    for claim in _claims(claims, ClaimKind.MANDATORY_ELEMENT):
        requested = [job.job_id for job in plan.jobs if _requests_element(job, claim.text)]
        missing = [job.job_id for job in plan.jobs if job.job_id not in requested]
        claim.evidence += [Evidence(where=job_id, status="requested") for job_id in requested]
        claim.evidence += [Evidence(where=job_id, status="missing", detail="not in the prompt") for job_id in missing]
        results.append(
            _coverage(
                "mandatory_element_requested",
                "plan",
                claim.text,
                not missing,
                "named in every image job and its prompt",
                jobs_without=missing,
            )
        )
    return results
