"""Offline vision checker: judges what pixels can show and leaves the rest unverified.

Colour claims are judged on the image's pixels. Anchors and mandatory elements
(a logo, a prop, a scene) need a vision model, so offline they come back
'unverified': recorded in the report, never counted as passed.
"""

from spec2listing.consistency.thresholds import LIFESTYLE_COLOR_MIN_SHARE, VARIANT_COLOR_MAX_DELTA_E
from spec2listing.imaging.pixels import color_share
from spec2listing.models.jobs import ImageJob
from spec2listing.models.records import Usage
from spec2listing.providers import VisionReport, VisionVerdict


class OfflineVisionChecker:
    """Colour verdicts from pixels, and unverified for everything that needs a model."""

    name = "offline"
    model = "offline-pixels-v1"

    def check(self, image: bytes, job: ImageJob) -> VisionReport:
        verdicts = [
            VisionVerdict(item=anchor, kind="anchor", verdict="unverified", reason="needs a vision model")
            for anchor in job.anchors
        ]
        verdicts += [
            VisionVerdict(item=element, kind="mandatory_element", verdict="unverified", reason="needs a vision model")
            for element in job.mandatory_elements
        ]
        if job.color_hex:
            share = color_share(image, job.color_hex, VARIANT_COLOR_MAX_DELTA_E)
            present = share >= LIFESTYLE_COLOR_MIN_SHARE
            verdicts.append(
                VisionVerdict(
                    item=f"{job.color} {job.color_hex}",
                    kind="color",
                    verdict="present" if present else "absent",
                    reason=f"{share:.1%} of pixels within CIEDE2000 {VARIANT_COLOR_MAX_DELTA_E:g}",
                )
            )
        usage = Usage(step="vision", provider=self.name, model=self.model)
        return VisionReport(verdicts=verdicts, usage=[usage])
