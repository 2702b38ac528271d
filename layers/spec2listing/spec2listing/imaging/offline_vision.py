"""Offline vision checker: leaves what needs a vision model unverified.

Anchors and mandatory elements (a logo, a prop, a scene) need a vision model,
so offline they come back 'unverified': recorded in the report, never counted
as passed. Colours need no model: the pixel checks in consistency/ already
measure them, so this checker does not judge them a second time.
"""

from spec2listing.costs.ledger import UsageLedger
from spec2listing.models.jobs import ImageJob
from spec2listing.models.records import Usage
from spec2listing.providers import VisionReport, VisionVerdict


class OfflineVisionChecker:
    """Unverified verdicts for every item that needs a model."""

    name = "offline"
    model = "offline-pixels-v1"
    endpoint: str | None = None

    def check(
        self, image: bytes, job: ImageJob, *, ledger: UsageLedger, budget_seconds: float | None = None
    ) -> VisionReport:
        verdicts = [
            VisionVerdict(item=anchor, kind="anchor", verdict="unverified", reason="needs a vision model")
            for anchor in job.anchors
        ]
        verdicts += [
            VisionVerdict(item=element, kind="mandatory_element", verdict="unverified", reason="needs a vision model")
            for element in job.mandatory_elements
        ]
        ledger.record(Usage(step="vision", provider=self.name, model=self.model, job_id=job.job_id))
        return VisionReport(verdicts=verdicts)
