"""Checks on rendered pixels, for offline and live images alike.

Every check stores what it measured (colours as #RRGGBB, shares as fractions of
0..1, sizes in pixels), so a reviewer can tell how far an image is off, not only
that it is.
"""

from coloraide import Color
from PIL import UnidentifiedImageError

from spec2listing.consistency.thresholds import (
    BACKGROUND_UNIFORM_SPREAD,
    BLANK_IMAGE_MIN_SHARE,
    LIFESTYLE_COLOR_MIN_SHARE,
    MAJOR_COLOR_MIN_SHARE,
    OUTLINE_MAX_CHROMA,
    OUTLINE_MIN_LIGHTNESS,
    SILHOUETTE_BODY_MIN_SHARE,
    SPARSE_REGION_MAX_DENSITY,
    VARIANT_COLOR_MAX_DELTA_E,
    WHITE_BORDER_MIN_SHARE,
    WHITE_TOLERANCE,
)
from spec2listing.copywriting.platforms import ASPECT_TOLERANCE, IMAGE_RULES, MIN_LONGEST_SIDE_PX
from spec2listing.imaging.pixels import ImageMeasurements, delta_e_2000, measure, rgb_hex, scene_color_share
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.jobs import ImageJob, ImageKind
from spec2listing.models.tasks import RenderResult
from spec2listing.providers import VisionReport
from spec2listing.providers.media import decode_error

_VISION_CHECK_NAMES = {
    "anchor": "vision_anchor",
    "mandatory_element": "vision_mandatory_element",
    "color": "vision_color",
}
_WHITE_MIN = 255 - WHITE_TOLERANCE


# Checks on what an image shows, which another render of the same job may pass. The others depend on the
# request (size, format) or on a photo, and a new render would fail them the same way.
RENDER_CHECKS = frozenset(
    {
        "image_not_blank",
        "background_white",
        "background_clean",
        "product_fill",
        "variant_color",
        "variant_color_present",
        *_VISION_CHECK_NAMES.values(),
    }
)


# Render errors whose cause is a reference photo, which a person fixes in the bucket or the spec, and the
# checks that report them. Rendering again would fail the same way.
REFERENCE_PHOTO_CHECKS = {
    "ReferencePhotoMissing": "reference_photo_found",
    "ReferencePhotoInvalid": "reference_photo_decodes",
}


def not_rendered(job: ImageJob, render: RenderResult | None) -> CheckResult:
    """Report a job without an image, under the check whose fix matches the render error."""
    status = render.status.value if render else "MISSING"
    reason = render.error if render and render.error else "no image was produced"
    # The error reads "ErrorType: message", where ErrorType is the class name the Catch state passed on.
    error_type = render.error.split(":", 1)[0].strip() if render and render.error else ""
    return CheckResult(
        check=REFERENCE_PHOTO_CHECKS.get(error_type, "image_rendered"),
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


def on_white(job: ImageJob) -> bool:
    """Packshots and variant images are planned on seamless white."""
    return job.kind in (ImageKind.PACKSHOT, ImageKind.VARIANT)


def check_image(job: ImageJob, data: bytes, *, requested_format: str | None = None) -> list[CheckResult]:
    """Size, resolution, aspect ratio, background, fill and colour of one rendered image.

    With `requested_format` (png, jpeg or webp, as the renderer asked for it), its format too.
    """
    try:
        measured = measure(data, white_tolerance=WHITE_TOLERANCE, product_hex=job.color_hex)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return [
            _result(
                job, "image_decodes", "image file", False, "a decodable PNG, JPEG or WebP", error=decode_error(error)
            )
        ]

    longest = max(measured.width, measured.height)
    results = []
    if requested_format is not None:
        decoded = measured.format.lower()
        results.append(
            _result(
                job, "image_format", "requested format", decoded == requested_format, requested_format, format=decoded
            )
        )
    results += [
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
            longest >= MIN_LONGEST_SIDE_PX,
            f"longest side >= {MIN_LONGEST_SIDE_PX} px",
            longest_side=longest,
        ),
    ]
    results.append(
        _result(
            job,
            "image_not_blank",
            "a product in the image",
            measured.uniform_share < BLANK_IMAGE_MIN_SHARE,
            f"under {BLANK_IMAGE_MIN_SHARE:.1%} of pixels one flat colour",
            uniform_share=round(measured.uniform_share, 4),
        )
    )
    results += _aspect_checks(job, measured)
    if on_white(job):
        results += _background_checks(job, measured)
        results += _fill_checks(job, measured)
    results += _color_checks(job, measured, data)
    return results


def _aspect_checks(job: ImageJob, measured: ImageMeasurements) -> list[CheckResult]:
    ratio = measured.width / measured.height
    results = []
    for platform in job.platforms:
        rule = IMAGE_RULES.get(platform)
        if rule is None or rule.aspect_min is None or rule.aspect_max is None:
            continue
        low, high = rule.aspect_min * (1 - ASPECT_TOLERANCE), rule.aspect_max * (1 + ASPECT_TOLERANCE)
        wanted = f"{rule.aspect_min:.2f}" if rule.aspect_min == rule.aspect_max else f"{rule.aspect_min:.2f} to"
        if rule.aspect_min != rule.aspect_max:
            wanted += f" {rule.aspect_max:.2f}"
        results.append(
            _result(
                job,
                "aspect_ratio",
                f"{platform} aspect ratio",
                low <= ratio <= high,
                f"width / height {wanted} ({rule.source})",
                ratio=round(ratio, 4),
                platform=platform,
            )
        )
    return results


def _background_checks(job: ImageJob, measured: ImageMeasurements) -> list[CheckResult]:
    """Two checks of an image planned on white, of which at most one fails, so one problem raises one flag.

    background_white fails on a uniform backdrop of the wrong colour (grey, cream, tinted). background_clean
    fails when a shadow, gradient, vignette, mark or cut-off product reaches the image edge. A border whose
    median colour is white has a white backdrop, even at a spread of 0, which a product cut off over 2% to 5%
    of the border leaves.
    """
    clean = measured.border_white_share >= WHITE_BORDER_MIN_SHARE
    wrong_backdrop = (
        not clean and measured.border_spread <= BACKGROUND_UNIFORM_SPREAD and min(measured.background_rgb) < _WHITE_MIN
    )
    values = {
        "background": rgb_hex(measured.background_rgb),
        "white_share": round(measured.border_white_share, 4),
        "darkest_border_channel": measured.border_min_channel,
        "border_spread": measured.border_spread,
        "edges_reached": list(measured.edges_reached),
    }
    return [
        _result(
            job,
            "background_white",
            "pure white background",
            not wrong_backdrop,
            f"border RGB >= {_WHITE_MIN} on every channel",
            **values,
        ),
        _result(
            job,
            "background_clean",
            "no shadow or mark on the background",
            clean or wrong_backdrop,
            f">= {WHITE_BORDER_MIN_SHARE:.0%} of border pixels at RGB >= {_WHITE_MIN}",
            **values,
        ),
    ]


def _fill_checks(job: ImageJob, measured: ImageMeasurements) -> list[CheckResult]:
    results = []
    for platform in job.platforms:
        rule = IMAGE_RULES.get(platform)
        if rule is None or rule.main_min_fill is None:
            continue
        results.append(
            _result(
                job,
                "product_fill",
                f"product fills the {platform} main image",
                measured.fill >= rule.main_min_fill,
                f"product spans >= {rule.main_min_fill:.0%} of the frame ({rule.source})",
                fill=round(measured.fill, 4),
                product_share=round(measured.product_share, 4),
                bbox=list(measured.bbox) if measured.bbox else None,
            )
        )
    return results


def _color_checks(job: ImageJob, measured: ImageMeasurements, data: bytes) -> list[CheckResult]:
    if not job.color_hex:
        return []
    subject = f"{job.color} {job.color_hex}"
    if on_white(job):
        if measured.dominant_rgb is None:
            return [_result(job, "variant_color", subject, False, "a visible product", dominant=None)]
        # The nearest of the product region's major colours, so a shadow or vignette that outweighs a small
        # product cannot hide it; the dominant colour is reported beside it. A white product on white is
        # separated only by its light grey outline and shading, so then its silhouette's colours are used.
        major = _major_colors(measured.colors, measured.dominant_rgb)
        silhouette = _major_colors(measured.silhouette_colors)
        if silhouette and _outline_only(measured):
            major = silhouette
        elif _near_white(job.color_hex) and measured.outline_rgb and _light_neutral(measured.outline_rgb):
            # A white body with a print on it: its light grey outline encloses the white body and the print. A
            # hollow product in a colour (a navy ring, a black wire frame) has its own colour on the outline.
            major += [color for color, share in measured.silhouette_colors if share >= SILHOUETTE_BODY_MIN_SHARE]
        target = job.color_hex
        nearest = min((rgb_hex(color) for color in major), key=lambda color: delta_e_2000(color, target))
        distance = delta_e_2000(nearest, job.color_hex)
        values: dict[str, object] = {
            "dominant": rgb_hex(measured.dominant_rgb),
            "nearest": nearest,
            "delta_e": round(distance, 2),
            "colors": {rgb_hex(color): round(share, 3) for color, share in measured.colors},
            "product_share": round(measured.product_share, 4),
        }
        if measured.silhouette_colors:
            values["silhouette_colors"] = {
                rgb_hex(color): round(share, 3) for color, share in measured.silhouette_colors
            }
        if measured.outline_rgb is not None:
            values["outline"] = rgb_hex(measured.outline_rgb)
        values["bbox_density"] = round(measured.bbox_density, 4)
        result = _result(
            job,
            "variant_color",
            subject,
            distance <= VARIANT_COLOR_MAX_DELTA_E,
            f"a major product colour within CIEDE2000 {VARIANT_COLOR_MAX_DELTA_E:g} of {job.color_hex}",
            **values,
        )
        if not result.passed and _blends_with_backdrop(job.color_hex, measured):
            result.weight = 0.0
            result.detail = (
                "the variant colour is that of the white backdrop and only the product's outline or shading "
                "separates from it; left to the vision check"
            )
        return [result]
    scene = scene_color_share(data, job.color_hex, VARIANT_COLOR_MAX_DELTA_E)
    result = _result(
        job,
        "variant_color_present",
        subject,
        scene.share >= LIFESTYLE_COLOR_MIN_SHARE,
        f">= {LIFESTYLE_COLOR_MIN_SHARE:.0%} of pixels apart from the backdrop within CIEDE2000 "
        f"{VARIANT_COLOR_MAX_DELTA_E:g}",
        share=round(scene.share, 4),
        scene_colors=scene.scene_colors,
    )
    if scene.in_scene:
        # The backdrop itself has the variant colour, so pixels cannot tell product from scene.
        result.weight = 0.0
        result.detail = "the scene's own colours match the variant colour; left to the vision check"
    return [result]


def _blends_with_backdrop(color_hex: str, measured: ImageMeasurements) -> bool:
    """Tell whether a near-white product shows only as an open outline, so its pixels cannot give its colour."""
    return _near_white(color_hex) and _outline_only(measured)


def _near_white(color_hex: str) -> bool:
    return delta_e_2000(color_hex, "#FFFFFF") <= VARIANT_COLOR_MAX_DELTA_E


def _outline_only(measured: ImageMeasurements) -> bool:
    """Tell whether the product region is only the outline or shading of a white product.

    The region then covers little of its bounding box, and all its major colours are light neutral greys,
    as shading on white is. A thin product in a colour, or in black (a wire frame), is the product itself.
    """
    if measured.bbox_density >= SPARSE_REGION_MAX_DENSITY:
        return False
    major = _major_colors(measured.colors, measured.dominant_rgb)
    return bool(major) and all(_light_neutral(color) for color in major)


def _major_colors(
    modes: tuple[tuple[tuple[int, int, int], float], ...], dominant: tuple[int, int, int] | None = None
) -> list[tuple[int, int, int]]:
    """List the colour modes that cover at least MAJOR_COLOR_MIN_SHARE, or else the dominant colour if given."""
    major = [color for color, share in modes if share >= MAJOR_COLOR_MIN_SHARE]
    if not major and dominant is not None:
        major = [dominant]
    return major


def _light_neutral(rgb: tuple[int, int, int]) -> bool:
    lightness, chroma, _ = Color(rgb_hex(rgb)).convert("lch").coords()
    return lightness >= OUTLINE_MIN_LIGHTNESS and chroma <= OUTLINE_MAX_CHROMA


def vision_checks(job: ImageJob, report: VisionReport) -> list[CheckResult]:
    """Turn each vision verdict into a check; unverified ones weigh 0, so they are shown but not scored.

    A report that carries an error adds a failed `vision_checked` check, so a
    person sees that no model looked at the image and why.
    """
    results = []
    if report.error is not None:
        results.append(
            CheckResult(
                check="vision_checked",
                target=CheckTarget.IMAGE,
                where=job.job_id,
                subject="vision check",
                passed=False,
                measured={"items": len(report.verdicts), "checked_again_on_next_run": report.retryable},
                expected="verdicts from the vision model",
                detail=report.error,
            )
        )
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
