"""Render the per-product review sheet and the run's review index with Jinja2.

Product pages embed downscaled JPEG previews as data URIs, so a page opened from
a download or an e-mail still shows its images; each preview links to the full
image beside the page.
"""

import base64
import io
import re
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from PIL import Image

from spec2listing.imaging.pixels import flatten
from spec2listing.models.consistency import ConsistencyReport
from spec2listing.models.copy import ProductCopy
from spec2listing.models.manifest import Manifest
from spec2listing.models.records import ProductRecord, RunRecord
from spec2listing.models.spec import ProductSpec

PREVIEW_SIDE = 480


def highlight_anchors(text: str, anchors: list[str]) -> Markup:
    """Escape text and wrap each occurrence of an anchor in <mark class="anchor">."""
    escaped = str(escape(text))
    for anchor in sorted(anchors, key=len, reverse=True):
        pattern = re.compile(re.escape(str(escape(anchor))), re.IGNORECASE)
        escaped = pattern.sub(lambda match: f'<mark class="anchor">{match.group(0)}</mark>', escaped)
    return Markup(escaped)  # noqa: S704 - built from escaped text only


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("spec2listing.review", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["highlight_anchors"] = highlight_anchors
    return environment


def preview_data_uri(data: bytes) -> str:
    """A small JPEG of an image as a data: URI."""
    image = flatten(Image.open(io.BytesIO(data)))
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_product_sheet(
    *,
    spec: ProductSpec,
    listing: ProductCopy,
    manifest: Manifest,
    report: ConsistencyReport,
    previews: dict[str, str],
) -> str:
    """Build review.html for one product; image links are relative to the page."""
    flags_by_image: dict[str, list[object]] = {}
    for flag in report.flags:
        flags_by_image.setdefault(flag.where, []).append(flag)
    checks_by_image: dict[str, list[object]] = {}
    for check in report.checks:
        checks_by_image.setdefault(check.where, []).append(check)
    template = _environment().get_template("product.html.j2")
    return template.render(
        spec=spec,
        listing=listing,
        manifest=manifest,
        report=report,
        previews=previews,
        flags_by_image=flags_by_image,
        checks_by_image=checks_by_image,
        prefix=f"runs/{manifest.run_id}/products/{manifest.sku}/",
    )


def render_run_index(run: RunRecord, products: list[ProductRecord]) -> str:
    """Build review/index.html: every product of the run, grouped by status."""
    order = {"NEEDS_REVIEW": 0, "FAILED": 1, "REJECTED": 2, "COMPLETE": 3}
    ordered = sorted(products, key=lambda record: (order.get(record.status.value, 9), record.sku))
    template = _environment().get_template("index.html.j2")
    return template.render(run=run, products=ordered)
