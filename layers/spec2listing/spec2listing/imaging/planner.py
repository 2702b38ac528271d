"""Turn a spec and its brand guide into image jobs.

A product gets one packshot (its first variant on seamless white, the marketplace
main image), one lifestyle scene per visual anchor of the spec (or one scene in the
spec's style when it names no anchor), and one image on white for every further colour
variant. Each job carries the anchors, mandatory elements and colour it must show,
so the checks can hold the image to them.

Prompts quote merchant text: each value from the spec or brand guide is put on
one line, and free text (anchors, elements, style, lighting, campaign, things
to avoid) goes inside double quotes, so no value can add a line or a sentence
that reads as the prompt's own. A double quote inside a value cannot end the
quotes: an inch mark ('15.6"') becomes the inch symbol, a double prime
("15.6″"), and any other double quote becomes a single one.
"""

import hashlib
import re

from spec2listing.copywriting.facts import category_leaf, display_name, join_words
from spec2listing.models.brand import BrandGuide
from spec2listing.models.jobs import ImageJob, ImageKind, ImagePlan, ImageQuality, ImageSize
from spec2listing.models.spec import Platform, ProductSpec, Variant

WHITE_BACKDROP = "white"
# A double quote right after a digit, which is an inch mark ('27" monitor', '12"x12"'), as the claims ledger reads it.
_INCH_MARK = re.compile(r'(?<=\d)"')


def plan_images(
    spec: ProductSpec,
    brand: BrandGuide | None,
    *,
    size: ImageSize = "1024x1024",
    lifestyle_size: ImageSize = "1536x1024",
    quality: ImageQuality = "medium",
) -> ImagePlan:
    mandatory = _mandatory_elements(spec, brand)
    references = list(spec.reference_photos)
    variants: list[Variant | None] = list(spec.variants) or [None]
    main = variants[0]

    jobs = [
        ImageJob(
            job_id="packshot",
            kind=ImageKind.PACKSHOT,
            prompt=_packshot_prompt(spec, main, mandatory),
            size=size,
            quality=quality,
            backdrop=WHITE_BACKDROP,
            mandatory_elements=mandatory,
            reference_images=references,
            platforms=_main_image_platforms(spec),
            **_variant_fields(main),
        )
    ]

    # Scenes come from the spec's anchors, not the copy's: regenerated copy may word them
    # differently, and the image cache would then render every scene again.
    scenes: list[str | None] = list(spec.visual.anchors) or [None]
    # Scenes are wide for the storefronts and social posts. A listing for Amazon alone shows them among its
    # further images, which Amazon wants square like the main one, so they are drawn at the packshot's size.
    scene_platforms = [p.value for p in spec.targets if p != Platform.AMAZON]
    scene_size = lifestyle_size
    if not scene_platforms:
        scene_platforms, scene_size = [Platform.AMAZON.value], size
    for index, anchor in enumerate(scenes, start=1):
        jobs.append(
            ImageJob(
                job_id=f"lifestyle-{index}",
                kind=ImageKind.LIFESTYLE,
                prompt=_lifestyle_prompt(spec, main, anchor, mandatory, brand),
                size=scene_size,
                quality=quality,
                backdrop=anchor or (spec.visual.style or "lifestyle scene"),
                anchors=[anchor] if anchor else [],
                mandatory_elements=mandatory,
                reference_images=references,
                platforms=scene_platforms,
                **_variant_fields(main),
            )
        )

    for variant in spec.variants[1:]:
        jobs.append(
            ImageJob(
                job_id=variant_job_id(variant.sku),
                kind=ImageKind.VARIANT,
                prompt=_packshot_prompt(spec, variant, mandatory),
                size=size,
                quality=quality,
                backdrop=WHITE_BACKDROP,
                mandatory_elements=mandatory,
                reference_images=references,
                platforms=[p.value for p in spec.targets],
                **_variant_fields(variant),
            )
        )
    return ImagePlan(sku=spec.sku, jobs=jobs)


def _mandatory_elements(spec: ProductSpec, brand: BrandGuide | None) -> list[str]:
    elements = list(spec.visual.mandatory_elements)
    for element in brand.visual.mandatory_elements if brand else []:
        if element not in elements:
            elements.append(element)
    return elements


def _main_image_platforms(spec: ProductSpec) -> list[str]:
    return [platform.value for platform in spec.targets]


def _variant_fields(variant: Variant | None) -> dict[str, str | None]:
    if variant is None:
        return {}
    return {"variant_sku": variant.sku, "color": variant.color, "color_hex": variant.color_hex}


def one_line(text: str) -> str:
    """Return `text` with every run of whitespace, line breaks included, as one space."""
    return " ".join(text.split())


def quoted(text: str) -> str:
    """Return `text` on one line between double quotes, with no double quote inside that could end them.

    An inch mark becomes a double prime (″), the inch symbol. A single quote in its place would be a foot mark,
    so "15.6'" would ask for 15.6 feet. Any other double quote becomes a single one.
    """
    inside = _INCH_MARK.sub("″", one_line(text)).replace('"', "'")
    return f'"{inside}"'


def _quoted_list(items: list[str], last: str = "and") -> str:
    return join_words([quoted(item) for item in items], last=last)


def _product_phrase(spec: ProductSpec, variant: Variant | None) -> str:
    """Name the product, its kind and its variant, each value quoted, since all of them are the merchant's text.

    The kind, the last level of the category, names for the image model what the object
    is: a mug and a bowl of one collection share brand, name, colour and material,
    and would otherwise get one prompt, and so one cached image. The levels above it
    are left out, so moving a category in the taxonomy renders nothing again.
    """
    phrase = f"product {quoted(display_name(spec))} (category {quoted(category_leaf(spec))})"
    if variant is not None:
        finish = f", finish {quoted(variant.finish)}" if variant.finish else ""
        material = f", material {quoted(variant.material)}" if variant.material else ""
        phrase += f" in the colour {quoted(variant.color)} ({variant.color_hex}){finish}{material}"
    return phrase


def _packshot_prompt(spec: ProductSpec, variant: Variant | None, mandatory: list[str]) -> str:
    lines = [
        f"Studio packshot of the {_product_phrase(spec, variant)}.",
        "Seamless pure white background (RGB 255,255,255) to every edge, no shadow on the background.",
        "The product is centred and fills at least 85% of the frame.",
    ]
    if spec.materials:
        lines.append(f"Materials visible: {_quoted_list(spec.materials)}.")
    if mandatory:
        lines.append(f"Must show: {_quoted_list(mandatory)}.")
    lines.append("No text, no watermark, no props, no people.")
    return " ".join(lines)


def _lifestyle_prompt(
    spec: ProductSpec,
    variant: Variant | None,
    anchor: str | None,
    mandatory: list[str],
    brand: BrandGuide | None,
) -> str:
    scene = f"the product in the scene {quoted(anchor)}" if anchor else "the product in use"
    lines = [f"Lifestyle photograph of the {_product_phrase(spec, variant)}, {scene}."]
    if spec.visual.style:
        lines.append(f"Style: {quoted(spec.visual.style)}.")
    if brand and brand.visual.lighting:
        lines.append(f"Lighting: {quoted(brand.visual.lighting)}.")
    if brand and brand.visual.palette:
        lines.append(f"Brand palette: {', '.join(brand.visual.palette)}.")
    if mandatory:
        lines.append(f"Must show: {_quoted_list(mandatory)}.")
    if spec.campaign:
        lines.append(f"Campaign mood: {quoted(spec.campaign)}.")
    avoid = [quoted(item) for item in brand.visual.forbidden] if brand else []
    avoid.append("text or watermarks")
    lines.append(f"Avoid: {join_words(avoid, last='or')}.")
    return " ".join(lines)


def variant_job_id(sku: str) -> str:
    """Name a variant's image job after its SKU, stable across runs and unique within a spec.

    The id feeds image file names, so the SKU is slugged. Variant SKUs are unique
    ignoring case, but '.', '_' and runs of separators all slug to '-': a SKU the slug
    changes beyond case ('V_1', 'V.1') gets the first 8 hex digits of its SHA-256 appended,
    and so does a SKU whose slug already ends that way, which could otherwise be another SKU's slug.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", sku.lower()).strip("-")
    if slug != sku.lower() or re.search(r"-[0-9a-f]{8}$", slug):
        slug += "-" + hashlib.sha256(sku.encode("utf-8")).hexdigest()[:8]
    return f"variant-{slug}"
