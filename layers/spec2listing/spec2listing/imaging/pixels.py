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

from spec2listing.providers.media import header_size, media_type
from spec2listing.types import hex_to_rgb

ANALYSIS_SIDE = 256
BORDER_FRACTION = 0.02
# Lab distance (CIE76) above which a pixel counts as product rather than background.
# Low enough to separate an off-white product (#F2F2F0 is about 5 from white),
# high enough to ignore compression noise in a white studio background (about 1-2).
PRODUCT_SEPARATION_DELTA_E = 3.0
# Levels (of 255) a pixel may differ from an image's median colour on each channel and still count as that flat
# colour: compression noise in a blank JPEG stays within it.
UNIFORM_LEVELS = 4
# Quantisation step per RGB channel when grouping pixels into colour bins.
BIN_STEP = 16
# Row or column share of product pixels below which it is treated as noise for the bounding box.
BBOX_NOISE_SHARE = 0.004
# Pixels apart from the background that reach the image edge (a shadow, a vignette) are left out of the
# product region when what remains is at least this share of them. A product cut off by the frame keeps all.
EDGE_REGION_MIN_SHARE = 0.2
# An image with at least this share of pure white pixels has a white backdrop, however dark its border.
WHITE_AREA_MIN_SHARE = 0.1
# Lifestyle scenes: a colour bin covering this share of the border is one of the scene's own colours.
SCENE_BIN_MIN_SHARE = 0.02
# Dominant colour: Lab radius (CIE76) of the mean-shift window, the grid step its seeds are drawn from,
# how many of the densest grid cells seed it, and how many steps it takes. A radius of 12 spans the
# shading across a lit product (about +-6 L*) without reaching its darker trim or outline.
MODE_RADIUS = 12.0
MODE_GRID = 6.0
MODE_SEEDS = 4
MODE_STEPS = 8
# Colour modes: at most this many are sought, and none once less than this share of pixels is left.
MODE_COUNT = 3
MODE_MIN_SHARE = 0.05
# Contact shadow: a pixel of the product region that is near neutral (CIELCh chroma), lighter (L*) than the
# product's colour and soft (each neighbour within SHADOW_MAX_STEP L*) is left out of the product's span. A
# shadow on white fades into the backdrop, while a light grey part of the product (a steel handle) has a sharp edge.
SHADOW_MAX_CHROMA = 6.0
SHADOW_MIN_LIGHTER = 10.0
SHADOW_MAX_STEP = 8.0


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
    colors: tuple[tuple[tuple[int, int, int], float], ...] = ()
    # Colour modes of the product region with the background-coloured areas it encloses, when it encloses any:
    # the body of a white product on white, which only its outline and shading separate from the backdrop.
    silhouette_colors: tuple[tuple[tuple[int, int, int], float], ...] = ()
    # Share of the bounding box that the product region covers: low when only an outline or shading is
    # separated from the backdrop.
    bbox_density: float = 0.0
    # Sides of the image that the product region reaches: the product runs off the frame there, or a shadow
    # or mark joined to it does.
    edges_reached: tuple[str, ...] = ()
    # Colour of the silhouette's outer boundary, when the product region encloses any backdrop: the light
    # grey outline of a white product, or the band of a hollow product such as a ring or a frame.
    outline_rgb: tuple[int, int, int] | None = None
    # Share of the full-size image's pixels within UNIFORM_LEVELS of its median colour on every channel: near 1
    # for an image of one flat colour, such as a blank or fully transparent render, which shows no product.
    uniform_share: float = 0.0


def decode(data: bytes) -> Image.Image:
    """Decode an image whole.

    Pillow rejects an image with more pixels than it decodes, taking it for a decompression bomb. That raises
    ValueError, which names the image's size when its header gives it.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as error:
        raise ValueError(_too_many_pixels(data, error)) from error
    return image


def _too_many_pixels(data: bytes, error: Image.DecompressionBombError) -> str:
    """Describe an image that Pillow rejects for its pixel count, by its size where the header gives it."""
    media = media_type(data)
    try:
        size = header_size(data, media) if media else None
    except Image.DecompressionBombError:
        size = None  # a WebP header, which Pillow reads only under the same limit
    if size is None:
        return f"the image has more pixels than are decoded: {error}"
    width, height = size
    # Pillow rejects more than twice MAX_IMAGE_PIXELS, and nothing when that is None.
    limit = 2 * (Image.MAX_IMAGE_PIXELS or 0)
    return (
        f"the image is {width}x{height}, {width * height / 1e6:.1f} megapixels, "
        f"more than the {limit / 1e6:.0f} megapixels that are decoded"
    )


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
    """Composite transparency onto white and return an RGB image.

    Transparency is an alpha channel or a colour key (`info["transparency"]`: a PNG tRNS chunk in P, RGB or
    L mode, a GIF's transparent index), which would otherwise read as its opaque colour, often black.

    Greyscale with 16 or 32 bits a pixel is scaled to 8 bits first, where
    Pillow's own conversion clips every value above 255 to white. 16-bit
    modes span 0 to 65535; a 32-bit one is scaled by the range its values use.
    """
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        values = np.asarray(image, dtype=np.float64)
        brightest = float(values.max(initial=0))
        if image.mode.startswith("I;16") or 255 < brightest <= 65535:
            full_scale = 65535.0
        else:
            full_scale = max(brightest, 255.0) if image.mode == "I" else max(brightest, 1.0)
        scaled = np.clip(values * (255.0 / full_scale), 0, 255).round().astype(np.uint8)
        return Image.fromarray(scaled, "L").convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def _analysis_copy(image: Image.Image) -> Image.Image:
    return shrunk(flatten(image), ANALYSIS_SIDE)


def shrunk(image: Image.Image, side: int) -> Image.Image:
    """Return `image` resized to fit a `side` square, or itself when it fits already.

    BOX averages every pixel it covers, so a thin line or a noisy background is measured at its share.
    The copy keeps the image's EXIF orientation, which ImageOps.exif_transpose reads.
    """
    scale = side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BOX)


def border_mask(height: int, width: int) -> np.ndarray:
    band = max(1, round(min(height, width) * BORDER_FRACTION))
    mask = np.zeros((height, width), dtype=bool)
    mask[:band, :] = mask[-band:, :] = True
    mask[:, :band] = mask[:, -band:] = True
    return mask


def measure(data: bytes, white_tolerance: int = 5, product_hex: str | None = None) -> ImageMeasurements:
    """Measure one encoded image, whose product should be `product_hex` (#RRGGBB) when that is known.

    That colour separates the product from its contact shadow, which is left out of its span (`fill`, `bbox`,
    `edges_reached`). Without it, the product region's dominant colour separates them.
    """
    original = decode(data)
    full = flatten(original)
    small = shrunk(full, ANALYSIS_SIDE)
    rgb = np.asarray(small).astype(np.int16)
    lab = to_lab(small)
    h, w = rgb.shape[:2]

    border = border_mask(h, w)
    border_rgb = rgb[border]
    background = tuple(int(v) for v in np.median(border_rgb, axis=0))
    min_channel = border_rgb.min(axis=1)
    white_share = float(np.mean(min_channel >= 255 - white_tolerance))

    # Shadows and vignettes only darken a backdrop, so the product is separated from the border's lightest
    # quarter, or from white when a vignette darkens the whole border of an image that is largely white.
    border_lab = lab[border]
    lightest = border_lab[border_lab[:, 0] >= np.percentile(border_lab[:, 0], 75)]
    background_lab = np.median(lightest, axis=0)
    if np.mean(rgb.min(axis=2) >= 255 - white_tolerance) >= WHITE_AREA_MIN_SHARE:
        background_lab = np.array([100.0, 0.0, 0.0], dtype=np.float32)
    distance = np.sqrt(((lab - background_lab) ** 2).sum(axis=2))
    product = product_region(distance > PRODUCT_SEPARATION_DELTA_E)
    share = float(product.mean())
    modes = color_modes(rgb[product], lab[product]) if product.any() else []

    body = hex_to_rgb(product_hex) if product_hex is not None else None
    if body is None and modes:
        body = modes[0][0]
    bbox = _bounding_box(_without_shadow(product, lab, body))
    fill = 0.0
    density = 0.0
    edges: tuple[str, ...] = ()
    if bbox is not None:
        left, top, right, bottom = bbox
        fill = max((right - left) / w, (bottom - top) / h)
        density = float(product[top:bottom, left:right].mean())
        sides = {"top": top <= 0, "bottom": bottom >= h, "left": left <= 0, "right": right >= w}
        edges = tuple(side for side, reached in sides.items() if reached)
    silhouette = enclosed(product)
    silhouette_modes = []
    outline = None
    if silhouette.sum() > product.sum():
        silhouette_modes = color_modes(rgb[silhouette], lab[silhouette])
        outline = _outline_color(silhouette, rgb, lab)
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
        dominant_rgb=modes[0][0] if modes else None,
        colors=tuple(modes),
        silhouette_colors=tuple(silhouette_modes),
        bbox_density=density,
        edges_reached=edges,
        outline_rgb=(outline[0], outline[1], outline[2]) if outline is not None else None,
        uniform_share=_uniform_share(full, np.median(rgb.reshape(-1, 3), axis=0)),
    )


def _uniform_share(image: Image.Image, median: np.ndarray) -> float:
    """Return the share of pixels within UNIFORM_LEVELS of `median`, the analysis copy's median colour.

    Counted at full size, since shrinking to ANALYSIS_SIDE averages a fine chain or a pair of stud earrings
    into the backdrop.
    """
    full = np.asarray(image)
    low = np.clip(median - UNIFORM_LEVELS, 0, 255)
    high = np.clip(median + UNIFORM_LEVELS, 0, 255)
    # One channel at a time on the 8-bit values: a million-pixel image takes some 8 ms, a tenth of widening it.
    inside = np.ones(full.shape[:2], dtype=bool)
    for channel in range(3):
        values = full[..., channel]
        inside &= (values >= low[channel]) & (values <= high[channel])
    return float(inside.mean())


def _without_shadow(product: np.ndarray, lab: np.ndarray, body: tuple[int, int, int] | None) -> np.ndarray:
    """Leave the contact shadow of a product whose colour is `body` out of its region, unless nothing would remain."""
    if body is None:
        return product
    lightness = float(to_lab(Image.new("RGB", (1, 1), body))[0, 0, 0])
    unshadowed: np.ndarray = np.logical_and(product, np.logical_not(_contact_shadow(lab, lightness)))
    return unshadowed if unshadowed.any() else product


def _contact_shadow(lab: np.ndarray, product_lightness: float) -> np.ndarray:
    """Mark the pixels that may be the contact shadow of a product of the given lightness (L*).

    They are near-neutral, at least SHADOW_MIN_LIGHTER lighter than the product, and soft: no neighbour
    (above, below or beside) differs from them by more than SHADOW_MAX_STEP in L*.
    """
    lightness = lab[..., 0]
    padded = np.pad(lightness, 1, mode="edge")
    neighbours = (padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:])
    step = np.max([np.abs(lightness - neighbour) for neighbour in neighbours], axis=0)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    marked: np.ndarray = (
        (chroma <= SHADOW_MAX_CHROMA)
        & (lightness >= product_lightness + SHADOW_MIN_LIGHTER)
        & (step <= SHADOW_MAX_STEP)
    )
    return marked


def reaching_edge(mask: np.ndarray) -> np.ndarray:
    """Find the pixels of a mask connected (4-neighbour) to the image's outermost rows and columns."""
    edge = np.zeros(mask.shape, dtype=bool)
    edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
    reached: np.ndarray = np.logical_and(mask, edge)
    while True:
        grown = reached.copy()
        grown[1:] |= reached[:-1]
        grown[:-1] |= reached[1:]
        grown[:, 1:] |= reached[:, :-1]
        grown[:, :-1] |= reached[:, 1:]
        grown &= mask
        if np.array_equal(grown, reached):
            return reached
        reached = grown


def enclosed(mask: np.ndarray) -> np.ndarray:
    """Fill the holes of a mask: add the pixels outside it that it cuts off from the image edge."""
    outside = np.logical_not(mask)
    holes = np.logical_and(outside, np.logical_not(reaching_edge(outside)))
    filled: np.ndarray = np.logical_or(mask, holes)
    return filled


def _outline_color(silhouette: np.ndarray, rgb: np.ndarray, lab: np.ndarray) -> tuple[int, ...]:
    """Return the median colour of the darkest tenth of a two-pixel ring along a silhouette's outer boundary.

    Downscaling blends a thin outline with the white around it, so its darkest pixels keep its colour best.
    """
    outer = outer_boundary(silhouette)
    ring = np.logical_or(outer, outer_boundary(np.logical_and(silhouette, np.logical_not(outer))))
    lightness = lab[ring][:, 0]
    darkest = rgb[ring][lightness <= np.percentile(lightness, 10)]
    return tuple(int(value) for value in np.median(darkest, axis=0))


def outer_boundary(mask: np.ndarray) -> np.ndarray:
    """Keep the pixels of a mask that touch, above, below or beside them, a pixel outside it or the image edge."""
    padded = np.pad(mask, 1, constant_values=False)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    boundary: np.ndarray = np.logical_and(mask, np.logical_not(interior))
    return boundary


def product_region(candidates: np.ndarray) -> np.ndarray:
    """Keep the candidate pixels that do not reach the image edge, unless too few would remain.

    A shadow or vignette on a white background reaches the edge, and the product
    usually does not, so leaving edge-connected pixels out keeps shadows from
    counting as product in the fill and the dominant colour.
    """
    inner: np.ndarray = np.logical_and(candidates, np.logical_not(reaching_edge(candidates)))
    if inner.sum() >= EDGE_REGION_MIN_SHARE * candidates.sum() and inner.any():
        return inner
    return candidates


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


def _largest_mode(lab: np.ndarray) -> tuple[np.ndarray, int]:
    """Mean shift in Lab from the densest cells of a coarse grid; return the centre that gathers most pixels."""
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
    return best_centre, best_count


def color_modes(
    pixels: np.ndarray, lab: np.ndarray, count: int = MODE_COUNT
) -> list[tuple[tuple[int, int, int], float]]:
    """Find the largest colour modes among the given pixels (RGB and their Lab values, row for row).

    Each mode is found by mean shift in Lab (each seed moves to the mean of the
    pixels within MODE_RADIUS until it settles), reported as the median RGB of its
    core with its share of the pixels, and removed before the next is sought.
    Shading spreads one surface colour over many RGB values; a mode still finds
    that surface rather than a small, uniform trim.
    """
    modes: list[tuple[tuple[int, int, int], float]] = []
    remaining = np.ones(len(lab), dtype=bool)
    while len(modes) < count and remaining.sum() >= MODE_MIN_SHARE * len(lab):
        centre, members = _largest_mode(lab[remaining])
        distance = ((lab - centre) ** 2).sum(axis=1)
        # The colour is the median of the mode's core, so the window's tail (outline and edge pixels) cannot pull it.
        core = remaining & (distance <= (MODE_RADIUS / 2) ** 2)
        chosen = pixels[core] if core.any() else pixels[remaining]
        median = np.rint(np.median(chosen, axis=0)).astype(int)
        modes.append(((int(median[0]), int(median[1]), int(median[2])), members / len(lab)))
        remaining &= distance > MODE_RADIUS**2
    return modes


def dominant_color(pixels: np.ndarray, lab: np.ndarray) -> tuple[int, int, int]:
    """Find the RGB colour of the largest colour mode among the given pixels."""
    return color_modes(pixels, lab, count=1)[0][0]


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def delta_e_2000(first: str, second: str) -> float:
    """CIEDE2000 difference of two #RRGGBB colours."""
    return float(Color(first).delta_e(Color(second), method="2000"))


def _bin_colors(pixels: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Group RGB pixels into colour bins; return each bin's mean colour as #RRGGBB and its pixel count."""
    codes, inverse = _bins(pixels)
    counts = np.bincount(inverse, minlength=codes.size)
    sums = np.stack(
        [np.bincount(inverse, weights=pixels[:, channel], minlength=codes.size) for channel in range(3)],
        axis=1,
    )
    means = np.rint(sums / counts[:, None]).astype(int)
    return [rgb_hex((int(red), int(green), int(blue))) for red, green, blue in means], counts


def _matching_share(
    pixels: np.ndarray, color_hex: str, tolerance: float, total: int, scene_colors: tuple[str, ...] = ()
) -> float:
    """Share of `total` taken by the RGB pixels whose colour bin is within `tolerance` CIEDE2000 of a colour.

    A bin also within `tolerance` of one of `scene_colors` is left out, as the scene's.
    """
    if pixels.shape[0] == 0:
        return 0.0
    target = Color(color_hex)
    scene = [Color(color) for color in scene_colors]
    matched = 0
    for bin_hex, count in zip(*_bin_colors(pixels), strict=True):
        color = Color(bin_hex)
        if color.delta_e(target, method="2000") > tolerance:
            continue
        if all(color.delta_e(backdrop, method="2000") > tolerance for backdrop in scene):
            matched += int(count)
    return matched / max(1, total)


def color_share(data: bytes, color_hex: str, tolerance: float) -> float:
    """Share of the image's pixels within `tolerance` CIEDE2000 of a colour."""
    small = _analysis_copy(decode(data))
    pixels = np.asarray(small).reshape(-1, 3).astype(np.int16)
    return _matching_share(pixels, color_hex, tolerance, pixels.shape[0])


@dataclass(frozen=True)
class SceneColor:
    """How much of a scene shows a colour, counting only what differs from the colours along the image edge."""

    share: float
    scene_colors: list[str]
    in_scene: bool


def scene_color_share(data: bytes, color_hex: str, tolerance: float) -> SceneColor:
    """Measure a colour in a lifestyle scene, leaving out the backdrop and floor.

    The scene's own colours are the colour bins that cover at least SCENE_BIN_MIN_SHARE
    of the border. The share counts the pixels whose colour bin is within `tolerance`
    CIEDE2000 of the colour and farther than that from every scene colour. `in_scene` is
    true when a scene colour itself matches, so pixels cannot tell product from backdrop.
    One measure and one radius for both keep a product in the exact colour countable
    whenever `in_scene` is false.
    """
    rgb = np.asarray(_analysis_copy(decode(data))).astype(np.int16)
    border = border_mask(*rgb.shape[:2])
    border_colors, counts = _bin_colors(rgb[border])
    common = np.flatnonzero(counts >= SCENE_BIN_MIN_SHARE * border.sum())
    if common.size == 0:
        common = np.argsort(counts)[::-1][:5]
    scene_hex = [border_colors[index] for index in common]
    in_scene = any(delta_e_2000(color, color_hex) <= tolerance for color in scene_hex)
    share = _matching_share(
        rgb.reshape(-1, 3), color_hex, tolerance, rgb.shape[0] * rgb.shape[1], scene_colors=tuple(scene_hex)
    )
    return SceneColor(share=share, scene_colors=scene_hex, in_scene=in_scene)


def contrast_delta_e(first: tuple[int, int, int], second_hex: str) -> float:
    return delta_e_2000(rgb_hex(first), second_hex)


__all__ = [
    "ImageMeasurements",
    "color_modes",
    "color_share",
    "contrast_delta_e",
    "decode",
    "delta_e_2000",
    "dominant_color",
    "hex_to_rgb",
    "measure",
    "rgb_hex",
    "scene_color_share",
]
