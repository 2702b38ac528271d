"""The text fields of a listing's copy, each with its path, as the checks and the review sheet name them."""

import html
import re

from spec2listing.models.copy import ProductCopy

_TAG = re.compile(r"<[^>]+>")


def plain_text(markup: str) -> str:
    """Text of an HTML fragment: tags become spaces and entities are decoded."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def copy_fields(listing: ProductCopy) -> list[tuple[str, str]]:
    """Every text field of the copy with its path, such as 'bullets[2]' or 'platforms.amazon.title'."""
    fields = [
        ("title", listing.title),
        ("short_description", listing.short_description),
        ("description", listing.description),
    ]
    fields += [(f"bullets[{i}]", text) for i, text in enumerate(listing.bullets)]
    fields += [(f"comparison_bullets[{i}]", text) for i, text in enumerate(listing.comparison_bullets)]
    fields += [(f"visual_anchors[{i}]", text) for i, text in enumerate(listing.visual_anchors)]
    platforms = listing.platforms.model_dump(exclude_none=True)
    for platform, values in platforms.items():
        for name, value in values.items():
            if isinstance(value, str):
                fields.append((f"platforms.{platform}.{name}", value))
            elif isinstance(value, list):
                fields += [(f"platforms.{platform}.{name}[{i}]", str(item)) for i, item in enumerate(value)]
    return fields


def readable_fields(listing: ProductCopy) -> list[tuple[str, str]]:
    """The copy fields a shopper reads, with HTML reduced to its text; visual_anchors is metadata and left out."""
    return [
        (path, plain_text(text) if path.endswith("body_html") else text)
        for path, text in copy_fields(listing)
        if not path.startswith("visual_anchors")
    ]
