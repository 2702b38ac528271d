"""The whole state machine with live providers against the fake Gemini and OpenAI servers.

The fakes answer with what the offline providers would produce, so a live run
must leave the same artifacts and statuses as an offline one, and its cost
ledger must equal the usage the fakes reported times the price table.
"""

import json
import shutil
from pathlib import Path

import pytest
from spec2listing.costs import default_prices
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.planner import plan_images
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus
from spec2listing.settings import ImageSettings
from spec2listing.storage import keys

from tests.fakes import gemini_api, openai_api
from tests.fakes.gemini_api import FakeGemini
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.server import Recorded, Reply
from tests.support import (
    ACCEPTANCE,
    ACCEPTANCE_BRANDS,
    ACCEPTANCE_CATALOGS,
    ACCEPTANCE_SPECS,
    EXAMPLES,
    ROOT,
    brand_for,
    specs_in,
)

pytestmark = pytest.mark.integration

FILES = ACCEPTANCE_SPECS + ACCEPTANCE_CATALOGS
PRICES = default_prices()


def offline_drawer(paths: list[Path]) -> openai_api.Draw:
    """Draw each prompt as the offline renderer draws the job it came from."""
    images = ImageSettings()
    jobs = {}
    for path in paths:
        for spec in specs_in(path):
            brand = brand_for(spec)
            plan = plan_images(
                spec,
                brand,
                size=images.image_size,
                lifestyle_size=images.lifestyle_image_size,
                quality=images.image_quality,
            )
            jobs.update({job.prompt: (job, spec) for job in plan.jobs})

    def draw(prompt: str, size: str, quality: str, background: str) -> bytes:
        job, spec = jobs[prompt]
        assert (job.size, job.quality) == (size, quality)
        return OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data

    return draw


def live_environment(gemini: FakeGemini, images: FakeOpenAI, **extra: str) -> dict[str, str]:
    return {
        "PROVIDERS": "live",
        "GEMINI_API_KEY": gemini_api.KEY,
        "OPENAI_API_KEY": openai_api.KEY,
        "GEMINI_BASE_URL": gemini.url,
        "OPENAI_BASE_URL": f"{images.url}/v1",
        **extra,
    }


def run_files(out: Path, environment: dict[str, str], paths: list[Path]):
    """Run the files one after another and return {sku: product record}."""
    products = {}
    with LocalPipeline(out, environment=environment) as pipeline:
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        for path in paths:
            (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
            assert outcome.status == "SUCCEEDED", outcome.error
            products.update({product.sku: product for product in outcome.products})
    return products


def product_files(out: Path, record) -> dict[str, bytes]:
    """A product's files by path, without the cost ledger, whose object names are unique per call."""
    folder = out / "runs" / record.run_id / "products" / record.sku
    files = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*") if path.is_file()}
    return {name: path.read_bytes() for name, path in files.items() if not name.startswith("usage/")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    offline_out = tmp_path_factory.mktemp("offline")
    offline = run_files(offline_out, {"PROVIDERS": "offline"}, FILES)
    live_out = tmp_path_factory.mktemp("live")
    with FakeGemini() as gemini, FakeOpenAI(draw=offline_drawer(FILES)) as images:
        live = run_files(live_out, live_environment(gemini, images), FILES)
    return offline_out, offline, live_out, live, gemini, images


def test_live_matches_offline_statuses(runs) -> None:
    _, offline, _, live, _, _ = runs
    assert set(live) == set(offline)
    assert {sku: record.status for sku, record in live.items()} == {
        sku: record.status for sku, record in offline.items()
    }
    assert all(record.status == ProductStatus.COMPLETE for record in live.values())


def test_live_matches_offline_artifacts(runs) -> None:
    offline_out, offline, live_out, live, _, _ = runs
    for sku, record in live.items():
        live_files = product_files(live_out, record)
        offline_files = product_files(offline_out, offline[sku])
        assert set(live_files) == set(offline_files), sku
        assert live_files["copy.json"] == offline_files["copy.json"], sku
        assert live_files["image-jobs.json"] == offline_files["image-jobs.json"], sku
        for name in live_files:
            if name.startswith("images/"):
                assert live_files[name] == offline_files[name], f"{sku} {name}"


def test_live_records_providers(runs) -> None:
    _, _, _, live, _, _ = runs
    for record in live.values():
        assert record.providers["copy"] == "gemini"
        assert record.providers["images"] == "openai"
        assert record.providers["vision"] == "gemini"


def reported_costs(gemini: FakeGemini, images: FakeOpenAI) -> tuple[float, float]:
    """The usage the fakes sent to a client that received it, times the price table: (text, images)."""
    text_cost = sum(gemini.reported_costs(PRICES))
    image_cost = sum(images.reported_costs(PRICES))
    return text_cost, image_cost


def test_ledger_equals_reported_usage_times_prices(runs) -> None:
    _, _, live_out, live, gemini, images = runs
    text_cost, image_cost = reported_costs(gemini, images)
    assert text_cost > 0
    assert image_cost > 0

    manifests = [
        json.loads((live_out / record.artifacts["manifest"]).read_text(encoding="utf-8")) for record in live.values()
    ]
    ledger = sum(manifest["cost_usd"] for manifest in manifests)
    assert ledger == pytest.approx(text_cost + image_cost, abs=1e-5)
    assert sum(record.cost_usd for record in live.values()) == pytest.approx(ledger, abs=1e-5)
    for manifest in manifests:
        steps = {item["step"] for item in manifest["usage"]}
        assert steps == {"copy", "render", "vision"}
        assert manifest["cost_usd"] == pytest.approx(sum(item["cost_usd"] for item in manifest["usage"]), abs=1e-6)
    calls = sum(item["calls"] for manifest in manifests for item in manifest["usage"] if item["provider"] != "offline")
    assert calls == len(gemini.reported) + len(images.reported)

    summaries = [json.loads(path.read_text(encoding="utf-8")) for path in live_out.glob("runs/*/summary.json")]
    assert sum(summary["cost_usd"] for summary in summaries) == pytest.approx(ledger, abs=1e-5)


# ---------- faults on one product: the documented status, and nothing lost ----------

TRAIL_RUNNER = ACCEPTANCE / "trail-runner.json"


def run_one(tmp_path: Path, gemini: FakeGemini, images: FakeOpenAI, **extra: str):
    out = tmp_path / "out"
    (record,) = run_files(out, live_environment(gemini, images, **extra), [TRAIL_RUNNER]).values()
    return out, record


def test_blocked_image_needs_review_and_keeps_the_rest(tmp_path) -> None:
    with FakeGemini() as gemini, FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER])) as images:
        images.queue(openai_api.MODERATION_BLOCKED)
        out, record = run_one(tmp_path, gemini, images)

    assert record.status == ProductStatus.NEEDS_REVIEW
    manifest = json.loads((out / record.artifacts["manifest"]).read_text(encoding="utf-8"))
    statuses = [image["status"] for image in manifest["images"]]
    assert statuses.count("BLOCKED") == 1
    assert statuses.count("RENDERED") == len(statuses) - 1
    blocked = next(image for image in manifest["images"] if image["status"] == "BLOCKED")
    assert "moderation_blocked" in blocked["error"]
    assert (out / record.artifacts["copy"]).is_file()
    assert (out / record.artifacts["review"]).is_file()


def test_blocked_copy_needs_review_with_reason(tmp_path) -> None:
    with FakeGemini() as gemini, FakeOpenAI() as images:
        gemini.queue(gemini_api.finished("", "SAFETY"))
        out, record = run_one(tmp_path, gemini, images)

    assert record.status == ProductStatus.NEEDS_REVIEW
    assert record.error.startswith("ContentBlocked:")
    assert "SAFETY" in record.error
    assert len(gemini.requests) == 1
    assert images.requests == []
    assert (out / record.artifacts["spec"]).is_file()
    failure = json.loads((out / record.artifacts["failure"]).read_text(encoding="utf-8"))
    assert failure["error"] == "ContentBlocked"


@pytest.mark.parametrize("blocked", ["copy", "image"])
def test_blocked_product_stands_on_rerun(tmp_path, blocked) -> None:
    with (
        FakeGemini() as gemini,
        FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER])) as images,
        LocalPipeline(tmp_path / "out", environment=live_environment(gemini, images)) as pipeline,
    ):
        if blocked == "copy":
            gemini.queue(gemini_api.finished("", "SAFETY"))
        else:
            images.queue(openai_api.MODERATION_BLOCKED)
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        (first,) = pipeline.wait([pipeline.submit_file(TRAIL_RUNNER)], timeout_seconds=300)
        requests = len(gemini.requests) + len(images.requests)
        (rerun,) = pipeline.wait([pipeline.submit_file(TRAIL_RUNNER)], timeout_seconds=300)
        requests_again = len(gemini.requests) + len(images.requests) - requests

    (product,) = first.products
    (again,) = rerun.products
    assert product.status == again.status == ProductStatus.NEEDS_REVIEW
    assert again.reused_from == product.run_id
    assert again.cost_usd == 0
    assert requests_again == 0
    if blocked == "image":
        manifest_path = tmp_path / "out" / keys.product_file(again.run_id, again.sku, "manifest.json")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        (blocked_job,) = [image["job_id"] for image in manifest["images"] if image["status"] == "BLOCKED"]
        assert blocked_job not in manifest["reuse"]["images_reused"]
        assert blocked_job not in manifest["reuse"]["vision_reused"]
        assert len(manifest["reuse"]["images_reused"]) == len(manifest["images"]) - 1


def test_wrong_image_key_fails_product_naming_key(tmp_path) -> None:
    with FakeGemini() as gemini, FakeOpenAI() as images:
        out, record = run_one(tmp_path, gemini, images, OPENAI_API_KEY="wrong-openai-key")

    assert record.status == ProductStatus.FAILED
    assert record.error.startswith("ProviderAuthFailed:")
    assert "OPENAI_API_KEY" in record.error
    assert "wrong-openai-key" not in record.error
    copies = list(out.glob(f"runs/*/products/{record.sku}/copy.json"))
    assert len(copies) == 1


def test_throttled_render_retries_then_completes(tmp_path) -> None:
    with FakeGemini() as gemini, FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER])) as images:
        images.queue(openai_api.throttled("0"), openai_api.server_error())
        gemini.queue(gemini_api.throttled("0.01s"), gemini_api.server_error())
        _, record = run_one(tmp_path, gemini, images, RETRY_INITIAL_SECONDS="0.01", RETRY_MAX_SECONDS="0.05")

    assert record.status == ProductStatus.COMPLETE
    assert record.images == len(images.reported)


class RewordingGemini(FakeGemini):
    """The fake Gemini writing each copy with its visual anchor worded differently from the last."""

    WORDINGS = ("on a granite boulder as the sun comes up", "propped on lichen-covered rock in morning light")

    def __init__(self) -> None:
        super().__init__()
        self.copies = 0

    def respond(self, request: Recorded) -> Reply:
        reply = super().respond(request)
        tag, _ = self.data_of(request)
        if tag != "product_data":
            return reply
        part = reply.body["candidates"][0]["content"]["parts"][0]
        listing = json.loads(part["text"])
        listing["visual_anchors"] = [self.WORDINGS[self.copies % len(self.WORDINGS)]]
        self.copies += 1
        part["text"] = json.dumps(listing)
        return reply


def test_reworded_anchors_render_nothing_on_price_change(tmp_path) -> None:
    spec = json.loads(TRAIL_RUNNER.read_text(encoding="utf-8"))
    path = tmp_path / "trail-runner.json"
    gemini, images = RewordingGemini(), FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER]))
    environment = live_environment(gemini, images)
    with gemini, images, LocalPipeline(tmp_path / "out", environment=environment) as pipeline:
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        renders = []
        for amount in (139.0, 129.0):
            spec["price"]["amount"] = amount
            path.write_text(json.dumps(spec), encoding="utf-8")
            before = len(images.requests)
            (outcome,) = pipeline.wait([pipeline.submit_file(path)], timeout_seconds=300)
            assert outcome.status == "SUCCEEDED", outcome.error
            renders.append(len(images.requests) - before)
        second = outcome.products[0]

    assert renders == [4, 0]  # first the packshot, one scene and two further colour variants
    assert gemini.copies == 2
    manifest = json.loads((tmp_path / "out" / second.artifacts["manifest"]).read_text(encoding="utf-8"))
    assert manifest["reuse"]["changed_fields"] == ["price"]
    assert manifest["reuse"]["images_generated"] == []
    report = json.loads((tmp_path / "out" / second.artifacts["consistency"]).read_text(encoding="utf-8"))
    failed = {(result["check"], result["subject"]) for result in report["checks"] if not result["passed"]}
    assert ("anchor_covered", RewordingGemini.WORDINGS[1]) in failed


# ---------- a product with as many variants as a spec may have: its state stays small ----------

MAX_VARIANTS = 100
# Step Functions fails a state whose input or output exceeds 256 KiB; half of it leaves room for growth.
STATE_BUDGET_BYTES = 128 * 1024


class RejectingOpenAI(FakeOpenAI):
    """Answers every image request with an HTTP 400, a failure the state machine does not retry."""

    def respond(self, request):
        return openai_api.error(400, "invalid_value", "Invalid value for 'size': not supported for this model.")


def tiny_png(prompt: str, size: str, quality: str, background: str) -> bytes:
    return openai_api.plain_png(prompt, "16x16", quality, background)


def many_variants(tmp_path: Path) -> Path:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text(encoding="utf-8"))
    spec.pop("reference_photos", None)
    spec["variants"] = [
        {"sku": f"KR-MUG-{index:03d}", "color": f"Red {index:03d}", "color_hex": "#C0392B"}
        for index in range(MAX_VARIANTS)
    ]
    path = tmp_path / "many-variants.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def run_many_variants(tmp_path: Path, images: FakeOpenAI) -> tuple[LocalPipeline, Path, object]:
    out = tmp_path / "out"
    with FakeGemini() as gemini, images:
        environment = live_environment(gemini, images, IMAGE_CONCURRENCY="40")
        with LocalPipeline(out, environment=environment) as pipeline:
            (outcome,) = pipeline.wait([pipeline.submit_file(many_variants(tmp_path))], timeout_seconds=600)
    return pipeline, out, outcome


@pytest.mark.parametrize("step", ["CheckConsistencyFunction", "FinalizeProductFunction"])
def test_failed_renders_of_many_variants_fit_the_state(tmp_path, step) -> None:
    pipeline, out, outcome = run_many_variants(tmp_path, RejectingOpenAI())

    (record,) = outcome.products
    assert record.status == ProductStatus.NEEDS_REVIEW
    manifest = json.loads((out / record.artifacts["manifest"]).read_text(encoding="utf-8"))
    assert len(manifest["images"]) > MAX_VARIANTS
    for image in manifest["images"]:
        assert image["status"] == "FAILED"
        assert image["error"].startswith("ProviderRequestRejected: OpenAI"), image["error"]
    assert pipeline.largest_input[step] < STATE_BUDGET_BYTES


@pytest.mark.parametrize("step", ["CheckConsistencyFunction", "FinalizeProductFunction"])
def test_rendered_images_of_many_variants_fit_the_state(tmp_path, step) -> None:
    pipeline, _, outcome = run_many_variants(tmp_path, FakeOpenAI(draw=tiny_png))

    (record,) = outcome.products
    assert record.images > MAX_VARIANTS
    assert pipeline.largest_input[step] < STATE_BUDGET_BYTES


# ---------- faults: every call that returned usage is in the ledger, and a vision fault keeps the listing ----------


class VisionFaults(FakeGemini):
    """The fake Gemini, returning a fault for every vision request: none, invalid, blocked, throttled, slow or down."""

    def __init__(self, fault: str) -> None:
        super().__init__()
        self.fault = fault

    def respond(self, request: Recorded) -> Reply:
        tag, _ = self.data_of(request)
        if tag != "checklist" or self.fault == "none":
            return super().respond(request)
        if self.fault == "invalid":
            return gemini_api.finished('{"verdicts": [', "MAX_TOKENS")
        if self.fault == "blocked":
            return gemini_api.finished("", "SAFETY")
        if self.fault == "throttled":
            return gemini_api.throttled("0.01s")
        if self.fault == "down":
            return gemini_api.server_error()
        reply = super().respond(request)
        reply.delay_seconds = 1.5
        return reply


def not_an_image(prompt: str, size: str, quality: str, background: str) -> bytes:
    return b"not an image"


FAST_RETRIES = {"RETRY_INITIAL_SECONDS": "0.01", "RETRY_MAX_SECONDS": "0.05"}
# fault -> (Gemini fake, OpenAI drawing, environment, the status the product ends with)
FAULTS = {
    "wrong_image_key": ("none", None, {"OPENAI_API_KEY": "wrong-openai-key"}, ProductStatus.FAILED),
    "copy_invalid_twice": ("none", None, {}, ProductStatus.FAILED),
    "vision_invalid_twice": ("invalid", None, {}, ProductStatus.NEEDS_REVIEW),
    "vision_blocked": ("blocked", None, {}, ProductStatus.NEEDS_REVIEW),
    "vision_timeouts": (
        "slow",
        None,
        {"VISION_TIMEOUT_SECONDS": "1", "VISION_BUDGET_SECONDS": "2", **FAST_RETRIES},
        ProductStatus.NEEDS_REVIEW,
    ),
    "image_data_invalid": ("none", not_an_image, {}, ProductStatus.NEEDS_REVIEW),
}
VISION_FAULTS = ("vision_invalid_twice", "vision_blocked", "vision_timeouts")


@pytest.fixture(scope="module")
def fault_runs(tmp_path_factory):
    """Run the trail runner once per fault: {fault: (out, record, gemini, images)}."""
    runs = {}
    for fault, (vision_fault, draw, environment, _) in FAULTS.items():
        out = tmp_path_factory.mktemp(fault)
        with (
            VisionFaults(vision_fault) as gemini,
            FakeOpenAI(draw=draw or offline_drawer([TRAIL_RUNNER])) as images,
        ):
            if fault == "copy_invalid_twice":
                gemini.queue(*[gemini_api.finished('{"title": "Northpeak', "MAX_TOKENS")] * 2)
            (record,) = run_files(out, live_environment(gemini, images, **environment), [TRAIL_RUNNER]).values()
        runs[fault] = (out, record, gemini, images)
    return runs


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_cost_equals_reported_usage(fault_runs, fault) -> None:
    out, record, gemini, images = fault_runs[fault]
    text_cost, image_cost = reported_costs(gemini, images)

    assert record.status == FAULTS[fault][3]
    assert text_cost > 0
    assert record.cost_usd == pytest.approx(text_cost + image_cost, abs=1e-6)
    assert record.cost_usd == pytest.approx(sum(item.cost_usd for item in record.usage), abs=1e-6)
    (summary_path,) = out.glob("runs/*/summary.json")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["cost_usd"] == pytest.approx(record.cost_usd, abs=1e-6)
    answered = [item for item in record.usage if item.reported and item.provider != "offline"]
    assert sum(item.calls for item in answered) == len(gemini.reported) + len(images.reported)


def test_timed_out_calls_ledgered_without_usage(fault_runs) -> None:
    out, record, gemini, _ = fault_runs["vision_timeouts"]
    manifest = json.loads((out / record.artifacts["manifest"]).read_text(encoding="utf-8"))
    timed_out = [item for item in manifest["usage"] if not item["reported"]]

    assert len(timed_out) == len(gemini.requests) - len(gemini.reported) > 0
    assert {(item["step"], item["cost_usd"], item["input_tokens"]) for item in timed_out} == {("vision", 0.0, 0)}
    assert all(item["job_id"] for item in timed_out)
    (summed,) = [item for item in record.usage if not item.reported]
    assert summed.calls == len(timed_out)


def test_failed_product_cost_in_its_record(fault_runs) -> None:
    out, record, _, _ = fault_runs["copy_invalid_twice"]
    failure = json.loads((out / record.artifacts["failure"]).read_text(encoding="utf-8"))

    assert [(item.step, item.calls) for item in record.usage] == [("copy", 2)]
    assert failure["cost_usd"] == record.cost_usd > 0


@pytest.mark.parametrize("fault", VISION_FAULTS)
def test_vision_fault_keeps_listing(fault_runs, fault) -> None:
    out, record, _, _ = fault_runs[fault]
    manifest = json.loads((out / record.artifacts["manifest"]).read_text(encoding="utf-8"))
    report = json.loads((out / record.artifacts["consistency"]).read_text(encoding="utf-8"))

    assert record.status == ProductStatus.NEEDS_REVIEW
    assert record.error is None
    assert {"copy", "image_jobs", "review", "manifest"} <= set(record.artifacts)
    assert set(manifest["exports"]) == {"amazon", "shopify", "instagram"}
    assert {image["status"] for image in manifest["images"]} == {"RENDERED"}
    flagged = {flag["where"] for flag in report["flags"] if flag["kind"] == "vision_checked"}
    assert flagged == {image["job_id"] for image in manifest["images"]}
    vision = [check for check in report["checks"] if check["check"].startswith("vision_") and check["weight"] == 0]
    assert vision
    assert all(check["measured"]["verdict"] == "unverified" for check in vision)
    reason = {"vision_invalid_twice": "ProviderOutputInvalid", "vision_blocked": "ContentBlocked"}.get(
        fault, "timed out"
    )
    assert all(reason in check["detail"] for check in vision)


def quick_retries_project(tmp_path: Path) -> Path:
    """A copy of the template, state machine and handlers whose CheckConsistency retries throttling once, 1 s later.

    The shipped Retry waits minutes in all; the Catch path it leads to is the same.
    """
    root = tmp_path / "project"
    shutil.copytree(ROOT / "functions", root / "functions")
    shutil.copy(ROOT / "template.yaml", root / "template.yaml")
    definition = json.loads((ROOT / "statemachine" / "listing_pipeline.asl.json").read_text(encoding="utf-8"))
    check = definition["States"]["Products"]["ItemProcessor"]["States"]["CheckConsistency"]
    for block in check["Retry"]:
        if block["ErrorEquals"] == ["ProviderThrottled"]:
            block.update({"IntervalSeconds": 1, "MaxAttempts": 1, "MaxDelaySeconds": 1})
    (root / "statemachine").mkdir()
    (root / "statemachine" / "listing_pipeline.asl.json").write_text(json.dumps(definition), encoding="utf-8")
    return root


def test_vision_throttled_past_retries_keeps_listing(tmp_path) -> None:
    environment = {"RETRY_ATTEMPTS": "2", **FAST_RETRIES}
    project = quick_retries_project(tmp_path)
    with (
        VisionFaults("throttled") as gemini,
        FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER])) as images,
        LocalPipeline(
            tmp_path / "out", environment=live_environment(gemini, images, **environment), project_root=project
        ) as pipeline,
    ):
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        (outcome,) = pipeline.wait([pipeline.submit_file(TRAIL_RUNNER)], timeout_seconds=300)
        (record,) = outcome.products
        report = json.loads(pipeline.store.get_bytes(record.artifacts["consistency"]))

    assert record.status == ProductStatus.NEEDS_REVIEW
    assert "manifest" in record.artifacts
    checked = [flag for flag in report["flags"] if flag["kind"] == "vision_checked"]
    assert len(checked) == record.images > 0
    assert all("skipped after repeated faults: ProviderThrottled" in flag["measured"] for flag in checked)
    vision_calls = [request for request in gemini.requests if FakeGemini.data_of(request)[0] == "checklist"]
    # Two attempts in the function, twice: the first try of the task and its one retry.
    assert len(vision_calls) == 2 * 2 * record.images


def test_vision_outage_checked_again_on_rerun(tmp_path) -> None:
    environment = {"RETRY_ATTEMPTS": "1", **FAST_RETRIES}
    gemini, images = VisionFaults("down"), FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER]))
    with (
        gemini,
        images,
        LocalPipeline(tmp_path / "out", environment=live_environment(gemini, images, **environment)) as pipeline,
    ):
        pipeline.upload_brand_guides(ACCEPTANCE_BRANDS)
        (outage,) = pipeline.wait([pipeline.submit_file(TRAIL_RUNNER)], timeout_seconds=300)
        gemini.fault = "none"
        gemini_before, images_before = len(gemini.requests), len(images.requests)
        (rerun,) = pipeline.wait([pipeline.submit_file(TRAIL_RUNNER)], timeout_seconds=300)
        gemini_requests = gemini.requests[gemini_before:]
        image_requests = images.requests[images_before:]
        (first,) = outage.products
        (second,) = rerun.products
        manifest = json.loads(pipeline.store.get_bytes(second.artifacts["manifest"]))

    assert first.status == ProductStatus.NEEDS_REVIEW
    assert second.status == ProductStatus.COMPLETE
    assert second.reused_from is None
    assert image_requests == []
    assert [FakeGemini.data_of(request)[0] for request in gemini_requests] == ["checklist"] * second.images
    assert manifest["reuse"]["base_run_id"] == first.run_id
    assert manifest["reuse"]["copy_source"] == "reused"
    assert manifest["reuse"]["images_reused"] == [image["job_id"] for image in manifest["images"]]
    assert manifest["reuse"]["vision_reused"] == []
    assert {item["step"] for item in manifest["usage"]} == {"vision"}


def test_unpriced_model_warning_goes_to_log_file(tmp_path, capsys) -> None:
    model = "gemini-unpriced-for-log-test"
    with FakeGemini() as gemini, FakeOpenAI(draw=offline_drawer([TRAIL_RUNNER])) as images:
        out, _ = run_one(tmp_path, gemini, images, VISION_MODEL=model)

    printed = capsys.readouterr()
    assert "no price for this model" not in printed.out + printed.err
    log = (out / "logs" / "spec2listing.log").read_text(encoding="utf-8")
    assert model in log
