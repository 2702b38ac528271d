"""Offline renderer: draws each image job with Pillow, no network.

The product is a flat silhouette chosen from the category (shoe, bottle, table,
jewellery, device, textile, or a generic box) filled with the variant's exact
colour, so pixel checks on offline output measure real drawings. Packshots sit on
pure white and fill about 88% of the frame; lifestyle scenes get a backdrop whose
colours come from the anchor's words and the brand palette. Reference photos are
not used offline.
"""

import hashlib
import io
import time

from PIL import Image, ImageDraw, PngImagePlugin

from spec2listing.costs.ledger import UsageLedger
from spec2listing.imaging.pixels import delta_e_2000, rgb_hex
from spec2listing.models.jobs import ImageJob, ImageKind
from spec2listing.models.records import Usage
from spec2listing.models.spec import ProductSpec
from spec2listing.providers import RenderedImage
from spec2listing.types import hex_to_rgb

WHITE = (255, 255, 255)
NEUTRAL_PRODUCT = "#7A7F86"
PACKSHOT_FILL = 0.88
LIFESTYLE_FILL = 0.55
# Minimum CIEDE2000 between product and scene, so the product stays separable.
MIN_SCENE_CONTRAST = 20.0

# Scene colours for words that often appear in anchors: (backdrop, floor).
SCENE_WORDS: dict[str, tuple[str, str]] = {
    "marble": ("#ECEAE6", "#D9D6D0"),
    "granite": ("#9A9C98", "#6F726C"),
    "boulder": ("#9A9C98", "#6F726C"),
    "lichen": ("#A7B08A", "#7E8766"),
    "sunrise": ("#F3C9A0", "#B98A68"),
    "silk": ("#F2E9DA", "#E2D6C2"),
    "scarf": ("#F2E9DA", "#E2D6C2"),
    "linen": ("#DDD5C7", "#C4B9A6"),
    "sofa": ("#DDD5C7", "#B9AE9C"),
    "travertine": ("#E6D8C3", "#CDBB9F"),
    "desk": ("#D8CDBE", "#B7A58E"),
    "oak": ("#C9A882", "#A3845F"),
    "window": ("#EEF0EA", "#D8D4CA"),
    "beach": ("#F4E3C1", "#E0C89A"),
    "forest": ("#6E8B5E", "#4E6642"),
    "kitchen": ("#EDEAE3", "#CFC8BB"),
}

# Small props drawn next to the product when the anchor names them: (word, colour).
PROP_WORDS: dict[str, str] = {
    "orange": "#F28C28",
    "laptop": "#9EA3A8",
    "vase": "#D9D2C5",
    "book": "#7C5A45",
    "plant": "#4F7A43",
    "cup": "#E8E4DC",
}


class OfflineRenderer:
    """Deterministic Pillow drawings; costs nothing."""

    name = "offline"
    model = "offline-pillow-v1"
    endpoint: str | None = None
    draws_category = True  # the silhouette follows the category

    def __init__(self, latency_seconds: float = 0.0) -> None:
        # Simulated provider latency for benchmarks; zero outside them.
        self.latency_seconds = latency_seconds

    def render(
        self, job: ImageJob, spec: ProductSpec, references: list[bytes], *, ledger: UsageLedger
    ) -> RenderedImage:
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        color = job.color_hex or NEUTRAL_PRODUCT
        if job.kind == ImageKind.LIFESTYLE:
            image, background = _scene(job, color)
            fill = LIFESTYLE_FILL
        else:
            image, background = Image.new("RGB", (job.width, job.height), WHITE), WHITE
            fill = PACKSHOT_FILL
        draw = ImageDraw.Draw(image)
        box = _product_box(job.width, job.height, fill, _aspect(spec.category), job.kind)
        _draw_product(draw, spec.category, box, color, background)
        if job.kind == ImageKind.LIFESTYLE:
            _draw_props(draw, job, box)

        info = PngImagePlugin.PngInfo()
        info.add_text("spec2listing:job", job.job_id)
        info.add_text("spec2listing:renderer", self.model)
        info.add_text("spec2listing:prompt-sha256", hashlib.sha256(job.prompt.encode()).hexdigest())
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", pnginfo=info, optimize=False, compress_level=6)
        ledger.record(Usage(step="render", provider=self.name, model=self.model, images=1, job_id=job.job_id))
        return RenderedImage(data=buffer.getvalue())

    def output_format(self, job: ImageJob) -> str:
        """Return "png": the drawings are PNG whatever format the settings request."""
        return "png"


def _kind_of(category: str) -> str:
    text = category.lower()
    for kind, words in (
        ("shoe", ("shoe", "footwear", "sneaker", "boot")),
        ("bottle", ("serum", "bottle", "skin care", "moistur", "cream", "beauty", "cosmetic")),
        ("table", ("table", "furniture", "chair", "shelf", "desk")),
        ("jewel", ("jewel", "necklace", "pendant", "earring", "ring", "bracelet")),
        ("sock", ("sock", "apparel", "clothing", "shirt")),
        ("textile", ("linen", "textile", "tablecloth", "towel", "blanket")),
        ("device", ("electronic", "charger", "cable", "phone", "adapter")),
    ):
        if any(word in text for word in words):
            return kind
    return "box"


def _aspect(category: str) -> float:
    """Width over height of the silhouette's bounding box."""
    return {
        "shoe": 2.2,
        "bottle": 0.42,
        "table": 0.85,
        "jewel": 0.7,
        "sock": 0.62,
        "textile": 1.3,
        "device": 0.62,
        "box": 1.0,
    }[_kind_of(category)]


def _product_box(width: int, height: int, fill: float, aspect: float, kind: ImageKind) -> tuple[int, int, int, int]:
    if aspect >= width / height:
        box_w = width * fill
        box_h = box_w / aspect
    else:
        box_h = height * fill
        box_w = box_h * aspect
    left = (width - box_w) / 2
    top = (height - box_h) / 2
    if kind == ImageKind.LIFESTYLE:
        left = width * 0.42 - box_w / 2
        top = height * 0.62 - box_h / 2
    return round(left), round(top), round(left + box_w), round(top + box_h)


def _shade(color: str, factor: float) -> tuple[int, int, int]:
    r, g, b = hex_to_rgb(color)
    if factor < 1:
        return round(r * factor), round(g * factor), round(b * factor)
    return (
        round(r + (255 - r) * (factor - 1)),
        round(g + (255 - g) * (factor - 1)),
        round(b + (255 - b) * (factor - 1)),
    )


def _draw_product(
    draw: ImageDraw.ImageDraw,
    category: str,
    box: tuple[int, int, int, int],
    color: str,
    background: tuple[int, int, int],
) -> None:
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    body = hex_to_rgb(color)
    edge = _shade(color, 0.72)
    detail = _shade(color, 0.45)
    outline = max(2, round(min(w, h) * 0.012))
    kind = _kind_of(category)

    if kind == "shoe":
        sole_top = top + h * 0.78
        upper = [
            (left, sole_top),
            (left + w * 0.02, top + h * 0.45),
            (left + w * 0.18, top + h * 0.22),
            (left + w * 0.30, top),
            (left + w * 0.44, top + h * 0.05),
            (left + w * 0.58, top + h * 0.30),
            (left + w * 0.86, top + h * 0.42),
            (right, top + h * 0.62),
            (right, sole_top),
        ]
        draw.polygon(upper, fill=body, outline=edge, width=outline)
        draw.rounded_rectangle((left, sole_top, right, bottom), radius=h * 0.08, fill=detail)
        for index in range(4):
            x = left + w * (0.34 + index * 0.06)
            draw.line(
                (x, top + h * 0.16 + index * h * 0.05, x + w * 0.05, top + h * 0.2 + index * h * 0.05),
                fill=edge,
                width=outline,
            )
    elif kind == "bottle":
        neck_w = w * 0.38
        cap_h = h * 0.22
        shoulder = top + cap_h + h * 0.08
        draw.rounded_rectangle(
            (left + (w - neck_w) / 2, top, right - (w - neck_w) / 2, top + cap_h), radius=neck_w * 0.25, fill=detail
        )
        draw.rectangle((left + w * 0.36, top + cap_h, right - w * 0.36, shoulder), fill=edge)
        draw.rounded_rectangle((left, shoulder, right, bottom), radius=w * 0.18, fill=body, outline=edge, width=outline)
        label_top = shoulder + (bottom - shoulder) * 0.35
        draw.rectangle(
            (left + w * 0.14, label_top, right - w * 0.14, label_top + (bottom - shoulder) * 0.22),
            fill=_shade(color, 1.6),
        )
    elif kind == "table":
        top_h = h * 0.08
        draw.rounded_rectangle(
            (left, top, right, top + top_h), radius=top_h / 2, fill=body, outline=edge, width=outline
        )
        leg_w = w * 0.08
        for x in (left + w * 0.1, right - w * 0.1 - leg_w):
            draw.rectangle((x, top + top_h, x + leg_w, bottom), fill=body, outline=edge, width=outline)
        shelf_top = top + h * 0.62
        draw.rectangle(
            (left + w * 0.1, shelf_top, right - w * 0.1, shelf_top + top_h * 0.8),
            fill=body,
            outline=edge,
            width=outline,
        )
    elif kind == "jewel":
        chain = max(3, round(w * 0.03))
        cx, r = (left + right) / 2, min(w, h * 0.62) / 2
        cy = bottom - r
        draw.line((left + chain, top, cx, cy - r * 0.6), fill=detail, width=chain)
        draw.line((right - chain, top, cx, cy - r * 0.6), fill=detail, width=chain)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=body, outline=edge, width=outline)
        draw.ellipse((cx - r * 0.35, cy - r * 1.1, cx + r * 1.15, cy + r * 0.5), fill=background)
    elif kind == "sock":
        leg = [(left + w * 0.1, top), (left + w * 0.6, top), (left + w * 0.6, top + h * 0.6)]
        foot = [(right, top + h * 0.78), (right, bottom), (left + w * 0.2, bottom), (left + w * 0.1, top + h * 0.7)]
        draw.polygon(leg + foot, fill=body, outline=edge, width=outline)
        draw.rectangle((left + w * 0.1, top, left + w * 0.6, top + h * 0.1), fill=edge)
    elif kind == "textile":
        draw.rectangle((left, top, right, bottom), fill=body, outline=edge, width=outline)
        for index in range(1, 5):
            x = left + w * index / 5
            draw.line((x, top, x + w * 0.03, bottom), fill=edge, width=outline)
    elif kind == "device":
        draw.rounded_rectangle((left, top, right, bottom), radius=w * 0.14, fill=body, outline=edge, width=outline)
        port_w, port_h = w * 0.34, h * 0.05
        for index in range(3):
            y = top + h * (0.22 + index * 0.12)
            draw.rounded_rectangle(
                (left + (w - port_w) / 2, y, right - (w - port_w) / 2, y + port_h), radius=port_h / 2, fill=detail
            )
    else:
        draw.rounded_rectangle(
            (left, top, right, bottom), radius=min(w, h) * 0.08, fill=body, outline=edge, width=outline
        )


def _scene_colors(job: ImageJob, product: str) -> tuple[str, str]:
    words = job.backdrop.lower()
    for word, colors in SCENE_WORDS.items():
        if word in words:
            backdrop, floor = colors
            break
    else:
        digest = hashlib.sha256(words.encode()).digest()
        hue = digest[0] / 255 * 360
        backdrop = _hsl_hex(hue, 0.18, 0.82)
        floor = _hsl_hex(hue, 0.16, 0.66)
    return _contrasting(backdrop, product), _contrasting(floor, product)


def _contrasting(scene: str, product: str) -> str:
    """Lighten or darken a scene colour until the product stands apart from it."""
    candidate = scene
    step = 0
    while delta_e_2000(candidate, product) < MIN_SCENE_CONTRAST and step < 10:
        step += 1
        factor = 1 + 0.12 * step if _luminance(product) < 0.5 else 1 - 0.1 * step
        candidate = rgb_hex(_shade(scene, factor))
    return candidate


def _luminance(color: str) -> float:
    r, g, b = hex_to_rgb(color)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def _hsl_hex(hue: float, saturation: float, lightness: float) -> str:
    c = (1 - abs(2 * lightness - 1)) * saturation
    x = c * (1 - abs((hue / 60) % 2 - 1))
    m = lightness - c / 2
    sector = int(hue // 60) % 6
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][sector]
    return rgb_hex((round((r + m) * 255), round((g + m) * 255), round((b + m) * 255)))


def _scene(job: ImageJob, product: str) -> tuple[Image.Image, tuple[int, int, int]]:
    backdrop, floor = _scene_colors(job, product)
    image = Image.new("RGB", (job.width, job.height), hex_to_rgb(backdrop))
    draw = ImageDraw.Draw(image)
    horizon = round(job.height * 0.7)
    draw.rectangle((0, horizon, job.width, job.height), fill=hex_to_rgb(floor))
    if "light" in job.backdrop.lower() or "window" in job.backdrop.lower() or "sunrise" in job.backdrop.lower():
        glow = _shade(backdrop, 1.25)
        draw.polygon(
            [(job.width * 0.7, 0), (job.width, 0), (job.width, horizon), (job.width * 0.82, horizon)],
            fill=glow,
        )
    return image, hex_to_rgb(backdrop)


def _draw_props(draw: ImageDraw.ImageDraw, job: ImageJob, box: tuple[int, int, int, int]) -> None:
    words = job.backdrop.lower()
    _, _, right, bottom = box
    x = right + job.width * 0.06
    for word, color in PROP_WORDS.items():
        if word not in words or x > job.width * 0.92:
            continue
        size = job.height * 0.16
        if word in ("orange", "cup"):
            draw.ellipse((x, bottom - size, x + size, bottom), fill=hex_to_rgb(color))
        else:
            draw.rectangle((x, bottom - size * 1.4, x + size * 1.3, bottom), fill=hex_to_rgb(color))
        x += size * 1.6
