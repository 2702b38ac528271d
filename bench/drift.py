"""Measure how well the consistency checks find drift: precision and recall per drift kind.

For every product in the given spec files or folders (default: examples/ and
bench/specs/, whose honest hard cases include white and near-black variants,
false spec entries, sizes, model numbers, negative and three-decimal figures),
the offline providers write the copy, plan the images and render them. Each product
becomes clean samples (the flat offline renders, and the same renders made
photographic: shading across the product, sensor noise, a slight blur and JPEG
encoding) and drifted samples, each a copy of a clean one with one drift of a
known kind injected:

  wrong_colour         a packshot or variant image shows the product at least CIEDE2000 20 away
                       from its variant colour (white included)
  wrong_colour_scene   the same in a lifestyle scene (reported, no target: see below)
  grey_background      a white-background image on uniform grey or cream
  shadowed_background  a floor shadow, cast shadow or vignette reaching the image edge
  small_product        the product shrunk to 44-79% of the frame
  missing_anchor       an anchor dropped from the image plan or the copy, or one invented by the copy
  invented_number      a sentence with a figure no spec field states, by the bench's own reading
                       of the spec; a quarter reuse a spec number in another sense (a count,
                       a size, a model number, another dimension)
  banned_phrase        a brand-banned phrase or marketplace-prohibited wording in the copy
  over_long_title      a platform title over its character limit

Every sample runs through check_product with the offline vision checker, as an
offline pipeline run does. A sample counts as detected for a kind when a flag
of that kind's checks is raised. Precision and recall are computed per kind
over all samples, clean ones included. The script prints the figures of this
run and exits 1 when a targeted kind misses 0.95 on either.

wrong_colour_scene has no target. In a scene, pixels can only find the variant
colour apart from the backdrop, and when the backdrop has that colour itself
(a white charger on a white marble desk) the check is left to the vision model
and not scored, so such a drift goes unseen offline.

    .venv/bin/python bench/drift.py [PATH ...] [--per-kind N] [--clean N] [--seed N]
"""

import argparse
import io
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from spec2listing.consistency.engine import check_product
from spec2listing.copywriting.facts import category_leaf, display_name
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.copywriting.platforms import TEXT_RULES
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.errors import FieldError
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.offline_vision import OfflineVisionChecker
from spec2listing.imaging.pixels import delta_e_2000, rgb_hex
from spec2listing.imaging.planner import plan_images
from spec2listing.intake import parse_upload
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import ConsistencyReport
from spec2listing.models.copy import ProductCopy
from spec2listing.models.jobs import ImageJob, ImageKind, ImagePlan
from spec2listing.models.spec import ProductSpec
from spec2listing.models.tasks import RenderResult
from spec2listing.pipeline.intake import resolve_brand

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.95
KINDS = (
    "wrong_colour",
    "wrong_colour_scene",
    "grey_background",
    "shadowed_background",
    "small_product",
    "missing_anchor",
    "invented_number",
    "banned_phrase",
    "over_long_title",
)
UNTARGETED = {"wrong_colour_scene"}
# The checks whose flags count as detecting each kind; for the two colour kinds, on the drifted image's own kind.
KIND_CHECKS = {
    "wrong_colour": {"variant_color", "vision_color"},
    "wrong_colour_scene": {"variant_color_present", "vision_color"},
    "grey_background": {"background_white"},
    "shadowed_background": {"background_clean"},
    "small_product": {"product_fill"},
    "missing_anchor": {"anchor_covered", "anchor_promised", "anchor_traced", "vision_anchor"},
    "invented_number": {"number_traced"},
    "banned_phrase": {"banned_phrase", "prohibited_term"},
    "over_long_title": {"text_length"},
}
TITLE_FIELD = re.compile(r"\.(title|seo_title)$")
WRONG_COLOUR_MIN_DELTA_E = 20.0
# Named colours a drifted render may come out in, besides the product's other variants.
OTHER_COLOURS = (
    "#C0392B",
    "#2E86C1",
    "#F1C40F",
    "#27AE60",
    "#8E44AD",
    "#1C1C1C",
    "#E67E22",
    "#7B7D7D",
    "#F5CBA7",
    "#FFFFFF",
)


@dataclass
class Product:
    """One product's clean offline output: spec, copy, plan and flat renders."""

    spec: ProductSpec
    brand: BrandGuide | None
    listing: ProductCopy
    plan: ImagePlan
    flat: dict[str, bytes]


@dataclass
class Sample:
    """A product output to check, labelled with the drift injected into it (None when clean)."""

    product: Product
    label: str | None
    note: str
    listing: ProductCopy
    plan: ImagePlan
    images: dict[str, bytes]
    effect_seed: int | None = None
    flat: dict[str, bytes] = field(default_factory=dict)


def load_products(paths: list[Path]) -> list[Product]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.iterdir() if p.suffix in (".json", ".csv")) if path.is_dir() else [path]
    products = []
    for file in files:
        upload = parse_upload(file.name, file.read_bytes())
        for _, spec in upload.specs:
            brand = resolve_brand(spec, _brand_loader(file.parent / "brands"))
            if isinstance(brand, FieldError):
                raise SystemExit(f"{file}: {brand.message}")
            listing = OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing
            plan = plan_images(spec, brand)
            renderer = OfflineRenderer()
            flat = {job.job_id: renderer.render(job, spec, [], ledger=MemoryLedger()).data for job in plan.jobs}
            products.append(Product(spec, brand, listing, plan, flat))
    return products


def _brand_loader(folder: Path) -> Callable[[str], BrandGuide | FieldError]:
    def load(name: str) -> BrandGuide | FieldError:
        path = folder / f"{name}.json"
        if not path.is_file():
            return FieldError(file=name, path="brand_guide", message=f"{path} not found", value=name, expected="")
        return BrandGuide.model_validate_json(path.read_text(encoding="utf-8"))

    return load


# --- pixels -----------------------------------------------------------------------------------------------


def _array(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(np.float32)


def _png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def _product_mask(array: np.ndarray) -> np.ndarray:
    return np.any(array < 250, axis=2)


def photographic(data: bytes, job: ImageJob, seed: int, mask: np.ndarray) -> bytes:
    """Shade the product (`mask`) across the frame, add sensor noise and blur, and encode as JPEG."""
    rng = np.random.default_rng(seed)
    array = _array(data)
    height, width = array.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width]
    ramp = np.cos(angle) * (xs / width - 0.5) + np.sin(angle) * (ys / height - 0.5)
    light = 1.0 + ramp * rng.uniform(0.1, 0.25)
    noise = rng.normal(0, rng.uniform(1.0, 3.0), array.shape)
    if job.kind == ImageKind.LIFESTYLE:
        array = array * light[..., None] + noise
    else:
        array = np.where(mask[..., None], array * light[..., None] + noise, array)
    image = Image.fromarray(np.clip(array, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.7))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=int(rng.integers(82, 96)))
    return buffer.getvalue()


def grey_background(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    array = _array(data)
    level = rng.randint(222, 246)
    tone = rng.choice([(level, level, level), (level + 6, level + 2, level - 8), (level - 3, level, level + 4)])
    tone = tuple(min(249, value) for value in tone)
    background = ~_product_mask(array)
    array[background] = tone
    return _png(array), f"background {rgb_hex(tone)}"


def shadowed_background(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    array = _array(data)
    height, width = array.shape[:2]
    mask = _product_mask(array)
    rows, cols = np.nonzero(mask)
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    shade = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(shade)
    shape = rng.choice(["floor", "cast", "vignette"])
    if shape == "floor":
        spread = (right - left) * rng.uniform(0.55, 0.75)
        centre = (left + right) / 2 + rng.uniform(-0.1, 0.1) * width
        draw.ellipse((centre - spread, bottom - height * 0.05, centre + spread, height + height * 0.06), fill=255)
    elif shape == "cast":
        side = rng.choice([-1, 1])
        base_x = right if side > 0 else left
        far_x = width * 1.1 if side > 0 else -width * 0.1
        draw.polygon(
            [(base_x, bottom), (base_x, top + (bottom - top) * 0.4), (far_x, bottom - height * 0.1), (far_x, height)],
            fill=255,
        )
    else:
        ys, xs = np.mgrid[0:height, 0:width]
        distance = np.hypot((xs - width / 2) / (width / 2), (ys - height / 2) / (height / 2))
        shade = Image.fromarray((np.clip((distance - 0.85) / 0.55, 0, 1) * 255).astype(np.uint8))
    blur = rng.uniform(8, 24)
    alpha = np.asarray(shade.filter(ImageFilter.GaussianBlur(blur))).astype(np.float32) / 255
    strength = rng.uniform(0.12, 0.4)
    darken = 1 - strength * alpha * ~mask
    return _png(array * darken[..., None]), f"{shape} shadow, strength {strength:.2f}"


def small_product(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    scale = rng.uniform(0.5, 0.9)
    small = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", image.size, (255, 255, 255))
    slack_x, slack_y = image.width - small.width, image.height - small.height
    canvas.paste(small, (round(slack_x * rng.uniform(0.3, 0.7)), round(slack_y * rng.uniform(0.3, 0.7))))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue(), f"scaled to {scale:.2f}"


def wrong_colour(product: Product, job: ImageJob, rng: random.Random) -> tuple[bytes, str]:
    target = job.color_hex or "#7A7F86"
    candidates = [variant.color_hex for variant in product.spec.variants] + list(OTHER_COLOURS)
    candidates = [colour for colour in candidates if delta_e_2000(colour, target) >= WRONG_COLOUR_MIN_DELTA_E]
    colour = rng.choice(candidates)
    drifted = job.model_copy(update={"color_hex": colour})
    data = OfflineRenderer().render(drifted, product.spec, [], ledger=MemoryLedger()).data
    return data, f"rendered {colour} for {target} (CIEDE2000 {delta_e_2000(colour, target):.1f})"


# --- copy and plan ----------------------------------------------------------------------------------------


def _set_field(listing: ProductCopy, path: str, text: str) -> ProductCopy:
    """Return a copy of the listing with one field, by its copy path, replaced."""
    data = listing.model_dump()
    node: object = data
    parts = re.findall(r"[a-z_]+|\[\d+\]", path)
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]  # type: ignore[index]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = text  # type: ignore[index]
    else:
        node[last] = text  # type: ignore[index]
    return ProductCopy.model_validate(data)


def _get_field(listing: ProductCopy, path: str) -> str:
    node: object = listing.model_dump()
    for part in re.findall(r"[a-z_]+|\[\d+\]", path):
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]  # type: ignore[index]
    return str(node)


def _prose_fields(listing: ProductCopy) -> list[str]:
    """Copy fields a sentence can be added to without crossing a platform limit."""
    paths = ["description"] + [f"bullets[{i}]" for i in range(len(listing.bullets))]
    paths += [f"comparison_bullets[{i}]" for i in range(len(listing.comparison_bullets))]
    if listing.platforms.amazon:
        paths += [f"platforms.amazon.bullets[{i}]" for i in range(len(listing.platforms.amazon.bullets))]
    if listing.platforms.google_merchant:
        paths.append("platforms.google_merchant.description")
    if listing.platforms.instagram:
        paths.append("platforms.instagram.caption")
    return [path for path in paths if len(_get_field(listing, path)) < 400]


_NUMBER_SENTENCES = (
    ("Weighs just {n} g.", "g", (40, 900)),
    ("Tested for {n} hours of hard use.", "h", (20, 2000)),
    ("Up to {n}% lighter than the previous model.", "%", (5, 60)),
    ("Holds up to {n} kg.", "kg", (2, 150)),
    ("Measures {n} cm across.", "cm", (3, 180)),
    ("Ready in {n} minutes.", "min", (2, 90)),
    ("Lasts {n} years with normal care.", "year", (2, 25)),
    ("Rated by over {n} customers.", None, (300, 9000)),
)


# The bench's own reading of units, kept apart from the checker's so that the labels do not follow from the
# code under test: unit -> (dimension, factor to the dimension's base unit).
_TRUTH_UNITS = {
    "g": ("mass", 1.0),
    "kg": ("mass", 1000.0),
    "oz": ("mass", 28.349523125),
    "lb": ("mass", 453.59237),
    "mm": ("length", 1.0),
    "cm": ("length", 10.0),
    "m": ("length", 1000.0),
    "min": ("time", 60.0),
    "minutes": ("time", 60.0),
    "h": ("time", 3600.0),
    "hours": ("time", 3600.0),
    "year": ("time", 31557600.0),
    "years": ("time", 31557600.0),
    "%": ("percent", 1.0),
    "ml": ("volume", 1.0),
    "l": ("volume", 1000.0),
}
_TRUTH_FIGURE = re.compile(
    r"(-?\d+(?:\.\d+)?)\s*(" + "|".join(sorted(map(re.escape, _TRUTH_UNITS), key=len, reverse=True)) + r")?(?![\w])"
)
# A stated figure within this relative distance of a spec figure of its dimension is not labelled invented.
_TRUTH_MARGIN = 0.05


def spec_figures(spec: ProductSpec) -> list[tuple[float, str | None]]:
    """List the spec's figures as (value in the base unit, dimension), dimension None for plain counts.

    Numbers in a mapping with a `unit` entry, or under a key ending in a unit
    (`weight_kg`), carry that unit. Numbers in text carry the unit written after them.
    """
    found: list[tuple[float, str | None]] = []

    def add(value: float, unit: str | None) -> None:
        dimension, factor = _TRUTH_UNITS.get((unit or "").lower(), (None, 1.0))
        found.append((value * factor, dimension))

    def walk(node: object, unit: str | None) -> None:
        if isinstance(node, dict):
            inner = node.get("unit") if isinstance(node.get("unit"), str) else unit
            for key, value in node.items():
                suffix = str(key).rsplit("_", 1)[-1].lower()
                walk(value, suffix if suffix in _TRUTH_UNITS else inner)
        elif isinstance(node, list):
            for item in node:
                walk(item, unit)
        elif isinstance(node, bool):
            return
        elif isinstance(node, (int, float)):
            add(float(node), unit)
        elif isinstance(node, str):
            for number, written in _TRUTH_FIGURE.findall(node):
                add(float(number), written or None)

    walk(spec.model_dump(mode="json", exclude={"sku", "variants", "reference_photos"}), None)
    return found


def stated_by_spec(value: float, unit: str | None, figures: list[tuple[float, str | None]]) -> bool:
    """Tell whether the spec states a figure close to value: in the same dimension, or any figure for a count."""
    if unit is None:
        return any(abs(figure - value) <= _TRUTH_MARGIN * max(abs(value), 1.0) for figure, _ in figures)
    dimension, factor = _TRUTH_UNITS[unit]
    base = value * factor
    return any(
        kind == dimension and abs(figure - base) <= _TRUTH_MARGIN * max(abs(base), 1e-9) for figure, kind in figures
    )


def invented_number(product: Product, listing: ProductCopy, rng: random.Random) -> tuple[ProductCopy, str]:
    """Add a sentence with a figure the spec does not state, by the bench's own reading of the spec.

    A quarter of the figures reuse a number the spec has in another sense (a count, a size, a model
    number, a measure of another dimension), the case a loose matcher lets through.
    """
    template, unit, (low, high) = rng.choice(_NUMBER_SENTENCES)
    figures = spec_figures(product.spec)
    spec_numbers = [float(number) for number, _ in _TRUTH_FIGURE.findall(product.spec.model_dump_json())]
    spec_numbers = [number for number in spec_numbers if 0 < number < 100000]
    reuse = unit is not None and spec_numbers and rng.random() < 0.25
    for _ in range(200):
        value = rng.choice(spec_numbers) if reuse else float(rng.randint(low, high))
        if not stated_by_spec(value, unit, figures):
            break
    else:
        raise RuntimeError(f"no unsupported figure found for {product.spec.sku}")
    path = rng.choice(_prose_fields(listing))
    sentence = template.format(n=f"{value:g}")
    return _set_field(listing, path, f"{_get_field(listing, path)} {sentence}"), f"{path}: {sentence}"


def banned_phrase(product: Product, listing: ProductCopy, rng: random.Random) -> tuple[ProductCopy, str] | None:
    options: list[tuple[str, str]] = []
    for phrase in product.brand.voice.banned_phrases if product.brand else []:
        options += [(path, f"Simply {phrase}.") for path in _prose_fields(listing)]
    promotional = ("Free shipping on every order.", "Buy now while stocks last.", "Limited time discount.")
    if listing.platforms.amazon:
        for index in range(len(listing.platforms.amazon.bullets)):
            options += [(f"platforms.amazon.bullets[{index}]", sentence) for sentence in promotional]
    if listing.platforms.google_merchant:
        options += [("platforms.google_merchant.description", sentence) for sentence in promotional]
    if not options:
        return None
    path, sentence = rng.choice(options)
    return _set_field(listing, path, f"{_get_field(listing, path)} {sentence}"), f"{path}: {sentence}"


def over_long_title(product: Product, listing: ProductCopy, rng: random.Random) -> tuple[ProductCopy, str] | None:
    fields = [
        (f"platforms.{rule.platform}.{rule.field}", rule.max_chars)
        for rule in TEXT_RULES
        if TITLE_FIELD.search(f".{rule.field}") and rule.max_chars and getattr(listing.platforms, rule.platform)
    ]
    if not fields:
        return None
    path, limit = rng.choice(fields)
    spec = product.spec
    words = [display_name(spec), category_leaf(spec), *spec.materials[:2], *spec.colors]
    text = ""
    while len(text) <= limit + 60:
        text = f"{text} {rng.choice(words)}".strip()
    assert limit is not None
    length = rng.randint(limit + 1, limit + 60)
    cut = text[: text.index(" ", length)] if " " in text[length:] else text
    return _set_field(listing, path, cut), f"{path}: {len(cut)} characters, limit {limit}"


def missing_anchor(product: Product, sample: Sample, rng: random.Random) -> tuple[ProductCopy, ImagePlan, str] | None:
    anchors = list(sample.listing.visual_anchors)
    if not anchors:
        return None
    mode = rng.choice(["plan", "copy", "invented"])
    anchor = rng.choice(anchors)
    if mode == "plan":
        jobs = []
        for job in sample.plan.jobs:
            if anchor in job.anchors:
                prompt = job.prompt.replace(anchor, "in a setting of the model's choosing")
                jobs.append(job.model_copy(update={"anchors": [], "prompt": prompt}))
            else:
                jobs.append(job)
        return sample.listing, sample.plan.model_copy(update={"jobs": jobs}), f"plan lost '{anchor}'"
    if mode == "copy":
        listing = sample.listing.model_copy(update={"visual_anchors": [a for a in anchors if a != anchor]})
        sentences = re.split(r"(?<=\.)\s+", listing.description)
        kept = " ".join(s for s in sentences if anchor.lower() not in s.lower())
        return listing.model_copy(update={"description": kept}), sample.plan, f"copy dropped '{anchor}'"
    invented = rng.choice(
        ["floating above a frozen waterfall", "on a neon-lit city rooftop", "held by a smiling chef in Rome"]
    )
    listing = sample.listing.model_copy(update={"visual_anchors": [*anchors, invented]})
    listing = listing.model_copy(update={"description": f"{listing.description} Pictured {invented}."})
    return listing, sample.plan, f"copy invented '{invented}'"


# --- samples ----------------------------------------------------------------------------------------------


def _images(product: Product, seed: int | None) -> dict[str, bytes]:
    """Build the product's clean images: the flat renders, or the same made photographic."""
    if seed is None:
        return dict(product.flat)
    return {
        job.job_id: photographic(
            product.flat[job.job_id], job, seed + index, _product_mask(_array(product.flat[job.job_id]))
        )
        for index, job in enumerate(product.plan.jobs)
    }


def clean_samples(product: Product, count: int, rng: random.Random) -> list[Sample]:
    samples = [Sample(product, None, "flat", product.listing, product.plan, dict(product.flat), None, product.flat)]
    for _ in range(count - 1):
        seed = rng.randrange(1 << 30)
        images = _images(product, seed)
        samples.append(Sample(product, None, f"photographic {seed}", product.listing, product.plan, images, seed))
        samples[-1].flat = product.flat
    return samples


def _pixel_drift(sample: Sample, job_id: str, data: bytes, label: str, note: str) -> Sample:
    """Copy the sample with one job's flat render replaced, made photographic like the rest."""
    flat = {**sample.flat, job_id: data}
    images = dict(sample.images)
    if sample.effect_seed is None:
        images[job_id] = data
    else:
        mask = _product_mask(_array(data if label == "small_product" else sample.product.flat[job_id]))
        index = [job.job_id for job in sample.product.plan.jobs].index(job_id)
        images[job_id] = photographic(data, sample.product.plan.job(job_id), sample.effect_seed + index, mask)
    return replace(sample, label=label, note=note, images=images, flat=flat)


def drifted_sample(kind: str, base: Sample, rng: random.Random) -> Sample | None:
    product = base.product
    on_white = [job for job in product.plan.jobs if job.kind != ImageKind.LIFESTYLE]
    if kind in ("wrong_colour", "wrong_colour_scene"):
        scene = kind == "wrong_colour_scene"
        jobs = [job for job in product.plan.jobs if job.color_hex and (job.kind == ImageKind.LIFESTYLE) == scene]
        if not jobs:
            return None
        job = rng.choice(jobs)
        data, note = wrong_colour(product, job, rng)
        return _pixel_drift(base, job.job_id, data, kind, f"{job.job_id}: {note}")
    if kind in ("grey_background", "shadowed_background", "small_product"):
        job = rng.choice(on_white)
        if kind == "small_product" and "amazon" not in job.platforms:
            return None
        transform = {
            "grey_background": grey_background,
            "shadowed_background": shadowed_background,
            "small_product": small_product,
        }[kind]
        data, note = transform(base.flat[job.job_id], rng)
        return _pixel_drift(base, job.job_id, data, kind, f"{job.job_id}: {note}")
    if kind == "missing_anchor":
        result = missing_anchor(product, base, rng)
        if result is None:
            return None
        listing, plan, note = result
        return replace(base, label=kind, note=note, listing=listing, plan=plan)
    edit = {"invented_number": invented_number, "banned_phrase": banned_phrase, "over_long_title": over_long_title}
    changed = edit[kind](product, base.listing, rng)
    if changed is None:
        return None
    listing, note = changed
    return replace(base, label=kind, note=note, listing=listing)


def check(sample: Sample) -> ConsistencyReport:
    vision = OfflineVisionChecker()
    renders = [RenderResult(job_id=job.job_id, image_key=f"{job.job_id}.png") for job in sample.plan.jobs]
    reports = {
        job.job_id: vision.check(sample.images[job.job_id], job, ledger=MemoryLedger()) for job in sample.plan.jobs
    }
    product = sample.product
    return check_product(
        spec=product.spec,
        brand=product.brand,
        listing=sample.listing,
        plan=sample.plan,
        renders=renders,
        images=sample.images,
        vision=reports,
    )


def detected(report: ConsistencyReport, plan: ImagePlan) -> set[str]:
    lifestyle = {job.job_id for job in plan.jobs if job.kind == ImageKind.LIFESTYLE}
    kinds = set()
    for flag in report.flags:
        for kind, checks in KIND_CHECKS.items():
            if flag.kind not in checks:
                continue
            if kind == "over_long_title" and not TITLE_FIELD.search(flag.where):
                continue
            if kind.startswith("wrong_colour") and (flag.where in lifestyle) != (kind == "wrong_colour_scene"):
                continue
            kinds.add(kind)
    return kinds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[ROOT / "examples", ROOT / "bench" / "specs"],
        help="spec files or folders (default: examples/ and bench/specs/)",
    )
    parser.add_argument("--per-kind", type=int, default=8, help="drifted samples per kind and product")
    parser.add_argument("--clean", type=int, default=4, help="clean samples per product (one flat, rest photographic)")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument("--verbose", action="store_true", help="list every missed or false detection")
    args = parser.parse_args()

    started = time.monotonic()
    rng = random.Random(args.seed)
    products = load_products(args.paths)
    samples: list[Sample] = []
    for product in products:
        bases = clean_samples(product, args.clean, rng)
        samples += bases
        for kind in KINDS:
            for _ in range(args.per_kind):
                drifted = drifted_sample(kind, rng.choice(bases), rng)
                if drifted is not None:
                    samples.append(drifted)

    counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    clean_flagged = 0
    problems = []
    for sample in samples:
        report = check(sample)
        found = detected(report, sample.plan)
        if sample.label is None and report.flags:
            clean_flagged += 1
            problems.append(f"clean {sample.product.spec.sku} {sample.note}: {[f.kind for f in report.flags]}")
        for kind in KINDS:
            if sample.label == kind:
                counts[kind]["tp" if kind in found else "fn"] += 1
                if kind not in found:
                    problems.append(f"missed {kind} {sample.product.spec.sku} {sample.note}")
            elif kind in found:
                counts[kind]["fp"] += 1
                problems.append(f"false {kind} on {sample.label or 'clean'} {sample.product.spec.sku} {sample.note}")

    elapsed = time.monotonic() - started
    clean_total = sum(1 for sample in samples if sample.label is None)
    print(f"drift bench: {len(products)} products, {len(samples)} samples ({clean_total} clean), seed {args.seed}")
    print(f"{'kind':<22}{'samples':>8}{'TP':>6}{'FP':>6}{'FN':>6}{'precision':>11}{'recall':>8}")
    failed = False
    for kind in KINDS:
        tp, fp, fn = counts[kind]["tp"], counts[kind]["fp"], counts[kind]["fn"]
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        if kind not in UNTARGETED:
            failed |= not (precision >= TARGET and recall >= TARGET)
        note = "  (no target)" if kind in UNTARGETED else ""
        print(f"{kind:<22}{tp + fn:>8}{tp:>6}{fp:>6}{fn:>6}{precision:>11.3f}{recall:>8.3f}{note}")
    print(f"clean samples with any flag: {clean_flagged} of {clean_total}")
    print(f"target: precision and recall >= {TARGET} on every targeted kind: {'missed' if failed else 'met'}")
    print(f"{elapsed:.1f} s, {elapsed / max(1, len(samples)) * 1000:.0f} ms a sample")
    if args.verbose:
        for line in problems:
            print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
