"""Checks on rendered pixels; they apply to offline and live images alike."""

from PIL import UnidentifiedImageError

from spec2listing.consistency.thresholds import (
    LIFESTYLE_COLOR_MIN_SHARE,
    MAIN_IMAGE_MIN_FILL,
    MIN_LONGEST_SIDE_PX,
    VARIANT_COLOR_MAX_DELTA_E,
    WHITE_BORDER_MIN_SHARE,
    WHITE_TOLERANCE,
)
from spec2listing.imaging.pixels import color_share, delta_e_2000, measure, rgb_hex
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.jobs import ImageJob, ImageKind
from spec2listing.models.tasks import RenderResult
from spec2listing.providers import VisionReport

_VISION_CHECK_NAMES = {
    "anchor": "vision_anchor",
    "mandatory_element": "vision_mandatory_element",
    "color": "vision_color",
}


def not_rendered(job: ImageJob, render: RenderResult | None) -> CheckResult:
    status = render.status.value if render else "MISSING"
    reason = render.error if render and render.error else "no image was produced"
    return CheckResult(
        check="image_rendered",
        target=CheckTarget.IMAGE,
        where=job.job_id,
        subject=f"{job.kind.value} image",
        passed=False,
        measured={"status": status},
        expected="a rendered image",
        detail=f"{status}: {reason}",
    )


def _result(job: ImageJob, check: str, subject: str, passed: bool, expected: str, **measured: object) -> CheckResult:
    return CheckResult(
        check=check,
        target=CheckTarget.IMAGE,
        where=job.job_id,
        subject=subject,
        passed=passed,
        measured=dict(measured),
        expected=expected,
    )


def check_image(job: ImageJob, data: bytes) -> list[CheckResult]:
    try:
        measured = measure(data, white_tolerance=WHITE_TOLERANCE)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return [_result(job, "image_decodes", "image file", False, "a decodable PNG, JPEG or WebP", error=str(error))]

    results = [
        _result(
            job,
            "image_size",
            "planned size",
            (measured.width, measured.height) == (job.width, job.height),
            f"{job.width}x{job.height} px",
            width=measured.width,
            height=measured.height,
        ),
        _result(
            job,
            "image_resolution",
            "zoomable resolution",
            max(measured.width, measured.height) >= MIN_LONGEST_SIDE_PX,
            f"longest side >= {MIN_LONGEST_SIDE_PX} px",
            longest_side=max(measured.width, measured.height),
        ),
    ]

    on_white = job.kind in (ImageKind.PACKSHOT, ImageKind.VARIANT)
    if on_white:
        results.append(
            _result(
                job,
                "background_white",
                "pure white background",
                measured.border_white_share >= WHITE_BORDER_MIN_SHARE,
                f">= {WHITE_BORDER_MIN_SHARE:.0%} of border pixels at RGB >= {255 - WHITE_TOLERANCE}",
                white_share=round(measured.border_white_share, 4),
                background=rgb_hex(measured.background_rgb),
            )
        )
    if job.kind == ImageKind.PACKSHOT and "amazon" in job.platforms:
        results.append(
            _result(
                job,
                "product_fill",
                "product fills the main image",
                measured.fill >= MAIN_IMAGE_MIN_FILL,
                f"product spans >= {MAIN_IMAGE_MIN_FILL:.0%} of the frame",
                fill=round(measured.fill, 4),
            )
        )
    if job.color_hex and on_white:
        if measured.dominant_rgb is None:
            results.append(
                _result(job, "variant_color", f"{job.color} {job.color_hex}", False, "a visible product", dominant=None)
            )
        else:
            dominant = rgb_hex(measured.dominant_rgb)
            distance = delta_e_2000(dominant, job.color_hex)
            results.append(
                _result(
                    job,
                    "variant_color",
                    f"{job.color} {job.color_hex}",
                    distance <= VARIANT_COLOR_MAX_DELTA_E,
                    f"dominant product colour within CIEDE2000 {VARIANT_COLOR_MAX_DELTA_E:g} of {job.color_hex}",
                    dominant=dominant,
                    delta_e=round(distance, 2),
                )
            )
    elif job.color_hex:
        share = color_share(data, job.color_hex, VARIANT_COLOR_MAX_DELTA_E)
        results.append(
            _result(
                job,
                "variant_color_present",
                f"{job.color} {job.color_hex}",
                share >= LIFESTYLE_COLOR_MIN_SHARE,
                f">= {LIFESTYLE_COLOR_MIN_SHARE:.0%} of pixels within CIEDE2000 {VARIANT_COLOR_MAX_DELTA_E:g}",
                share=round(share, 4),
            )
        )
    return results


def vision_checks(job: ImageJob, report: VisionReport) -> list[CheckResult]:
    """Turn each vision verdict into a check; unverified ones weigh 0, so they are shown but not scored."""
    results = []
    for verdict in report.verdicts:
        unverified = verdict.verdict == "unverified"
        results.append(
            CheckResult(
                check=_VISION_CHECK_NAMES[verdict.kind],
                target=CheckTarget.IMAGE,
                where=job.job_id,
                subject=verdict.item,
                passed=verdict.verdict == "present",
                measured={"verdict": verdict.verdict},
                expected="shown in the image",
                weight=0.0 if unverified else 1.0,
                detail=verdict.reason,
            )
        )
    return results
