"""Review sheets and the run index opened in headless Chromium (Debian's chromium package).

The pipeline steps run on in-memory storage for a clean product and for one
whose variant image comes back in the wrong colour. The bucket's runs/ prefix is
then written to disk, and each page is loaded from there, as a reviewer opens it.
"""

import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from spec2listing.costs.ledger import UsageLedger
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.offline_vision import OfflineVisionChecker
from spec2listing.models.jobs import ImageJob
from spec2listing.models.records import RunRecord, RunStatus
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import (
    IntakeTask,
    PipelineConfig,
    SummarizeTask,
)
from spec2listing.pipeline.intake import run_intake
from spec2listing.pipeline.outcomes import summarize_run
from spec2listing.providers import RenderedImage
from spec2listing.review.html import render_runs_index
from spec2listing.storage import keys
from spec2listing.storage.events import MemoryPublisher
from spec2listing.storage.objects import MemoryObjectStore, get_json
from spec2listing.storage.records import MemoryRecordStore

from tests.support import ACCEPTANCE, ACCEPTANCE_BRANDS, load_event, run_product_steps

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a headless root session that reaches no host: no sandbox (root), no GPU, and none of the
# background fetches (component updates, sync, QUIC probes) Chromium starts on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTED = datetime(2026, 12, 4, 9, 30, 1, tzinfo=UTC)
CONFIG = PipelineConfig(product_concurrency=2, image_concurrency=2, tolerated_failure_percentage=100)
DRIFTED_JOB = "variant-np-rdg-tr-01-emb"


class WrongColourRenderer(OfflineRenderer):
    """The offline renderer, except that one job comes back in cobalt blue instead of its variant colour."""

    def render(
        self, job: ImageJob, spec: ProductSpec, references: list[bytes], *, ledger: UsageLedger
    ) -> RenderedImage:
        if job.job_id == DRIFTED_JOB:
            job = job.model_copy(update={"color_hex": "#2E86C1"})
        return super().render(job, spec, references, ledger=ledger)


def _run(store, records, file: Path, renderer) -> str:
    key = f"incoming/{file.name}"
    store.put_bytes(key, file.read_bytes(), "application/json")
    trigger = load_event("s3-object-created-spec")
    trigger["detail"]["bucket"]["name"] = store.bucket
    trigger["detail"]["object"]["key"] = key
    task = IntakeTask(trigger=trigger, execution_id="arn:local", execution_name=f"exec-{file.name}", started_at=STARTED)
    intake = run_intake(task, store=store, records=records, config=CONFIG)
    for item in get_json(store, intake.products_key):
        run_product_steps(store, records, item, renderer=renderer, vision=OfflineVisionChecker(), started_at=STARTED)
    summarize_run(SummarizeTask(run_id=intake.run_id), store=store, records=records, events=MemoryPublisher())
    return intake.run_id


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Two runs written to disk, and the runs index a local output folder contains: a clean serum and a trail
    runner with one wrongly coloured variant image."""
    store, records = MemoryObjectStore("review-test"), MemoryRecordStore()
    for path in ACCEPTANCE_BRANDS.glob("*.json"):
        store.put_bytes(keys.brand_guide(path.stem), path.read_bytes(), "application/json")
    runs = {
        "clean": _run(store, records, ACCEPTANCE / "vitamin-c-serum.json", OfflineRenderer()),
        "drifted": _run(store, records, ACCEPTANCE / "trail-runner.json", WrongColourRenderer()),
    }
    root = tmp_path_factory.mktemp("bucket")
    for key in store.list_keys("runs/"):
        target = root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(store.get_bytes(key))
    recorded = [run for run in (records.get_run(run_id) for run_id in runs.values()) if run]
    products = {run_id: records.list_run_products(run_id) for run_id in runs.values()}
    (root / "index.html").write_text(render_runs_index(recorded, products), encoding="utf-8")
    return root, runs


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found; .ci/run installs Debian's chromium package before the tests")
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield context
        context.close()


@pytest.fixture
def page(browser):
    """A fresh tab that blocks every request except local files and data: URIs, and lists what it blocked."""
    tab = browser.new_page()
    tab.blocked = []

    def only_local(route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            tab.blocked.append(url)
            route.abort()

    tab.route("**/*", only_local)
    yield tab
    tab.close()


def _images(page) -> list[dict]:
    return page.eval_on_selector_all(
        "img", "images => images.map(image => ({complete: image.complete, width: image.naturalWidth}))"
    )


def _read_json(path: Path) -> dict:
    document: dict = json.loads(path.read_text(encoding="utf-8"))
    return document


def _sheet(root: Path, run_id: str, sku: str) -> Path:
    return root / keys.product_file(run_id, sku, "review.html")


def test_clean_sheet_renders_every_image(site, page) -> None:
    root, runs = site
    manifest = _read_json(root / keys.product_file(runs["clean"], "LB-VC15-30", "manifest.json"))
    page.goto(_sheet(root, runs["clean"], "LB-VC15-30").as_uri())

    assert page.text_content("#status") == "COMPLETE"
    images = _images(page)
    assert len(images) == len(manifest["images"])
    assert all(image["complete"] and image["width"] > 0 for image in images), images
    assert page.locator(".flag").count() == 0
    assert page.locator("#fix").count() == 0
    assert page.locator("mark.anchor").count() > 0
    assert page.blocked == []


def test_drifted_sheet_puts_flag_beside_its_image(site, page) -> None:
    root, runs = site
    report = _read_json(root / keys.product_file(runs["drifted"], "NP-RDG-TR-01", "consistency.json"))
    page.goto(_sheet(root, runs["drifted"], "NP-RDG-TR-01").as_uri())

    assert page.text_content("#status") == "NEEDS_REVIEW"
    assert all(image["width"] > 0 for image in _images(page))
    assert page.locator("#fix li").count() == len(report["flags"])
    figure = page.locator(f"#image-{DRIFTED_JOB}")
    assert "flagged" in (figure.get_attribute("class") or "")
    flag_text = figure.locator(".flag").first.text_content()
    assert "Product colour differs from the variant" in flag_text
    assert "#D9622B" in flag_text
    assert figure.locator(".swatch").count() == 2
    clean_figure = page.locator("#image-packshot")
    assert clean_figure.locator(".flag").count() == 0
    assert page.blocked == []


def test_sheet_links_its_run_index(site, page) -> None:
    root, runs = site
    page.goto(_sheet(root, runs["drifted"], "NP-RDG-TR-01").as_uri())

    page.click("#run-index")

    assert Path(page.url.removeprefix("file://")) == root / keys.run_review_index(runs["drifted"])
    assert page.locator("table.products[data-status='NEEDS_REVIEW']").count() == 1


def test_sheet_screenshot_is_not_blank(site, page, tmp_path) -> None:
    root, runs = site
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_sheet(root, runs["drifted"], "NP-RDG-TR-01").as_uri())
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    low, high = shot.getextrema()
    assert shot.height > 900
    assert high - low > 100


def test_run_index_lists_products_by_status(site, page) -> None:
    root, runs = site
    for name, status in (("clean", "COMPLETE"), ("drifted", "NEEDS_REVIEW")):
        page.goto((root / keys.run_review_index(runs[name])).as_uri())
        table = page.locator(f"table.products[data-status='{status}']")
        assert table.count() == 1
        link = table.locator("a").first
        target = (Path(page.url.removeprefix("file://")).parent / link.get_attribute("href")).resolve()
        assert target.is_file()
        if status == "NEEDS_REVIEW":
            assert "Product colour differs from the variant" in table.text_content()
        link.click()
        assert page.text_content("#status") == status
        assert all(image["width"] > 0 for image in _images(page))


PHONE = {"width": 390, "height": 844}
# A script that lists each word of the given elements that the layout splits across lines. A word is a run of
# letters and digits, or with `whole` set, a run of characters other than spaces, so "CM-TEE-01" may not break
# at a hyphen either.
SPLIT_WORDS = """([elements, whole]) => elements.flatMap(element => {
    const pattern = whole ? /\\S+/g : /[\\p{L}\\p{N}]+/gu;
    const split = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(pattern)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
            if (lines.size > 1) split.push(match[0]);
        }
    }
    return split;
})"""


def _split_words(page, selector: str, *, whole: bool = False) -> list[str]:
    elements = page.locator(selector).element_handles()
    split: list[str] = page.evaluate(SPLIT_WORDS, [elements, whole])
    return split


def _page_width(page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_sheet_fits_phone_width(site, page) -> None:
    root, runs = site
    page.set_viewport_size(PHONE)
    page.goto(_sheet(root, runs["drifted"], "NP-RDG-TR-01").as_uri())

    assert _page_width(page) <= PHONE["width"]
    assert _split_words(page, "td, th") == []


def test_run_index_fits_phone_width(site, page) -> None:
    root, runs = site
    page.set_viewport_size(PHONE)
    page.goto((root / keys.run_review_index(runs["drifted"])).as_uri())

    assert _page_width(page) <= PHONE["width"]
    assert _split_words(page, "td, th") == []
    assert _split_words(page, "td.sku, .badge", whole=True) == []


def test_runs_index_links_sheets_to_review(site, page) -> None:
    root, _ = site
    page.goto((root / "index.html").as_uri())

    links = page.locator("td.to-check a")
    assert links.count() == 1
    assert links.first.text_content() == "NP-RDG-TR-01"
    links.first.click()
    assert page.text_content("#status") == "NEEDS_REVIEW"


def test_runs_index_fits_phone_width(site, page) -> None:
    root, _ = site
    page.set_viewport_size(PHONE)
    page.goto((root / "index.html").as_uri())

    assert _page_width(page) <= PHONE["width"]
    assert _split_words(page, "td, th") == []
    assert _split_words(page, "td.run, td.status", whole=True) == []


def test_runs_index_keeps_ids_whole_beside_errors(site, page, tmp_path) -> None:
    root, runs = site
    run = _read_json(root / keys.run_summary(runs["drifted"]))
    failed = RunRecord(
        run_id=run["run_id"],
        status=RunStatus.FAILED,
        source="s3://bucket/incoming/a-catalog-with-a-rather-long-file-name.csv",
        started_at=STARTED,
        counts={"FAILED": 3},
        error="States.Timeout: " + "the run stopped before every product finished " * 8,
    )
    index = tmp_path / "index.html"
    index.write_text(render_runs_index([failed]), encoding="utf-8")

    for width in (PHONE["width"], 1400):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(index.as_uri())
        assert _page_width(page) <= width
        assert _split_words(page, "td.run, td.status", whole=True) == []
