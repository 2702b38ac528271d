import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from spec2listing.consistency.image_checks import check_image
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.pixels import color_share, delta_e_2000, measure, rgb_hex
from spec2listing.imaging.planner import plan_images
from spec2listing.models.jobs import ImageJob, ImageKind

from tests.support import all_acceptance_specs, brand_for

SPECS = all_acceptance_specs()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.sku)
def test_offline_images_measure_as_planned(spec) -> None:
    brand = brand_for(spec)
    plan = plan_images(spec, brand)
    for job in plan.jobs:
        data = OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data
        measured = measure(data)
        assert (measured.width, measured.height) == (job.width, job.height)
        if job.kind in (ImageKind.PACKSHOT, ImageKind.VARIANT):
            assert measured.border_white_share == 1.0
            assert measured.fill >= 0.85
            assert measured.dominant_rgb is not None
            assert delta_e_2000(rgb_hex(measured.dominant_rgb), job.color_hex) < 1.0
        else:
            assert color_share(data, job.color_hex, 10.0) >= 0.01


def test_off_white_product_separates_from_white() -> None:
    image = Image.new("RGB", (1000, 1000), (255, 255, 255))
    ImageDraw.Draw(image).rectangle((60, 60, 940, 940), fill=(0xF2, 0xF2, 0xF0))
    measured = measure(_png(image))
    assert measured.fill == pytest.approx(0.88, abs=0.01)
    assert rgb_hex(measured.dominant_rgb) == "#F2F2F0"


def test_grey_background_measured_not_white() -> None:
    image = Image.new("RGB", (1000, 1000), (235, 235, 235))
    ImageDraw.Draw(image).rectangle((100, 100, 900, 900), fill=(75, 94, 42))
    measured = measure(_png(image))
    assert measured.border_white_share == 0.0
    assert measured.background_rgb == (235, 235, 235)


def test_small_product_measured_by_fill() -> None:
    image = Image.new("RGB", (1000, 1000), (255, 255, 255))
    ImageDraw.Draw(image).ellipse((400, 400, 600, 600), fill=(200, 30, 30))
    assert measure(_png(image)).fill == pytest.approx(0.2, abs=0.01)


def test_transparent_background_counts_as_white() -> None:
    image = Image.new("RGBA", (1000, 1000), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 50, 950, 950), fill=(20, 40, 200, 255))
    measured = measure(_png(image))
    assert measured.border_white_share == 1.0


@pytest.mark.parametrize(("mode", "key"), [("RGB", (0, 0, 0)), ("L", 0)])
def test_colour_key_transparency_counts_as_white(mode: str, key: object) -> None:
    # A PNG tRNS chunk makes one colour transparent without an alpha channel; here the black around the product.
    image = Image.new(mode, (1000, 1000), 0)
    ImageDraw.Draw(image).rectangle((50, 50, 950, 950), fill=(196, 107, 60) if mode == "RGB" else 120)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=key)

    measured = measure(buffer.getvalue())

    assert measured.border_white_share == 1.0
    assert measured.background_rgb == (255, 255, 255)
    assert measured.fill == pytest.approx(0.9, abs=0.01)


def test_sixteen_bit_grey_scaled_not_clipped() -> None:
    values = np.full((1000, 1000), 65535, dtype=np.uint16)
    values[100:900, 100:900] = 8000
    data = _png(Image.fromarray(values))
    assert Image.open(io.BytesIO(data)).mode == "I;16"

    measured = measure(data)
    assert measured.border_white_share == 1.0
    assert measured.fill == pytest.approx(0.8, abs=0.01)
    assert measured.dominant_rgb == (31, 31, 31)


def _product_on_shadow(
    product: tuple[int, int, int, int],
    color: str | tuple[int, int, int],
    shadow_width: float,
    part: tuple[tuple[int, int, int, int], tuple[int, int, int]] | None = None,
) -> bytes:
    """A product on white over a soft elliptical contact shadow (blurred, 27% dark) centred under it.

    `shadow_width` is the shadow's share of the frame's width; `part` adds a box in another colour.
    """
    size = 1024
    left = round(size * (1 - shadow_width) / 2)
    shade = Image.new("L", (size, size), 0)
    ImageDraw.Draw(shade).ellipse((left, product[3] - 40, size - left, product[3] + 40), fill=70)
    darkness = np.asarray(shade.filter(ImageFilter.GaussianBlur(12))).astype(float) / 255
    image = Image.fromarray((255 * (1 - darkness[..., None]) * np.ones(3)).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.rectangle(product, fill=color)
    if part is not None:
        draw.rectangle(part[0], fill=part[1])
    return _png(image)


def _fill(job: ImageJob, data: bytes):
    (result,) = [result for result in check_image(job, data) if result.check == "product_fill"]
    return result


@pytest.mark.parametrize("color_hex", ["#C46B3C", "#1F2A44", "#1C1C1C", "#7A7F86"])
def test_contact_shadow_left_out_of_fill(color_hex: str) -> None:
    # The product spans 60% of the frame; its soft grey shadow spans 90%, inside the frame.
    data = _product_on_shadow((205, 200, 819, 800), color_hex, 0.9)

    result = _fill(_variant_job("Variant", color_hex), data)

    assert not result.passed
    assert result.measured["fill"] == pytest.approx(0.6, abs=0.015)
    assert measure(data).fill == pytest.approx(0.6, abs=0.015)


def test_light_grey_part_kept_in_fill() -> None:
    # A red body spanning 70% with a brushed steel handle out to 88%: the handle's edge is sharp, so it is no shadow.
    data = _product_on_shadow((92, 200, 808, 800), "#C0392B", 0.95, ((808, 400, 992, 460), (200, 200, 202)))

    result = _fill(_variant_job("Red", "#C0392B"), data)

    assert result.passed
    assert result.measured["fill"] == pytest.approx(0.88, abs=0.015)


def test_shadow_of_light_grey_product_kept_in_fill() -> None:
    # A product lighter than its shadow's grey cannot be separated from it by colour, so the shadow stays in its span.
    data = _product_on_shadow((205, 200, 819, 800), "#E0E0E0", 0.9)

    assert _fill(_variant_job("Light Grey", "#E0E0E0"), data).measured["fill"] > 0.85


def _not_blank(job: ImageJob, data: bytes):
    (result,) = [result for result in check_image(job, data) if result.check == "image_not_blank"]
    return result


@pytest.mark.parametrize(
    "image",
    [
        Image.new("RGB", (1024, 1024), "white"),
        Image.new("RGBA", (1024, 1024), (0, 0, 0, 0)),
        Image.new("RGB", (1024, 1024), (128, 128, 128)),
    ],
    ids=["white", "transparent", "grey"],
)
def test_blank_image_shows_no_product(image: Image.Image) -> None:
    result = _not_blank(_variant_job("Rust", "#C46B3C"), _png(image))

    assert not result.passed
    assert result.measured["uniform_share"] == 1.0


def test_stud_earrings_are_not_blank() -> None:
    # Two 40 px studs on a 1024 px packshot, which the analysis copy's 256 px would average into the backdrop.
    image = Image.new("RGB", (1024, 1024), "white")
    draw = ImageDraw.Draw(image)
    for left in (400, 584):
        draw.ellipse((left, 492, left + 40, 532), fill=(212, 175, 55))

    assert _not_blank(_variant_job("Gold", "#D4AF37"), _png(image)).passed


def test_white_product_on_white_is_not_blank() -> None:
    # A white body is the backdrop's colour, and only its grey outline and contact shadow show it.
    data = _product_on_shadow((205, 200, 819, 800), "#FFFFFF", 0.7)
    image = Image.open(io.BytesIO(data))
    ImageDraw.Draw(image).rectangle((205, 200, 819, 800), outline=(225, 225, 225), width=3)

    assert _not_blank(_variant_job("White", "#FFFFFF"), _png(image)).passed


def test_delta_e_zero_only_for_same_colour() -> None:
    assert delta_e_2000("#4B5E2A", "#4B5E2A") == 0.0
    assert 0 < delta_e_2000("#4B5E2A", "#4C5F2B") < 1
    assert delta_e_2000("#4B5E2A", "#D9622B") > 30


def _white_variant_job(color_hex: str, sku: str = "VL-GAN65-3P"):
    """Give a spec a navy variant and a white one and return it with the white variant's image job."""
    base = next(spec for spec in SPECS if spec.sku == sku)
    white_variant = base.variants[0].model_copy(update={"sku": "W-1", "color": "White", "color_hex": color_hex})
    navy_variant = base.variants[0].model_copy(update={"sku": "N-1", "color": "Navy", "color_hex": "#1F2A44"})
    white = base.model_copy(update={"variants": [navy_variant, white_variant]})
    jobs = plan_images(white, brand_for(white)).jobs
    job = next(job for job in jobs if job.kind == ImageKind.VARIANT and job.variant_sku == "W-1")
    return white, job


def _variant_color(job, data: bytes):
    (result,) = [result for result in check_image(job, data) if result.check == "variant_color"]
    return result


@pytest.mark.parametrize("color_hex", ["#FFFFFF", "#FAFAFA", "#F7F7F7"])
def test_white_product_inside_outline_matches(color_hex: str) -> None:
    spec, job = _white_variant_job(color_hex)
    data = OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data

    result = _variant_color(job, data)

    assert result.passed, result.measured
    assert result.measured["delta_e"] <= 2
    assert "silhouette_colors" in result.measured


def test_white_product_with_open_outline_left_to_vision() -> None:
    # The offline pendant is a crescent whose cut-out has no outline, so its white body is not enclosed.
    spec, job = _white_variant_job("#FFFFFF", sku="SEL-CRS-PND")
    data = OfflineRenderer().render(job, spec, [], ledger=MemoryLedger()).data

    result = _variant_color(job, data)

    assert not result.passed
    assert result.weight == 0
    assert "left to the vision check" in result.detail
    assert result.measured["bbox_density"] < 0.2


@pytest.mark.parametrize("drawn", ["#C8C8C8", "#C0392B", "#1F2A44"])
def test_white_variant_drawn_in_other_colour_fails(drawn: str) -> None:
    spec, job = _white_variant_job("#FFFFFF")
    drifted = job.model_copy(update={"color_hex": drawn})
    data = OfflineRenderer().render(drifted, spec, [], ledger=MemoryLedger()).data

    result = _variant_color(job, data)

    assert not result.passed
    assert result.weight > 0
    assert result.measured["delta_e"] > 10


def _variant_job(color: str, color_hex: str) -> ImageJob:
    return ImageJob(
        job_id="variant-t-1",
        kind=ImageKind.VARIANT,
        prompt="p",
        backdrop="white",
        color=color,
        color_hex=color_hex,
        platforms=["amazon"],
    )


def _ring(fill: tuple[int, int, int], outline: tuple[int, int, int] | None = None) -> bytes:
    image = Image.new("RGB", (1024, 1024), "white")
    draw = ImageDraw.Draw(image)
    width = 4 if outline else 0
    draw.ellipse((40, 40, 984, 984), fill=fill, outline=outline, width=width)
    draw.ellipse((250, 250, 774, 774), fill=(255, 255, 255), outline=outline, width=width)
    return _png(image)


def _printed_body(outline: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (1024, 1024), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((80, 60, 944, 964), radius=40, outline=outline, width=6)
    draw.rectangle((250, 300, 774, 700), fill=(200, 30, 40))
    return _png(image)


def _frame(color: tuple[int, int, int], thickness: int) -> bytes:
    image = Image.new("RGB", (1024, 1024), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 974, 974), outline=color, width=thickness)
    return _png(image)


@pytest.mark.parametrize(
    ("name", "data", "color_hex", "passed"),
    [
        ("navy ring for white", _ring((31, 42, 68)), "#FFFFFF", False),
        ("grey ring for white", _ring((200, 200, 200)), "#FFFFFF", False),
        ("red ring for red", _ring((200, 30, 30)), "#C81E1E", True),
        ("white ring outlined grey for white", _ring((255, 255, 255), (120, 120, 120)), "#FFFFFF", True),
        ("white ring outlined grey for cream", _ring((255, 255, 255), (120, 120, 120)), "#F0E4C8", False),
        ("navy frame for white", _frame((31, 42, 68), 40), "#FFFFFF", False),
        ("black wire frame for white", _frame((0, 0, 0), 8), "#FFFFFF", False),
        ("white body with red print for white", _printed_body((170, 170, 170)), "#FFFFFF", True),
        ("navy body outline with red print for white", _printed_body((31, 42, 68)), "#FFFFFF", False),
    ],
)
def test_hole_counts_only_inside_white_outline(name: str, data: bytes, color_hex: str, passed: bool) -> None:
    result = _variant_color(_variant_job("Variant", color_hex), data)
    assert result.passed is passed, (name, result.measured)
    assert result.weight > 0, name


def test_image_format_checked_against_request() -> None:
    job = _variant_job("Navy", "#1F2A44")
    image = Image.new("RGB", (job.width, job.height), (255, 255, 255))
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG")

    def format_checks(data: bytes, requested: str | None) -> list[tuple[bool, object]]:
        results = check_image(job, data, requested_format=requested)
        return [(result.passed, result.measured["format"]) for result in results if result.check == "image_format"]

    assert format_checks(jpeg.getvalue(), "png") == [(False, "jpeg")]
    assert format_checks(jpeg.getvalue(), "jpeg") == [(True, "jpeg")]
    assert format_checks(_png(image), None) == []
