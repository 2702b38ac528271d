import io
import re

import pytest
from coloraide.css import color_names as css_color_names
from PIL import Image, ImageDraw
from spec2listing.consistency.color_names import color_name_checks
from spec2listing.consistency.engine import CHECK_KINDS, check_product, describe
from spec2listing.consistency.thresholds import NAME_MAX_HUE_DIFFERENCE
from spec2listing.consistency.vocabulary import COLORS
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.planner import plan_images
from spec2listing.intake.colors import css_color
from spec2listing.models.consistency import CheckTarget
from spec2listing.models.tasks import RenderResult, RenderStatus

from tests.support import ACCEPTANCE, ROOT, brand_for, png_header, specs_in


def _product(name: str = "trail-runner.json"):
    (spec,) = specs_in(ACCEPTANCE / name)
    return _product_of(spec)


def _product_of(spec):
    brand = brand_for(spec)
    listing = OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing
    plan = plan_images(spec, brand)
    images = {job.job_id: OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data for job in plan.jobs}
    renders = [RenderResult(job_id=job.job_id, image_key=f"{job.job_id}.png") for job in plan.jobs]
    return spec, brand, listing, plan, images, renders


def _check(spec, brand, listing, plan, images, renders):
    return check_product(spec=spec, brand=brand, listing=listing, plan=plan, renders=renders, images=images)


def _png(size, background, box, color) -> bytes:
    image = Image.new("RGB", size, background)
    ImageDraw.Draw(image).rectangle(box, fill=color)
    return _encoded(image)


def _encoded(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_clean_offline_product_passes() -> None:
    report = _check(*_product())
    assert report.passed
    assert report.score == 1.0
    assert report.flags == []
    checks = {check.check for check in report.checks}
    assert {"variant_color", "background_white", "product_fill", "anchor_covered", "variant_has_image"} <= checks


def test_wrong_colour_flagged_with_measurement() -> None:
    spec, brand, listing, plan, images, renders = _product()
    variant = plan.jobs[-1]
    images[variant.job_id] = _png((1024, 1024), "white", (60, 60, 964, 964), (30, 60, 200))
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = [flag for flag in report.flags if flag.kind == "variant_color"]
    assert flag.where == variant.job_id
    assert variant.color_hex in flag.promised
    assert flag.values["dominant"] == "#1E3CC8"
    assert flag.values["delta_e"] > 40
    assert "delta e" in flag.measured
    assert flag.fix
    assert not report.passed
    assert report.score < 1.0


def test_grey_background_and_small_product_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    images["packshot"] = _png((1024, 1024), (228, 228, 228), (400, 400, 620, 620), (0x4B, 0x5E, 0x2A))
    report = _check(spec, brand, listing, plan, images, renders)
    flags = {flag.kind: flag for flag in report.flags if flag.where == "packshot"}
    assert set(flags) == {"background_white", "product_fill"}
    assert flags["background_white"].values["background"] == "#E4E4E4"
    assert flags["product_fill"].values["fill"] < 0.25


def test_shadow_reaching_edge_flagged_as_unclean() -> None:
    spec, brand, listing, plan, images, renders = _product()
    image = Image.open(io.BytesIO(images["packshot"])).convert("RGB")
    ImageDraw.Draw(image).rectangle((0, 960, 1023, 1023), fill=(205, 205, 205))
    images["packshot"] = _encoded(image)
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = [flag for flag in report.flags if flag.where == "packshot"]
    assert flag.kind == "background_clean"
    assert flag.values["white_share"] < 0.98


def test_product_cut_off_names_the_edge() -> None:
    spec, brand, listing, plan, images, renders = _product()
    images["packshot"] = _png((1024, 1024), "white", (60, 80, 964, 1024), (0x4B, 0x5E, 0x2A))
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = [flag for flag in report.flags if flag.where == "packshot"]
    assert flag.kind == "background_clean"
    assert flag.values["edges_reached"] == ["bottom"]
    assert "cut-off product" in flag.title


def test_narrow_cut_off_not_called_grey_background() -> None:
    # A strap 120 px wide runs off the bottom edge: 3% of the border, too little to spread its darkest channel.
    spec, brand, listing, plan, images, renders = _product()
    image = Image.new("RGB", (1024, 1024), "white")
    ImageDraw.Draw(image).rectangle((100, 100, 923, 900), fill=(0x4B, 0x5E, 0x2A))
    ImageDraw.Draw(image).rectangle((452, 900, 572, 1023), fill=(0x4B, 0x5E, 0x2A))
    images["packshot"] = _encoded(image)

    report = _check(spec, brand, listing, plan, images, renders)

    (flag,) = [flag for flag in report.flags if flag.where == "packshot"]
    assert flag.kind == "background_clean"
    assert flag.values["border_spread"] == 0
    assert flag.values["edges_reached"] == ["bottom"]


def test_wrong_size_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    images["packshot"] = _png((800, 800), "white", (20, 20, 780, 780), (0x4B, 0x5E, 0x2A))
    kinds = {flag.kind for flag in _check(spec, brand, listing, plan, images, renders).flags}
    assert {"image_size", "image_resolution"} <= kinds


def test_failed_render_flags_image_and_variant() -> None:
    spec, brand, listing, plan, images, renders = _product()
    variant = plan.jobs[-1]
    del images[variant.job_id]
    renders[-1] = RenderResult(job_id=variant.job_id, status=RenderStatus.FAILED, error="ProviderUnavailable: 503")
    report = _check(spec, brand, listing, plan, images, renders)
    kinds = {(flag.kind, flag.where) for flag in report.flags}
    assert ("image_rendered", variant.job_id) in kinds
    assert ("variant_has_image", "plan") in kinds


def test_undecodable_image_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    images["packshot"] = b"not an image"
    report = _check(spec, brand, listing, plan, images, renders)
    assert [flag.kind for flag in report.flags] == ["image_decodes"]


def test_image_over_pillow_limit_flagged_with_size() -> None:
    spec, brand, listing, plan, images, renders = _product()
    images["packshot"] = png_header(20000, 20000)

    report = _check(spec, brand, listing, plan, images, renders)

    (flag,) = [flag for flag in report.flags if flag.where == "packshot"]
    assert flag.kind == "image_decodes"
    assert flag.values["error"] == (
        "the image is 20000x20000, 400.0 megapixels, more than the 179 megapixels that are decoded"
    )


def test_aspect_ratio_checked_per_platform() -> None:
    spec, brand, listing, plan, images, renders = _product()
    plan.jobs[0] = plan.jobs[0].model_copy(update={"size": "1536x1024"})
    images["packshot"] = _png((1536, 1024), "white", (100, 60, 1436, 964), (0x4B, 0x5E, 0x2A))
    report = _check(spec, brand, listing, plan, images, renders)
    ratios = {
        check.subject: check for check in report.checks if check.check == "aspect_ratio" and check.where == "packshot"
    }
    assert not ratios["amazon aspect ratio"].passed
    assert ratios["instagram aspect ratio"].passed
    assert ratios["amazon aspect ratio"].measured["ratio"] == 1.5


def test_anchor_missing_from_plan_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    listing = listing.model_copy(update={"visual_anchors": [*listing.visual_anchors, "floating over a glacier"]})
    report = _check(spec, brand, listing, plan, images, renders)
    kinds = {(flag.kind, flag.promised) for flag in report.flags}
    assert kinds == {
        ("anchor_covered", "floating over a glacier"),
        ("anchor_traced", "floating over a glacier"),
    }


def test_anchor_from_feature_not_rendered_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    anchor = "reflective heel tab for dawn runs"
    listing = listing.model_copy(update={"visual_anchors": [*listing.visual_anchors, anchor]})
    report = _check(spec, brand, listing, plan, images, renders)
    kinds = {(flag.kind, flag.promised) for flag in report.flags}
    assert kinds == {("anchor_covered", anchor)}


def test_anchor_dropped_from_copy_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    listing = listing.model_copy(update={"visual_anchors": []})
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = report.flags
    assert flag.kind == "anchor_promised"
    assert flag.values["listed"] is False


def test_mandatory_element_missing_from_prompt_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    lifestyle = plan.jobs[1]
    prompt = lifestyle.prompt.replace("Northpeak mountain logo visible", "a plain heel")
    plan.jobs[1] = lifestyle.model_copy(update={"prompt": prompt})
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = report.flags
    assert (flag.kind, flag.promised) == ("mandatory_element_requested", "Northpeak mountain logo visible")
    assert flag.values["jobs_without"] == [lifestyle.job_id]


def test_inch_marks_in_anchor_and_element_covered() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    anchor, element = 'propped against a 12"x12" vinyl record sleeve', '5"x7" size label visible'
    visual = spec.visual.model_copy(update={"anchors": [anchor], "mandatory_elements": [element]})
    report = _check(*_product_of(spec.model_copy(update={"visual": visual})))
    covered = {check.check: check.passed for check in report.checks if check.subject in (anchor, element)}
    assert covered["anchor_covered"]
    assert covered["mandatory_element_requested"]
    assert report.flags == []


def test_over_long_title_and_banned_phrase_flagged() -> None:
    spec, brand, listing, plan, images, renders = _product()
    amazon = listing.platforms.amazon.model_copy(update={"title": "Ridgeline " * 30})
    platforms = listing.platforms.model_copy(update={"amazon": amazon})
    listing = listing.model_copy(
        update={"platforms": platforms, "description": listing.description + " Best ever grip."}
    )
    kinds = {flag.kind: flag for flag in _check(spec, brand, listing, plan, images, renders).flags}
    assert kinds["text_length"].where == "platforms.amazon.title"
    assert kinds["text_length"].values == {"characters": 300, "limit": 200}
    assert kinds["banned_phrase"].promised == "best ever"
    assert kinds["banned_phrase"].where == "description"
    assert kinds["banned_phrase"].measured == "fields description"


def test_describe_writes_lists_as_items() -> None:
    values = {"fields": ["title", "bullets[0]"], "markup": ["<p>", "&amp;"], "rendered": [], "limit": 5}

    text = describe(values)

    assert text == "fields title, bullets[0]; markup <p>, &amp;; rendered none; limit 5"


def test_describe_quotes_items_with_commas() -> None:
    assert describe({"forbidden": [",", " ", "!"]}) == 'forbidden ",", " ", !'


def test_offline_vision_leaves_model_items_unverified() -> None:
    from spec2listing.imaging.offline_vision import OfflineVisionChecker

    spec, brand, listing, plan, images, renders = _product()
    checker = OfflineVisionChecker()
    vision = {job.job_id: checker.check(images[job.job_id], job, ledger=MemoryLedger()) for job in plan.jobs}
    report = check_product(
        spec=spec, brand=brand, listing=listing, plan=plan, renders=renders, images=images, vision=vision
    )
    assert report.passed
    anchor_checks = [check for check in report.checks if check.check == "vision_anchor"]
    assert anchor_checks
    assert all(check.weight == 0 for check in anchor_checks)
    assert all(check.measured["verdict"] == "unverified" for check in anchor_checks)
    element_checks = [check for check in report.checks if check.check == "vision_mandatory_element"]
    assert len(element_checks) == sum(len(job.mandatory_elements) for job in plan.jobs)
    assert all(check.weight == 0 for check in element_checks)
    assert not [check for check in report.checks if check.check == "vision_color"]


def test_absent_vision_verdict_flags_image() -> None:
    from spec2listing.providers import VisionReport, VisionVerdict

    spec, brand, listing, plan, images, renders = _product()
    lifestyle = plan.jobs[1]
    verdict = VisionVerdict(item=lifestyle.anchors[0], kind="anchor", verdict="absent", reason="no boulder in view")
    report = check_product(
        spec=spec,
        brand=brand,
        listing=listing,
        plan=plan,
        renders=renders,
        images=images,
        vision={lifestyle.job_id: VisionReport(verdicts=[verdict])},
    )
    (flag,) = report.flags
    assert (flag.kind, flag.where, flag.measured) == ("vision_anchor", lifestyle.job_id, "no boulder in view")
    (anchor,) = [claim for claim in report.claims if claim.text == lifestyle.anchors[0]]
    assert [(item.where, item.status) for item in anchor.evidence] == [
        (lifestyle.job_id, "requested"),
        (lifestyle.job_id, "absent"),
    ]


def test_present_vision_verdict_scores_and_confirms_anchor() -> None:
    from spec2listing.providers import VisionReport, VisionVerdict

    spec, brand, listing, plan, images, renders = _product()
    lifestyle = plan.jobs[1]
    verdict = VisionVerdict(item=lifestyle.anchors[0], kind="anchor", verdict="present")
    report = check_product(
        spec=spec,
        brand=brand,
        listing=listing,
        plan=plan,
        renders=renders,
        images=images,
        vision={lifestyle.job_id: VisionReport(verdicts=[verdict])},
    )
    (check,) = [check for check in report.checks if check.check == "vision_anchor"]
    assert check.passed
    assert check.weight == 3
    assert report.passed


def test_score_weighs_kinds_not_check_counts() -> None:
    spec, brand, listing, plan, images, renders = _product()
    listing = listing.model_copy(update={"description": listing.description + " Rated for 9000 km."})
    report = _check(spec, brand, listing, plan, images, renders)
    parts = {part.check: part for part in report.score_parts}
    assert parts["number_traced"].passed == parts["number_traced"].total - 1
    listing_kinds = {check.check for check in report.checks if check.target != CheckTarget.IMAGE}
    copy_parts = [part for name, part in parts.items() if name in listing_kinds]
    total = sum(part.weight for part in copy_parts)
    expected = sum(part.weight * part.passed / part.total for part in copy_parts) / total
    assert report.listing_score == round(expected, 4)
    assert report.image_score == 1.0
    assert report.score == report.listing_score
    assert report.score > 1 - parts["number_traced"].weight / total - 1e-4


def test_score_counts_each_image_by_worst_failure() -> None:
    spec, brand, listing, plan, images, renders = _product()
    variant = plan.jobs[-1]
    images[variant.job_id] = _png((1024, 1024), "white", (60, 60, 964, 964), (30, 60, 200))
    report = _check(spec, brand, listing, plan, images, renders)
    assert report.listing_score == 1.0
    assert report.image_score == round((len(plan.jobs) - 1) / len(plan.jobs), 4)
    assert report.score == report.image_score


def test_blank_images_score_low() -> None:
    spec, brand, listing, plan, images, renders = _product()
    for job in plan.jobs:
        images[job.job_id] = _png((job.width, job.height), (128, 128, 128), (0, 0, 0, 0), (128, 128, 128))
    report = _check(spec, brand, listing, plan, images, renders)
    assert not report.passed
    assert report.listing_score == 1.0
    # Every image, the scene too, shows no product, a weight-3 promise broken.
    assert report.image_score == 0.0
    assert report.score == report.image_score
    assert {flag.where for flag in report.flags if flag.kind == "image_not_blank"} == {job.job_id for job in plan.jobs}


def test_documented_weights_match_code() -> None:
    documented = {}
    for line in (ROOT / "docs" / "consistency.md").read_text(encoding="utf-8").splitlines():
        row = re.fullmatch(r"\| (\d) \| [^|]+ \| (.+) \|", line)
        if row:
            documented |= {name: float(row.group(1)) for name in re.findall(r"`(\w+)`", row.group(2))}
    assert documented == {name: kind.weight for name, kind in CHECK_KINDS.items()}


def test_anchor_with_a_banned_phrase_names_the_clash() -> None:
    spec, brand, *_ = _product()
    spec = spec.model_copy(update={"visual": spec.visual.model_copy(update={"anchors": ["on a luxury hotel bed"]})})
    brand = brand.model_copy(update={"voice": brand.voice.model_copy(update={"banned_phrases": ["luxury"]})})
    listing = OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing
    plan = plan_images(spec, brand)
    images = {job.job_id: OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data for job in plan.jobs}
    renders = [RenderResult(job_id=job.job_id, image_key=f"{job.job_id}.png") for job in plan.jobs]

    report = _check(spec, brand, listing, plan, images, renders)

    (check,) = [check for check in report.checks if check.check == "anchor_promised"]
    assert not check.passed
    assert check.measured["banned_phrases"] == ["luxury"]
    assert "reword the anchor or the brand guide" in check.detail


def _with_variant(color: str, color_hex: str):
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    variant = spec.variants[0].model_copy(update={"color": color, "color_hex": color_hex})
    return spec.model_copy(update={"variants": [variant, *spec.variants[1:]]})


def test_colour_name_of_other_hue_flagged() -> None:
    (result, *_) = color_name_checks(_with_variant("Red", "#00FF00"))
    assert not result.passed
    assert result.where == "variants[0]"
    assert result.measured["name_color"] == "#FF0000"
    assert result.measured["hue_difference"] > NAME_MAX_HUE_DIFFERENCE
    assert "hue" in result.detail


# Names that plainly contradict their hex code. Some are within CIEDE2000 40 of the name's colour but of another
# chroma or hue (Gold for silver, Black for navy). Others are faint colours of another hue (Pink, Light Blue), a
# tint far in lightness (Beige for black), or names that contain colour words without being a CSS name (Matte
# Black, Navy Blue), or bare colour words at their strict tolerances (Navy for sky blue, Teal for green, White
# for light blue).
@pytest.mark.parametrize(
    ("color", "color_hex"),
    [
        ("White", "#000000"),
        ("White", "#C0392B"),
        ("Red", "#0000FF"),
        ("Gold", "#C0C0C0"),
        ("Gray", "#0000FF"),
        ("White", "#FFFF00"),
        ("Red", "#808080"),
        ("Red", "#FFFFFF"),
        ("Black", "#000080"),
        ("Black", "#8B0000"),
        ("Black", "#006400"),
        ("Pink", "#00FF00"),
        ("Light Blue", "#8B0000"),
        ("Beige", "#000000"),
        ("Dark Grey", "#FFFFFF"),
        ("Matte Black", "#FFFFFF"),
        ("Jet Black", "#FFFFFF"),
        ("Off White", "#000000"),
        ("Off-White", "#000000"),
        ("Navy Blue", "#FFFF00"),
        ("Charcoal", "#FFFFFF"),
        ("Burgundy", "#00FF00"),
        ("Cream", "#000000"),
        ("Rose Gold", "#0000FF"),
        ("Red/Black", "#00FF00"),
        ("Red (matte)", "#00FF00"),
        ("Navy", "#ADD8E6"),
        ("Navy", "#87CEEB"),
        ("Maroon", "#FF69B4"),
        ("Burgundy", "#FF0000"),
        ("Teal", "#008000"),
        ("Green", "#00FFFF"),
        ("Silver", "#E6BE8A"),
        ("Grey", "#FFC0CB"),
        ("White", "#ADD8E6"),
        ("Black", "#5C4033"),
        ("Beige", "#ADD8E6"),
        ("Mint", "#D3D3D3"),
        ("Ice Blue", "#000080"),
        ("Dark Red", "#FF6B6B"),
        ("Brown", "#708090"),
    ],
)
def test_colour_name_contradictions_flagged(color, color_hex) -> None:
    (result, *_) = color_name_checks(_with_variant(color, color_hex))
    assert not result.passed, result.measured


# Loose names merchants use, from the examples and the acceptance specs among others: colour words stretched
# in hue, chroma or lightness, finish words, and several colour words of which one fits. Pale editions and dark
# fabrics keep a trace of the name's hue (Blue #D5DDE0, Navy #343A48), and other words widen the hue (Tiffany Blue).
@pytest.mark.parametrize(
    ("color", "color_hex"),
    [
        ("Blue", "#ADD8E6"),
        ("Brown", "#D2B48C"),
        ("Navy", "#1F2A44"),
        ("Navy", "#000000"),
        ("Black", "#333333"),
        ("Black", "#1F2A44"),
        ("White", "#F5F0E6"),
        ("Charcoal", "#36454F"),
        ("Charcoal", "#3A3B3D"),
        ("Forest Green", "#2E6B30"),
        ("Rust", "#B7410E"),
        ("Rust", "#C46B3C"),
        ("Stone Grey", "#8A8580"),
        ("Ivory", "#F3E5AB"),
        ("Cream", "#EFE6D2"),
        ("Midnight Blue", "#1E2943"),
        ("Matte Black", "#1A1A1A"),
        ("Gloss White", "#FAFAFA"),
        ("Off White", "#FAF9F6"),
        ("Pale Blue", "#BFD7EA"),
        ("Pale Yellow", "#FFFFF0"),
        ("Amber", "#A0522D"),
        ("Sage", "#9CAF88"),
        ("Moss Green", "#4B5E2A"),
        ("Ember Orange", "#D9622B"),
        ("Graphite Black", "#2B2B2E"),
        ("Gold Vermeil", "#D4AF37"),
        ("Sterling Silver", "#C0C0C0"),
        ("Rose Gold", "#B76E79"),
        ("White Gold", "#E5E4E2"),
        ("Beige", "#C8A27A"),
        ("Beige", "#D8BFB0"),
        ("Lavender", "#B57EDC"),
        ("Taupe", "#483C32"),
        ("Mint", "#DFF5E8"),
        ("Dark Navy", "#0A0A0A"),
        ("Blue", "#D5DDE0"),
        ("Purple", "#E5DDEA"),
        ("Ice Blue", "#D6ECEF"),
        ("Navy", "#343A48"),
        ("Dark Brown", "#3B2F2F"),
        ("Hunter Green", "#2E3B33"),
        ("Tiffany Blue", "#0ABAB5"),
        ("Midnight Green", "#004953"),
        ("Electric Blue", "#7DF9FF"),
        ("Heather Navy", "#3F4250"),
        ("Indigo", "#243447"),
        ("Light Beige", "#EAD6BF"),
        ("Light Ivory", "#F2DCC4"),
        ("Pale Ivory", "#F4E8D4"),
        ("Light Khaki", "#D8CBA0"),
    ],
)
def test_loose_colour_names_pass(color, color_hex) -> None:
    (result, *_) = color_name_checks(_with_variant(color, color_hex))
    assert result.passed, result.detail


@pytest.mark.parametrize(
    ("color_hex", "passed"), [("#007FFF", True), ("#3A7BD5", True), ("#F0FFFF", True), ("#C0392B", False)]
)
def test_azure_read_as_css_tint_or_retail_blue(color_hex, passed) -> None:
    (result, *_) = color_name_checks(_with_variant("Azure", color_hex))
    assert result.passed is passed, result.detail


@pytest.mark.parametrize(("color", "color_hex"), [("Dark Gray", "#333333"), ("Dark Grey", "#1A1A1A")])
def test_dark_grey_darker_than_css_darkgray_passes(color, color_hex) -> None:
    (result, *_) = color_name_checks(_with_variant(color, color_hex))
    assert result.passed, result.detail


def test_colour_name_flag_detail() -> None:
    (result, *_) = color_name_checks(_with_variant("Light Gray", "#222222"))
    assert not result.passed
    assert result.detail.startswith("'Light Gray' names light gray (#D3D3D3): lightness 87%, and #222222 lightness")
    assert result.detail.endswith(f"ΔE00 {result.measured['delta_e']}")


def test_colour_word_found_inside_a_name() -> None:
    (result, *_) = color_name_checks(_with_variant("Matte Black", "#FFFFFF"))
    assert result.measured["name_color"] == "#000000"
    assert result.measured["color_words"] == ["black #000000"]
    assert result.detail.startswith("'Matte Black' names black (#000000):")


# The same hex contradicts a bare colour word and passes once another word stretches the colour.
@pytest.mark.parametrize(
    ("color", "color_hex", "passed"),
    [
        ("Blue", "#0ABAB5", False),
        ("Pool Blue", "#0ABAB5", True),
        ("Black", "#5C4033", False),
        ("Washed Black", "#5C4033", True),
    ],
)
def test_bare_colour_word_checked_strictest(color, color_hex, passed) -> None:
    (result, *_) = color_name_checks(_with_variant(color, color_hex))
    assert result.passed is passed, result.detail


@pytest.mark.parametrize(
    "color",
    ["Sea Glass", "Oat", "Sand", "Stone", "Natural", "Midnight", "Aurora", "Fjord", "Black Cherry", "Rose Quartz"],
)
def test_colour_name_without_colour_words_not_checked(color) -> None:
    results = color_name_checks(_with_variant(color, "#00FF00"))
    assert [result.where for result in results if result.where == "variants[0]"] == []


@pytest.mark.parametrize("name", sorted(name for name in css_color_names.name2val_map if css_color(name)))
def test_css_colour_names_pass_for_their_own_colour(name) -> None:
    (result, *_) = color_name_checks(_with_variant(name, css_color(name)))
    assert result.passed, result.detail


@pytest.mark.parametrize("word", COLORS)
def test_ledger_colour_words_have_a_colour(word) -> None:
    (result, *_) = color_name_checks(_with_variant(word.title(), "#777777"))
    assert result.measured["color_words"], word


def test_contradicting_colour_name_needs_review() -> None:
    spec, brand, listing, plan, images, renders = _product("gan-charger.json")
    variant = spec.variants[0].model_copy(update={"color": "Green"})
    spec = spec.model_copy(update={"variants": [variant, *spec.variants[1:]]})
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = [flag for flag in report.flags if flag.kind == "variant_color_name"]
    assert flag.promised == "Green"
    assert flag.title == "Colour name contradicts its hex code"


def test_colour_word_in_a_longer_name_needs_review() -> None:
    spec, brand, listing, plan, images, renders = _product("gan-charger.json")
    variant = spec.variants[1].model_copy(update={"color_hex": "#FFFFFF"})
    spec = spec.model_copy(update={"variants": [spec.variants[0], variant, *spec.variants[2:]]})
    report = _check(spec, brand, listing, plan, images, renders)
    (flag,) = [flag for flag in report.flags if flag.kind == "variant_color_name"]
    assert flag.where == "variants[1]"
    assert flag.measured.startswith("'Graphite Black' names ")
    assert "#FFFFFF" in flag.measured


def test_colour_name_verdict_in_ledger() -> None:
    spec, brand, listing, plan, images, renders = _product("gan-charger.json")
    variant = spec.variants[1].model_copy(update={"color_hex": "#FFFFFF"})
    spec = spec.model_copy(update={"variants": [spec.variants[0], variant, *spec.variants[2:]]})
    report = _check(spec, brand, listing, plan, images, renders)
    by_text = {claim.text: claim for claim in report.claims if claim.kind.value == "color"}

    (contradicted,) = [item for item in by_text["Graphite Black"].evidence if item.where == "variants[1].color_hex"]
    assert contradicted.status == "drifted"
    assert contradicted.detail.startswith("variant_color_name: 'Graphite Black' names ")
    (agreeing,) = [item for item in by_text["Arctic White"].evidence if item.where == "variants[0].color_hex"]
    assert agreeing.status == "matched"
