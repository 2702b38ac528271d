"""Pixel measurements behind the image checks: product region, dominant colour, border, scene colours."""

import io

import numpy as np
from PIL import Image, ImageDraw
from spec2listing.imaging.pixels import delta_e_2000, measure, rgb_hex, scene_color_share


def _encode(image: Image.Image, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def _shaded_product(color: tuple[int, int, int], trim: tuple[int, int, int]) -> bytes:
    """A product on white lit from the left (+-12% across it) with a dark trim band, saved as JPEG."""
    array = np.full((1024, 1024, 3), 255.0)
    left, top, right, bottom = 80, 80, 944, 944
    light = np.linspace(1.12, 0.88, right - left)[None, :, None]
    array[top:bottom, left:right] = np.array(color) * light
    array[bottom - 260 : bottom, left:right] = trim
    rng = np.random.default_rng(3)
    array[top:bottom, left:right] += rng.normal(0, 2.5, (bottom - top, right - left, 3))
    return _encode(Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)), "JPEG")


def test_dominant_colour_survives_shading_and_trim() -> None:
    measured = measure(_shaded_product((0x7F, 0xA9, 0xA0), (40, 40, 40)))
    assert measured.dominant_rgb is not None
    assert delta_e_2000(rgb_hex(measured.dominant_rgb), "#7FA9A0") < 3
    assert measured.fill > 0.8


def test_uniform_grey_border_has_small_spread() -> None:
    image = Image.new("RGB", (1024, 1024), (232, 232, 232))
    ImageDraw.Draw(image).rectangle((100, 100, 924, 924), fill=(75, 94, 42))
    measured = measure(_encode(image))
    assert measured.background_rgb == (232, 232, 232)
    assert measured.border_white_share == 0
    assert measured.border_spread <= 2


def test_shadow_reaching_edge_has_large_spread() -> None:
    image = Image.new("RGB", (1024, 1024), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 924, 900), fill=(75, 94, 42))
    for step in range(60):
        shade = 150 + step * 100 // 60
        draw.rectangle((0, 964 + step, 1023, 964 + step), fill=(shade, shade, shade))
    measured = measure(_encode(image))
    assert measured.background_rgb == (255, 255, 255)
    assert measured.border_white_share < 0.98
    assert measured.border_spread > 8


def test_vignette_left_out_of_product_region() -> None:
    array = np.full((1024, 1024, 3), 255.0)
    ys, xs = np.mgrid[0:1024, 0:1024]
    distance = np.hypot(xs - 512, ys - 512) / 512
    array *= (1 - 0.8 * np.clip(distance - 1.15, 0, 1))[..., None]
    array[300:724, 300:724] = (0xB7, 0x41, 0x0E)
    measured = measure(_encode(Image.fromarray(array.astype(np.uint8))))
    assert measured.dominant_rgb == (0xB7, 0x41, 0x0E)
    assert 0.4 < measured.fill < 0.43


def test_scene_colour_ignores_backdrop() -> None:
    image = Image.new("RGB", (1536, 1024), (0xEC, 0xEA, 0xE6))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 716, 1535, 1023), fill=(0xD9, 0xD6, 0xD0))
    draw.rectangle((500, 400, 800, 800), fill=(0xE6, 0x7E, 0x22))
    data = _encode(image)

    orange = scene_color_share(data, "#E67E22", 10)
    assert orange.share > 0.05
    assert not orange.in_scene
    assert set(orange.scene_colors) == {"#ECEAE6", "#D9D6D0"}
    blue = scene_color_share(data, "#2E86C1", 10)
    assert blue.share == 0
    white = scene_color_share(data, "#F2F2F0", 10)
    assert white.in_scene


def test_scene_product_near_wall_colour_counted() -> None:
    # The wall is CIEDE2000 11.1 from the variant colour (CIE76 9.7), so it is not the variant colour, and a
    # product in exactly that colour is counted apart from it.
    image = Image.new("RGB", (1536, 1024), (0x67, 0x64, 0x5E))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 800, 1535, 1023), fill=(0x6B, 0x5B, 0x4B))
    draw.rectangle((500, 250, 1000, 850), fill=(0x6F, 0x60, 0x68))

    measured = scene_color_share(_encode(image), "#6F6068", 10)

    assert not measured.in_scene
    assert measured.share > 0.15
