"""The run's review index and product sheet: products by status, rejections without a product, flag placement."""

import base64
import io
from datetime import UTC, datetime

from PIL import Image
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.errors import FieldError
from spec2listing.intake import Rejection
from spec2listing.models.consistency import Claim, ClaimKind, ConsistencyReport, DriftFlag
from spec2listing.models.manifest import ImageEntry, Manifest
from spec2listing.models.records import ProductRecord, ProductStatus, RunRecord, RunStatus
from spec2listing.review.html import (
    ERROR_CHARACTERS,
    reference_photo,
    render_product_sheet,
    render_run_index,
    render_runs_index,
)

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

    assert "the file is a PNG image, not text (got <bdi>first bytes 89 50 4e 47</bdi>)" in page
    assert "a UTF-8 text file with a product spec" in page
    assert 'href="../../../rejected/20260101T000000Z-0000abcd/errors.json"' in page


def test_index_without_file_rejections() -> None:
    page = render_run_index(RUN, [])

    assert "errors.json" not in page


def test_index_long_error_in_details() -> None:
    long_error = "ProviderUnavailable: " + "x" * 400
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error=long_error)

    page = render_run_index(RUN, [product])

    shown = f'<span class="cut">{long_error[: ERROR_CHARACTERS - 1]}…</span></summary>{long_error}</details>'
    assert shown in page
    assert "title=" not in page


def test_index_keeps_short_errors_whole() -> None:
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error="ContentBlocked: no")

    page = render_run_index(RUN, [product])

    assert "ContentBlocked: no<" in page
    assert "…" not in page


def test_flagged_score_never_shown_as_one() -> None:
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.NEEDS_REVIEW, score=0.9963, flags=1)

    page = render_run_index(RUN, [product])

    assert ">0.99</td>" in page
    assert "1.00" not in page


def test_variant_flag_shown_beside_the_variant_image() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    variant = spec.variants[0]
    job_id = f"variant-{variant.sku.lower()}"
    flag = DriftFlag(kind="variant_color_name", promised=variant.color, measured="another hue", where="variants[0]")

    page = _charger_sheet([flag])

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


def _charger_sheet(
    flags: list[DriftFlag], claims: list | None = None, images: list[ImageEntry] | None = None, **changes: object
) -> str:
    """Render the charger's offline sheet with the given flags, claims and images, and copy fields changed.

    Without `images`, the sheet has a rendered packshot and a rendered image of the first variant.
    """
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    listing = listing.model_copy(update=changes)
    variant = spec.variants[0]
    report = ConsistencyReport(sku=spec.sku, score=0.5, passed=False, checks=[], flags=flags, claims=claims or [])
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
        images=images
        or [
            ImageEntry(job_id="packshot", kind="packshot", status="OK"),
            ImageEntry(job_id=f"variant-{variant.sku.lower()}", kind="variant", status="OK", variant_sku=variant.sku),
        ],
        score=0.5,
        flags=len(flags),
        usage=[],
        cost_usd=0.0,
        timings_ms={},
    )
    return render_product_sheet(spec=spec, listing=listing, manifest=manifest, report=report, previews={})


def test_unsupported_anchor_marked_as_drift() -> None:
    anchor = "floating above a waterfall"
    claim = Claim(kind=ClaimKind.ANCHOR, text=anchor, copy_fields=["description"], sources=[], supported=False)
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing

    page = _charger_sheet(
        [], [claim], visual_anchors=[*listing.visual_anchors, anchor], description=f"Pictured {anchor}."
    )

    assert f'<mark class="anchor">{anchor}</mark>' not in page
    assert page.count(f'<mark class="drift" title="not stated by the spec">{anchor}</mark>') == 2


def test_fix_list_links_to_flagged_field_and_image() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    flags = [
        DriftFlag(kind="banned_phrase", promised="ultimate", measured="found", where="title, bullets[0]"),
        DriftFlag(kind="variant_color_name", promised=spec.variants[0].color, measured="hue", where="variants[0]"),
        DriftFlag(kind="anchor_covered", promised="a desk", measured="no job", where="plan"),
    ]

    page = _charger_sheet(flags, title="The ultimate charger")

    fixes = page[page.index('id="fix"') : page.index("</ol>")]
    assert (
        '<a href="#field-title"><code>title</code></a>, <a href="#field-bullets[0]"><code>bullets[0]</code></a>'
        in fixes
    )
    assert f'href="#image-variant-{spec.variants[0].sku.lower()}"><code>variants[0]</code>' in fixes
    assert '<a href="#other-flags"><code>plan</code></a>' in fixes
    assert 'id="other-flags"' in page
    assert '<mark class="banned" title="banned or prohibited wording">ultimate</mark>' in page


def test_listing_title_shows_its_limit() -> None:
    page = _charger_sheet([], title=" ".join(["Charger"] * 40))

    title = page[page.index('id="field-title"') :]
    assert '<span class="count over">319 / 255 characters</span>' in title[: title.index("</div>")]


def test_search_terms_counted_in_bytes() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.platforms.amazon is not None
    total = len(" ".join(listing.platforms.amazon.search_terms).encode())

    page = _charger_sheet([])

    assert f"{total} / 249 bytes, all items" in page


def test_index_counts_rejections_without_sku() -> None:
    error = FieldError(file="x.csv", path="(header)", message="unknown column", expected="known columns")
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.COMPLETE, score=1.0)

    page = render_run_index(RUN, [product], [Rejection(origin="header", errors=[error])])

    assert "1 product and 1 rejection without a SKU</p>" in page


def test_sheet_isolates_right_to_left_text() -> None:
    title = "شاحن سريع GaN 65 W"
    flag = DriftFlag(kind="material_traced", promised="نحاس", measured="sources none", where="title")

    page = _charger_sheet([flag], title=title)

    assert f'<div dir="auto">{title}</div>' in page
    assert '<q dir="auto">نحاس</q>' in page
    assert "measured <bdi>sources none</bdi>" in page


def test_index_isolates_right_to_left_names() -> None:
    product = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.COMPLETE, name="كوب خزفي Mug")

    page = render_run_index(RUN, [product])

    assert '<td dir="auto">كوب خزفي Mug</td>' in page


def test_index_shows_reuse_as_note() -> None:
    earlier = "20251231T000000Z-0000abcc"
    product = ProductRecord(
        sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.COMPLETE, score=1.0, reused_from=earlier
    )

    page = render_run_index(RUN, [product])

    assert "<th>Error</th>" not in page
    assert "<th>Note</th>" in page
    assert f'<td class="note">unchanged, kept from run <a href="../../../runs/{earlier}/review/index.html">' in page


def test_index_error_column_only_for_errors() -> None:
    failed = ProductRecord(sku="SKU-1", run_id=RUN.run_id, status=ProductStatus.FAILED, error="ContentBlocked: no")
    complete = ProductRecord(sku="SKU-2", run_id=RUN.run_id, status=ProductStatus.COMPLETE, score=1.0)

    page = render_run_index(RUN, [failed, complete])

    assert page.count("<th>Error</th>") == 1
    assert "<th>Note</th>" not in page
    assert '<td class="error">ContentBlocked: no</td>' in page


def test_fix_list_labels_subject_by_kind() -> None:
    flags = [
        DriftFlag(kind="banned_phrase", promised="ultimate", measured="fields title", where="title"),
        DriftFlag(kind="no_html", promised="Listing title", measured="markup <p>", where="title"),
        DriftFlag(kind="variant_color", promised="Moss #4B5E2A", measured="delta e 30", where="packshot"),
    ]

    page = _charger_sheet(flags)

    fixes = page[page.index('id="fix"') : page.index("</ol>")]
    assert 'phrase <q dir="auto">ultimate</q>' in fixes
    assert 'field <q dir="auto">Listing title</q>' in fixes
    assert 'promised <q dir="auto">Moss #4B5E2A</q>' in fixes


def test_missing_variant_image_links_its_card() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    job_id = f"variant-{spec.variants[0].sku.lower()}"
    flag = DriftFlag(
        kind="variant_has_image",
        promised=spec.variants[0].sku,
        measured=f"jobs {job_id}; rendered none",
        where="plan",
        values={"jobs": [job_id, "lifestyle-9"], "rendered": []},
    )

    page = _charger_sheet([flag])

    fixes = page[page.index('id="fix"') : page.index("</ol>")]
    assert f'at <a href="#image-{job_id}"><code>{job_id}</code></a>:' in fixes


def test_field_missing_from_sheet_not_linked() -> None:
    flag = DriftFlag(
        kind="text_length", promised="TikTok title", measured="characters 300", where="platforms.tiktok.title"
    )

    page = _charger_sheet([flag])

    fixes = page[page.index('id="fix"') : page.index("</ol>")]
    assert "at <code>platforms.tiktok.title</code>:" in fixes


PHOTO_ERROR = (
    "ReferencePhotoInvalid: reference photo 'front.png' (s3://bucket/references/SKU/front.png) is not a usable"
    " image: the file is not a PNG, JPEG or WebP image"
)


def _failed_photo_sheet() -> str:
    """Render the charger's sheet with three image jobs that a broken reference photo failed alike."""
    jobs = {"packshot": "packshot", "lifestyle-1": "lifestyle", "variant-x": "variant"}
    images = [ImageEntry(job_id=job_id, kind=kind, status="FAILED", error=PHOTO_ERROR) for job_id, kind in jobs.items()]
    flags = [
        DriftFlag(
            kind="reference_photo_decodes",
            title="Reference photo is not an image",
            promised=f"{kind} image",
            expected="a rendered image",
            measured=f"FAILED: {PHOTO_ERROR}",
            where=job_id,
            fix="Replace the photo.",
        )
        for job_id, kind in jobs.items()
    ]
    return _charger_sheet(flags, images=images)


def test_fix_list_groups_identical_errors() -> None:
    page = _failed_photo_sheet()

    fixes = page[page.index('id="fix"') : page.index("</ol>")]
    assert fixes.count('<li class="fix-item"') == 1
    assert fixes.count(PHOTO_ERROR.replace("'", "&#39;")) == 1
    assert (
        'at <a href="#image-packshot"><code>packshot</code></a>, <a href="#image-lifestyle-1"><code>lifestyle-1</code>'
        '</a>, <a href="#image-variant-x"><code>variant-x</code></a>:' in fixes
    )
    assert 'requested <q dir="auto">packshot image</q>, <q dir="auto">lifestyle image</q>,' in fixes


def test_card_shows_flagged_error_once() -> None:
    page = _failed_photo_sheet()

    figure = page[page.index('id="image-packshot"') :]
    figure = figure[: figure.index("</figure>")]
    assert figure.count(PHOTO_ERROR.replace("'", "&#39;")) == 1
    assert "<strong>No image:</strong> FAILED</p>" in figure


def test_index_links_rejected_product_errors() -> None:
    errors_key = f"rejected/{RUN.run_id}/errors.json"
    product = ProductRecord(
        sku="SKU-1",
        run_id=RUN.run_id,
        status=ProductStatus.REJECTED,
        error="x.json: price.amount: not a number",
        artifacts={"errors": errors_key},
    )

    page = render_run_index(RUN, [product])

    assert f'x.json: price.amount: not a number <a href="../../../{errors_key}">errors.json</a></td>' in page


def test_runs_index_names_products_to_check() -> None:
    run = RUN.model_copy(update={"counts": {"NEEDS_REVIEW": 6, "FAILED": 1, "COMPLETE": 1}})
    statuses = [ProductStatus.NEEDS_REVIEW] * 6 + [ProductStatus.FAILED, ProductStatus.COMPLETE]
    products = [
        ProductRecord(
            sku=f"SKU-{index}",
            run_id=run.run_id,
            status=status,
            artifacts={"review": f"runs/{run.run_id}/products/SKU-{index}/review.html"},
        )
        for index, status in enumerate(statuses)
    ]

    page = render_runs_index([run], {run.run_id: products})

    cell = page[page.index('<td class="to-check">') :]
    cell = cell[: cell.index("</td>")]
    assert f'<a href="runs/{run.run_id}/products/SKU-0/review.html">SKU-0</a>' in cell
    assert cell.count("<li>") == 5
    assert "SKU-6" not in cell
    assert "SKU-7" not in cell
    assert f'<a href="runs/{run.run_id}/review/index.html">and 2 more</a>' in cell


def _preview(photo) -> Image.Image:
    assert photo.preview is not None
    return Image.open(io.BytesIO(base64.b64decode(photo.preview.removeprefix("data:image/jpeg;base64,"))))


def test_reference_photo_upright_by_exif() -> None:
    image = Image.new("RGB", (300, 200), "teal")
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: stored a quarter turn from upright
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)

    photo = reference_photo("front.jpg", "references/SKU-1/front.jpg", buffer.getvalue())

    assert (photo.width, photo.height) == (200, 300)
    assert _preview(photo).size == (133, 200)


def test_large_cut_out_reference_photo_previewed_on_white() -> None:
    # A camera-sized cut-out: a red product on a transparent background, turned by its EXIF orientation.
    image = Image.new("RGBA", (4000, 3000), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (1000, 1000, 3000, 2000))
    exif = image.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)

    photo = reference_photo("cut-out.png", "references/SKU-1/cut-out.png", buffer.getvalue())

    assert (photo.width, photo.height) == (3000, 4000)
    preview = _preview(photo)
    assert preview.size == (150, 200)
    assert all(channel >= 250 for channel in preview.getpixel((5, 5)))
    red, green, blue = preview.getpixel((75, 100))
    assert red > 180
    assert green < 60
    assert blue < 60
