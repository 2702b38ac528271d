"""CheckConsistency when the vision checker fails, is slow or stays throttled: the listing is always kept."""

import io
import threading

import pytest
from PIL import Image
from spec2listing.errors import ContentBlocked, ProviderOutputInvalid, ProviderThrottled, ProviderUnavailable
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.models.jobs import ImagePlan
from spec2listing.models.tasks import CheckTask, RenderResult, RenderTask
from spec2listing.pipeline import steps
from spec2listing.pipeline.outcomes import vision_unchecked
from spec2listing.pipeline.steps import check_consistency, render_image
from spec2listing.providers import VisionReport, VisionVerdict
from spec2listing.providers.prompts import checklist
from spec2listing.providers.select import vision_checker
from spec2listing.settings import ProviderSettings
from spec2listing.storage import keys
from spec2listing.storage.objects import get_json

from tests.fakes import gemini_api
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.server import Reply
from tests.support import planned_example


class ScriptedVision:
    """Present for every item, except the jobs given a fault to raise or an event to wait for."""

    name = "gemini"
    model = "scripted-vision"
    endpoint = None

    def __init__(self, faults: dict[str, Exception] | None = None, waits: dict[str, threading.Event] | None = None):
        self.faults = faults or {}
        self.waits = waits or {}
        self.calls: list[str] = []

    def check(self, image, job, *, ledger, budget_seconds=None) -> VisionReport:
        self.calls.append(job.job_id)
        if job.job_id in self.waits:
            self.waits[job.job_id].wait(timeout=10)
        if job.job_id in self.faults:
            raise self.faults[job.job_id]
        verdicts = [
            VisionVerdict.model_validate({**item, "verdict": "present", "reason": "seen"}) for item in checklist(job)
        ]
        return VisionReport(verdicts=verdicts)


def prepared_check(store, records) -> CheckTask:
    """Run the daypack example up to CheckConsistency with the offline providers and return the check's task."""
    item, copy_key, plan = planned_example(store, records, renderer=OfflineRenderer())
    renders = [
        render_image(RenderTask(**item, jobs_key=plan.jobs_key, job_id=job_id), store=store, renderer=OfflineRenderer())
        for job_id in plan.job_ids
    ]
    return CheckTask(
        **item,
        copy_key=copy_key,
        jobs_key=plan.jobs_key,
        renders=[render.model_dump(mode="json") for render in renders],
    )


def vision_flags(report) -> dict[str, str]:
    return {flag.where: flag.measured for flag in report.flags if flag.kind == "vision_checked"}


def unverified(report, job_id: str) -> list[str]:
    return [
        check.detail
        for check in report.checks
        if check.where == job_id and check.check.startswith("vision_") and check.measured.get("verdict") == "unverified"
    ]


def test_vision_fault_leaves_image_unverified(store, records) -> None:
    task = prepared_check(store, records)
    vision = ScriptedVision(faults={"lifestyle-1": ProviderOutputInvalid("the answer is not valid JSON")})
    result, report = check_consistency(task, store=store, vision=vision)

    assert vision_flags(report) == {"lifestyle-1": "ProviderOutputInvalid: the answer is not valid JSON"}
    reasons = unverified(report, "lifestyle-1")
    assert reasons
    assert all(reason == "ProviderOutputInvalid: the answer is not valid JSON" for reason in reasons)
    assert unverified(report, "packshot") == []
    assert not result.passed
    assert store.exists(result.report_key)


def test_live_vision_not_json_unverified(store, records) -> None:
    task = prepared_check(store, records)
    settings = ProviderSettings(
        providers="live",
        gemini_api_key=gemini_api.KEY,
        retry_attempts=2,
        retry_initial_seconds=0.01,
        retry_max_seconds=0.05,
    )
    with FakeGemini() as gemini:
        gemini.queue(*[Reply(200, raw=b"<html>upstream proxy error</html>", content_type="text/html")] * 2)
        vision = vision_checker(settings.model_copy(update={"gemini_base_url": gemini.url}))
        result, report = check_consistency(task, store=store, vision=vision, vision_concurrency=1)

    flags = vision_flags(report)
    assert list(flags) == ["packshot"]
    assert flags["packshot"].startswith("ProviderUnavailable: ")
    assert "not valid JSON" in flags["packshot"]
    assert unverified(report, "packshot")
    assert store.exists(result.report_key)


def test_unexpected_vision_error_unverified(store, records) -> None:
    task = prepared_check(store, records)
    vision = ScriptedVision(faults={"packshot": RuntimeError("unexpected reply shape")})
    result, report = check_consistency(task, store=store, vision=vision)

    assert vision_flags(report) == {"packshot": "RuntimeError: unexpected reply shape"}
    assert unverified(report, "packshot")
    assert store.exists(result.report_key)


def test_blocked_vision_stands(store, records) -> None:
    task = prepared_check(store, records)
    check_consistency(task, store=store, vision=ScriptedVision(faults={"packshot": ContentBlocked("SAFETY")}))
    vision = ScriptedVision()
    _, report = check_consistency(task, store=store, vision=vision)

    assert vision.calls == []
    assert vision_flags(report) == {"packshot": "ContentBlocked: SAFETY"}
    assert not vision_unchecked(report)


class UnsureVision(ScriptedVision):
    """Return every item as unverified, as a model that cannot tell does."""

    def check(self, image, job, *, ledger, budget_seconds=None) -> VisionReport:
        self.calls.append(job.job_id)
        verdicts = [
            VisionVerdict.model_validate({**item, "verdict": "unverified", "reason": "too small to tell"})
            for item in checklist(job)
        ]
        return VisionReport(verdicts=verdicts, error="could not tell (every verdict unverified)")


def test_unverified_answer_stands(store, records) -> None:
    task = prepared_check(store, records)
    first = UnsureVision()
    _, answered = check_consistency(task, store=store, vision=first)
    vision = ScriptedVision()
    _, report = check_consistency(task, store=store, vision=vision)

    assert first.calls
    assert not vision_unchecked(answered)
    assert vision.calls == []
    assert set(vision_flags(report)) == set(first.calls)


def test_faulted_vision_checked_again(store, records) -> None:
    task = prepared_check(store, records)
    faulty = ScriptedVision(faults={"packshot": ProviderUnavailable("503 from the provider")})
    _, faulted = check_consistency(task, store=store, vision=faulty)
    vision = ScriptedVision()
    _, report = check_consistency(task, store=store, vision=vision)

    assert vision_unchecked(faulted)
    assert vision.calls == ["packshot"]
    assert vision_flags(report) == {}


def test_new_image_same_key_checked_again(store, records) -> None:
    task = prepared_check(store, records)
    check_consistency(task, store=store, vision=ScriptedVision())
    # A new render of the packshot replaces its image under the same image cache key.
    packshot = next(RenderResult.model_validate(item) for item in task.renders if item["job_id"] == "packshot")
    image = Image.open(io.BytesIO(store.get_bytes(packshot.image_key)))
    image.putpixel((0, 0), (254, 254, 254))
    redrawn = io.BytesIO()
    image.save(redrawn, format="PNG")
    store.put_bytes(packshot.image_key, redrawn.getvalue(), "image/png")

    vision = ScriptedVision()
    check_consistency(task, store=store, vision=vision)

    assert vision.calls == ["packshot"]


def test_vision_pass_ends_before_function_time(store, records, monkeypatch) -> None:
    task = prepared_check(store, records)
    monkeypatch.setattr(steps, "VISION_RESERVE_SECONDS", 0.0)
    monkeypatch.setattr(steps, "MIN_VISION_CALL_SECONDS", 0.0)
    release = threading.Event()
    plan = ImagePlan.model_validate(get_json(store, task.jobs_key))
    later = [job.job_id for job in plan.jobs if job.job_id != "packshot"]
    vision = ScriptedVision(waits=dict.fromkeys(later, release))
    try:
        _, report = check_consistency(task, store=store, vision=vision, vision_concurrency=1, seconds_left=lambda: 1.0)
    finally:
        release.set()

    assert len(later) >= 2
    assert vision_flags(report) == dict.fromkeys(later, steps.OUT_OF_TIME)


def test_vision_throttled_raises_after_caching(store, records) -> None:
    task = prepared_check(store, records)
    vision = ScriptedVision(faults={"packshot": ProviderThrottled("HTTP 429")})
    with pytest.raises(ProviderThrottled):
        check_consistency(task, store=store, vision=vision)

    retried = ScriptedVision()
    _, report = check_consistency(task, store=store, vision=retried)
    assert retried.calls == ["packshot"]
    assert vision_flags(report) == {}


def test_vision_error_skips_vision_calls(store, records) -> None:
    task = prepared_check(store, records)
    task = task.model_copy(update={"vision_error": {"Error": "ProviderThrottled", "Cause": "HTTP 429"}})
    vision = ScriptedVision()
    _, report = check_consistency(task, store=store, vision=vision)

    assert vision.calls == []
    flags = vision_flags(report)
    assert flags
    assert set(flags.values()) == {"vision check skipped after repeated faults: ProviderThrottled: HTTP 429"}
    assert keys.product_file(task.run_id, task.sku, "consistency.json") in store.objects
