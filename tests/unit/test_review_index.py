"""The run's review index and product sheet: products by status, rejections without a product, flag placement."""

from datetime import UTC, datetime

from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.errors import FieldError
from spec2listing.intake import Rejection
from spec2listing.models.consistency import ConsistencyReport, DriftFlag
from spec2listing.models.manifest import ImageEntry, Manifest
from spec2listing.models.records import ProductRecord, ProductStatus, RunRecord, RunStatus
from spec2listing.review.html import ERROR_CHARACTERS, render_product_sheet, render_run_index, render_runs_index

from tests.support import ACCEPTANCE, brand_for, specs_in

RUN = RunRecord(
    run_id="20260101T000000Z-0000abcd",
    status=RunStatus.SUCCEEDED,
    source="s3://bucket/incoming/x/not-json.json",
    started_at=datetime(2026, 1, 1, tzinfo=UTC),
    counts={"REJECTED": 1},
)


def test_index_lists_file_rejection_reason() -> None:
    error = FieldError(
        file="not-json.json",
        path="(file)",
        value="first bytes 89 50 4e 47",
        message="the file is a PNG image, not text",
        expected="a UTF-8 text file with a product spec",
    )

    page = render_run_index(RUN, [], [Rejection(origin="file", errors=[error])])

    assert "the file is a PNG image, not text (got first bytes 89 50 4e 47)" in page
    assert "a UTF-8 text file with a product spec" in page
    assert 'href="../../../rejected/20260101T000000Z-0000abcd/errors.json"' in page


def test_index_without_file_rejections() -> None:
    page = render_run_index(RUN, [])

    assert "errors.json" not in page


def test_index_marks_cut_errors() -> None:
    long_error = "ProviderUnavailable: " + "x" * 400
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error=long_error)

    page = render_run_index(RUN, [product])

    shown = long_error[: ERROR_CHARACTERS - 1] + "…<"
    assert shown in page
    assert f'title="{long_error}"' in page


def test_index_keeps_short_errors_whole() -> None:
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error="ContentBlocked: no")

    page = render_run_index(RUN, [product])

    assert "ContentBlocked: no<" in page
    assert "…" not in page


def test_flagged_score_never_shown_as_one() -> None:
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.NEEDS_REVIEW, score=0.9963, flags=1)

    page = render_run_index(RUN, [product])

    assert "<td>0.99</td>" in page
    assert "1.00" not in page


def test_variant_flag_shown_beside_the_variant_image() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    variant = spec.variants[0]
    job_id = f"variant-{variant.sku.lower()}"
    flag = DriftFlag(kind="variant_color_name", promised=variant.color, measured="another hue", where="variants[0]")
    report = ConsistencyReport(sku=spec.sku, score=0.9, passed=False, checks=[], flags=[flag])
    manifest = Manifest(
        sku=spec.sku,
        run_id=RUN.run_id,
        name=spec.name,
        status=ProductStatus.NEEDS_REVIEW,
        spec_hash="0" * 64,
        source_file="charger.json",
        created_at=RUN.started_at,
        providers={},
        artifacts={},
        exports={},
        images=[
            ImageEntry(job_id="packshot", kind="packshot", status="OK"),
            ImageEntry(job_id=job_id, kind="variant", status="OK", variant_sku=variant.sku),
        ],
        score=0.9,
        flags=1,
        usage=[],
        cost_usd=0.0,
        timings_ms={},
    )

    page = render_product_sheet(spec=spec, listing=listing, manifest=manifest, report=report, previews={})

    figure = page[page.index(f'id="image-{job_id}"') :]
    assert "another hue" in figure[: figure.index("</figure>")]
    assert "Plan and coverage flags" not in page


def test_runs_index_marks_review_runs() -> None:
    flagged = RUN.model_copy(update={"run_id": "20260101T000001Z-0000abce", "counts": {"NEEDS_REVIEW": 2}})
    clean = RUN.model_copy(update={"run_id": "20260101T000002Z-0000abcf", "counts": {"COMPLETE": 2}})

    page = render_runs_index([flagged, clean])

    assert page.count('<tr class="ATTENTION">') == 1
    assert page.count('<tr class="SUCCEEDED">') == 1


def test_index_shows_hidden_characters() -> None:
    error = "ModelOutputInvalid: \u202etxet\u202c " + "x" * 400
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error=error)

    page = render_run_index(RUN, [product])

    assert "\u202e" not in page
    assert "[U+202E]txet[U+202C]" in page
