"""Measurements on decoded images: background, product region, fill, dominant colour.

Images are analysed at ANALYSIS_SIDE pixels on their longest side, which keeps a
measurement to a few milliseconds and changes ratios by well under 1%. Colours are
compared in CIELAB (D50, through LittleCMS in Pillow's ImageCms); the final colour
verdicts use CIEDE2000 from coloraide.
"""

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from coloraide import Color
from PIL import Image, ImageCms

from spec2listing.types import hex_to_rgb

ANALYSIS_SIDE = 256
BORDER_FRACTION = 0.02
# Lab distance (CIE76) above which a pixel counts as product rather than background.
# Low enough to separate an off-white product (#F2F2F0 is about 5 from white),
# high enough to ignore compression noise in a white studio background (about 1-2).
PRODUCT_SEPARATION_DELTA_E = 3.0
# Quantisation step per RGB channel when grouping pixels into colour bins.
BIN_STEP = 16
# Row or column share of product pixels below which it is treated as noise for the bounding box.
BBOX_NOISE_SHARE = 0.004
# Dominant colour: Lab radius (CIE76) of the mean-shift window, the grid step its seeds are drawn from,
# how many of the densest grid cells seed it, and how many steps it takes. A radius of 12 spans the
# shading across a lit product (about +-6 L*) without reaching its darker trim or outline.
MODE_RADIUS = 12.0
MODE_GRID = 6.0
MODE_SEEDS = 4
MODE_STEPS = 8


@dataclass(frozen=True)
class ImageMeasurements:
    width: int
    height: int
    format: str
    background_rgb: tuple[int, int, int]
    border_white_share: float
    border_min_channel: int
    border_spread: int
    product_share: float
    fill: float
    bbox: tuple[int, int, int, int] | None
    dominant_rgb: tuple[int, int, int] | None


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@lru_cache(maxsize=1)
def _lab_transform() -> ImageCms.ImageCmsTransform:
    srgb = ImageCms.createProfile("sRGB")
    lab = ImageCms.createProfile("LAB", colorTemp=6500)
    return ImageCms.buildTransformFromOpenProfiles(srgb, lab, "RGB", "LAB")


def to_lab(image: Image.Image) -> np.ndarray:
    """Convert an RGB image to float Lab with L in 0..100 and a, b in -128..127."""
    raw = np.asarray(ImageCms.applyTransform(image, _lab_transform())).astype(np.float32)
    lab = np.empty_like(raw)
    lab[..., 0] = raw[..., 0] * 100.0 / 255.0
    lab[..., 1:] = np.where(raw[..., 1:] > 127, raw[..., 1:] - 256, raw[..., 1:])
    return lab


def flatten(image: Image.Image) -> Image.Image:
    """Composite transparency onto white and return an RGB image."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _analysis_copy(image: Image.Image) -> Image.Image:
    rgb = flatten(image)
    scale = ANALYSIS_SIDE / max(rgb.size)
    if scale < 1:
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.BOX)
    return rgb


def border_mask(height: int, width: int) -> np.ndarray:
    band = max(1, round(min(height, width) * BORDER_FRACTION))
    mask = np.zeros((height, width), dtype=bool)
    mask[:band, :] = mask[-band:, :] = True
    mask[:, :band] = mask[:, -band:] = True
    return mask


def measure(data: bytes, white_tolerance: int = 5) -> ImageMeasurements:
    """Measure one encoded image."""
    original = decode(data)
    small = _analysis_copy(original)
    rgb = np.asarray(small).astype(np.int16)
    lab = to_lab(small)
    h, w = rgb.shape[:2]

    border = border_mask(h, w)
    border_rgb = rgb[border]
    background = tuple(int(v) for v in np.median(border_rgb, axis=0))
    min_channel = border_rgb.min(axis=1)
    white_share = float(np.mean(min_channel >= 255 - white_tolerance))

    background_lab = np.median(lab[border], axis=0)
    distance = np.sqrt(((lab - background_lab) ** 2).sum(axis=2))
    product = distance > PRODUCT_SEPARATION_DELTA_E
    share = float(product.mean())

    bbox = _bounding_box(product)
    fill = 0.0
    if bbox is not None:
        left, top, right, bottom = bbox
        fill = max((right - left) / w, (bottom - top) / h)
    dominant = dominant_color(rgb[product], lab[product]) if product.any() else None
    return ImageMeasurements(
        width=original.width,
        height=original.height,
        format=(original.format or "").upper(),
        background_rgb=(background[0], background[1], background[2]),
        border_white_share=white_share,
        border_min_channel=int(np.percentile(min_channel, 1)),
        border_spread=int(np.percentile(min_channel, 95) - np.percentile(min_channel, 5)),
        product_share=share,
        fill=float(fill),
        bbox=bbox,
        dominant_rgb=dominant,
    )


def _bounding_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    h, w = mask.shape
    rows = np.flatnonzero(mask.sum(axis=1) > max(1, w * BBOX_NOISE_SHARE))
    cols = np.flatnonzero(mask.sum(axis=0) > max(1, h * BBOX_NOISE_SHARE))
    if rows.size == 0 or cols.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def _bins(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    quantised = (pixels // BIN_STEP).astype(np.int32)
    codes = quantised[:, 0] * 256 + quantised[:, 1] * 16 + quantised[:, 2]
    return np.unique(codes, return_inverse=True)


def dominant_color(pixels: np.ndarray, lab: np.ndarray) -> tuple[int, int, int]:
    """Find the RGB colour of the largest colour mode among the given pixels (RGB and their Lab values, row for row).

    Mean shift in Lab from the densest cells of a coarse grid: each seed moves to
    the mean of the pixels within MODE_RADIUS until it settles, and the mode that
    gathers most pixels wins. Shading spreads one surface colour over many RGB
    values; the mode still finds that surface rather than a small, uniform trim.
    """
    cells = np.floor(lab / MODE_GRID).astype(np.int64)
    cells -= cells.min(axis=0)
    span = cells.max(axis=0) + 1
    codes = (cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]
    counts = np.bincount(codes)
    densest = np.argsort(counts)[::-1][:MODE_SEEDS]
    seeds = [lab[codes == code].mean(axis=0) for code in densest if counts[code] > 0]
    best_centre = lab.mean(axis=0)
    best_count = -1
    for seed in seeds:
        centre = seed
        members = np.zeros(len(lab), dtype=bool)
        for _ in range(MODE_STEPS):
            members = ((lab - centre) ** 2).sum(axis=1) <= MODE_RADIUS**2
            moved = lab[members].mean(axis=0)
            if np.abs(moved - centre).max() < 0.1:
                break
            centre = moved
        count = int(members.sum())
        if count > best_count:
            best_centre, best_count = centre, count
    # The colour is the median of the mode's core, so the window's tail (outline and edge pixels) cannot pull it.
    core = ((lab - best_centre) ** 2).sum(axis=1) <= (MODE_RADIUS / 2) ** 2
    chosen = pixels[core] if core.any() else pixels
    median = np.rint(np.median(chosen, axis=0)).astype(int)
    return int(median[0]), int(median[1]), int(median[2])


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def delta_e_2000(first: str, second: str) -> float:
    """CIEDE2000 difference of two #RRGGBB colours."""
    return float(Color(first).delta_e(Color(second), method="2000"))


def color_share(data: bytes, color_hex: str, tolerance: float) -> float:
    """Share of the image's pixels within `tolerance` CIEDE2000 of a colour."""
    small = _analysis_copy(decode(data))
    pixels = np.asarray(small).reshape(-1, 3).astype(np.int16)
    codes, inverse = _bins(pixels)
    counts = np.bincount(inverse, minlength=codes.size)
    sums = np.stack(
        [np.bincount(inverse, weights=pixels[:, channel], minlength=codes.size) for channel in range(3)],
        axis=1,
    )
    means = np.rint(sums / counts[:, None]).astype(int)
    target = Color(color_hex)
    matched = 0
    for index in range(codes.size):
        bin_hex = rgb_hex((int(means[index, 0]), int(means[index, 1]), int(means[index, 2])))
        if Color(bin_hex).delta_e(target, method="2000") <= tolerance:
            matched += int(counts[index])
    return matched / max(1, pixels.shape[0])


def contrast_delta_e(first: tuple[int, int, int], second_hex: str) -> float:
    return delta_e_2000(rgb_hex(first), second_hex)


__all__ = [
    "ImageMeasurements",
    "color_share",
    "contrast_delta_e",
    "decode",
    "delta_e_2000",
    "dominant_color",
    "hex_to_rgb",
    "measure",
    "rgb_hex",
]
