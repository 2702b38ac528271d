"""Render the per-product review sheet and the run's review index with Jinja2.

Product pages embed downscaled JPEG previews as data URIs, so a page opened from
a download or an e-mail still shows its images; each preview links to the full
image beside the page. The spec's reference photos are embedded the same way.
The sheet puts every flag next to the image or copy field it concerns, with what
the check held to its rule (a promise, a copy field, a phrase), the measured
values and the fix.
"""

import base64
import io
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from PIL import ExifTags, Image, ImageOps

from spec2listing.consistency.copy_text import plain_text
from spec2listing.consistency.engine import kind_of
from spec2listing.consistency.text_checks import joined_text
from spec2listing.consistency.vocabulary import written_forms
from spec2listing.copywriting.phrases import phrase_pattern, phrase_spans
from spec2listing.copywriting.platforms import LISTING_RULES, TEXT_RULES, FieldRule
from spec2listing.imaging.pixels import flatten, shrunk
from spec2listing.intake.parse import Rejection
from spec2listing.models.consistency import CheckResult, Claim, ClaimKind, ConsistencyReport, DriftFlag, score_text
from spec2listing.models.copy import ProductCopy
from spec2listing.models.manifest import ImageEntry, Manifest
from spec2listing.models.records import ProductRecord, ProductStatus, RunRecord
from spec2listing.models.spec import ProductSpec
from spec2listing.storage import keys
from spec2listing.types import code_point, mark_hidden

PREVIEW_SIDE = 480
# Reference photos are shown smaller than the images made from them, beside each other.
REFERENCE_SIDE = 200
# Claims that the ledger stores as normalized vocabulary terms, which copy may write otherwise.
_TERM_KINDS = (ClaimKind.MATERIAL, ClaimKind.COLOR, ClaimKind.PROPERTY)
# A longer product error in the run index shows this many characters, with an ellipsis, until it is opened.
ERROR_CHARACTERS = 300
STATUS_ORDER = (ProductStatus.NEEDS_REVIEW, ProductStatus.FAILED, ProductStatus.REJECTED, ProductStatus.COMPLETE)
# Statuses of the products a person must review or fix. The index of runs names up to SKUS_SHOWN such
# products of each run and links the run's review index for the rest.
TO_CHECK = (ProductStatus.NEEDS_REVIEW, ProductStatus.FAILED, ProductStatus.REJECTED)
SKUS_SHOWN = 5
# A minus sign that starts a word: a hyphen, U+2212 or an en dash after a space or bracket ("-20 °C", "(−5)").
_SIGN = r"(?<![^\s(\[])[-\u2212\u2013]"
# A word of a phrase, with the hyphen before it when that is a minus sign.
_WORD = re.compile(r"(?:(?<![^\s_/])-(?=\d))?[^\s_/-]+")
_FIELD_PATH = re.compile(
    r"^(title|short_description|description|bullets\[\d+\]|comparison_bullets\[\d+\]|platforms\.\S+)"
)


def highlight(
    text: str, anchors: list[str], drifted: list[str] | None = None, banned: list[str] | None = None
) -> Markup:
    """Escape text, mark anchors, unsupported claims and banned wording (<mark class="anchor|drift|banned">).

    Phrases are matched in the raw text and each piece is escaped on its own, so a
    phrase can never match inside an entity such as &#39; or &amp;. A phrase
    does not match inside a word or a number: "2" leaves "2.5" and "12" alone,
    and "20 °C" leaves "-20 °C" alone, while "-20 °C" is marked with its sign.
    """
    text = show_hidden(text)
    marks = [(phrase, "anchor") for phrase in anchors] + [(phrase, "drift") for phrase in drifted or []]
    marks = [(phrase, css) for phrase, css in marks if phrase.strip()]
    spans: list[tuple[int, int, str]] = []
    if marks:
        by_phrase = {_fold(phrase): css for phrase, css in marks}
        alternatives = [r"[\s_/-]+".join(map(re.escape, phrase.split())) for phrase in by_phrase]
        pattern = re.compile(
            r"(?<!\w)(?<!\d[.,])(?<!" + _SIGN + r")(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + r")"
            r"(?!\w)(?![.,]\d)",
            re.I,
        )
        spans += [(*match.span(), by_phrase.get(_fold(match.group(0)), "anchor")) for match in pattern.finditer(text)]
    # Banned wording is found as the check finds it: in other spellings, plurals and letter forms too.
    for phrase in banned or []:
        if phrase.strip():
            spans += [(*span, "banned") for span in phrase_spans(phrase_pattern(phrase), text)]
    if not spans:
        return escape(text)

    # Banned wording is marked first, because the reviewer must remove it even inside an anchor. The other
    # marks fill the text around it, longest first where two start together.
    chosen: list[tuple[int, int, str]] = []
    for start, end, css in sorted(spans, key=lambda span: (span[2] != "banned", span[0], -span[1])):
        if all(end <= taken_start or start >= taken_end for taken_start, taken_end, _ in chosen):
            chosen.append((start, end, css))
    pieces: list[str] = []
    position = 0
    for start, end, css in sorted(chosen):
        pieces.append(str(escape(text[position:start])))
        pieces.append(f'<mark class="{css}"{_MARK_TITLES.get(css, "")}>{escape(text[start:end])}</mark>')
        position = end
    pieces.append(str(escape(text[position:])))
    return Markup("".join(pieces))  # noqa: S704 - every piece of text is escaped above


_MARK_TITLES = {"drift": ' title="not stated by the spec"', "banned": ' title="banned or prohibited wording"'}


def drift_phrases(claims: list[Claim]) -> list[str]:
    """List the phrases to mark as drift: each unsupported claim as copy may write it."""
    phrases = []
    for claim in claims:
        if claim.supported:
            continue
        if claim.kind in _TERM_KINDS:
            # The ledger finds terms with a plural "s" or "es" too ("teals", "brushes").
            phrases += [form + ending for form in written_forms(claim.text) for ending in ("", "s", "es")]
        else:
            phrases.append(claim.text)
    return phrases


def _fold(text: str) -> str:
    """Lower-case a phrase and separate its words by single spaces, where hyphens and slashes separate words too.

    A minus sign that starts a word is kept ("-20 °C"), so a negative figure is matched with its sign.
    """
    return " ".join(_WORD.findall(text.lower()))


def show_hidden(text: str) -> str:
    """Write each invisible character of a text as its code point ("[U+202E]"), so that a reviewer can see it.

    A right-to-left override in copy would otherwise reorder what the sheet shows.
    """
    return mark_hidden(text, lambda character: f"[{code_point(character)}]")


def _finalize(value: object) -> object:
    """Show the invisible characters of every value a template writes; `highlight` has shown those of Markup."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return show_hidden(value)
    return value


def highlight_anchors(text: str, anchors: list[str]) -> Markup:
    """Escape text and wrap each occurrence of an anchor in <mark class="anchor">."""
    return highlight(text, anchors)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("spec2listing.review", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["highlight_anchors"] = highlight_anchors
    environment.filters["score"] = score_text
    environment.filters["percent"] = lambda value: f"{float(value):.1%}" if value is not None else ""
    return environment


def preview_data_uri(data: bytes) -> str:
    """A small JPEG of an image as a data: URI."""
    return _jpeg_data_uri(flatten(Image.open(io.BytesIO(data))), PREVIEW_SIDE)


def _jpeg_data_uri(image: Image.Image, side: int) -> str:
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@dataclass
class ReferencePhoto:
    """One of the spec's reference photos as the sheet shows it: its preview and size, or why it has none."""

    entry: str
    key: str | None = None
    preview: str | None = None
    width: int | None = None
    height: int | None = None
    problem: str | None = None


def reference_photo(entry: str, key: str, data: bytes) -> ReferencePhoto:
    """Describe a reference photo that decodes, with a preview turned upright by its EXIF orientation.

    Browsers show a photo upright too, so its width and height are given upright. A photo may have up to
    MAX_REFERENCE_PHOTO_PIXELS, so it is shrunk to the preview's size before anything copies it: a JPEG
    decodes at a reduced scale, and other formats are resized as decoded. Turning and flattening a 48
    megapixel cut-out at full size took over a gigabyte, more than FinalizeProduct has.
    """
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if image.getexif().get(ExifTags.Base.Orientation, 1) in _QUARTER_TURNS:
            width, height = height, width
        image.draft("RGB", (REFERENCE_SIDE, REFERENCE_SIDE))
        upright = flatten(ImageOps.exif_transpose(shrunk(image, REFERENCE_SIDE)))
    return ReferencePhoto(
        entry=entry, key=key, preview=_jpeg_data_uri(upright, REFERENCE_SIDE), width=width, height=height
    )


# EXIF orientations 5 to 8 turn the stored pixels by a quarter turn, swapping width and height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})


@dataclass
class ImageCard:
    """One image on the sheet: its preview, its flags, its checks and the headline measurements."""

    entry: ImageEntry
    preview: str | None
    flags: list[DriftFlag] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    dominant: str | None = None
    nearest: str | None = None
    delta_e: float | None = None
    fill: float | None = None
    white_share: float | None = None
    background: str | None = None
    longest_side: int | None = None
    share: float | None = None

    @property
    def unflagged_error(self) -> str | None:
        """Return the render error, unless a flag on the card already quotes it."""
        error = self.entry.error
        if error and any(error in flag.measured for flag in self.flags):
            return None
        return error


@dataclass
class CopyField:
    """One text field of the copy with its length, its limit and its flags.

    The length is in characters, or in bytes where the rule counts bytes. A
    byte limit on a list (Amazon's search terms) counts all of its items.
    """

    path: str
    label: str
    text: str
    limit: int | None = None
    length: int = 0
    unit: str = "characters"
    flags: list[DriftFlag] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.limit is not None and self.length > self.limit


def _measured(rule: FieldRule | None, text: str, items: list[str] | None) -> tuple[int | None, int, str]:
    """Give a field's limit, its length and the unit both are in, by the rule that applies to it."""
    if rule is not None and rule.max_bytes is not None:
        counted = joined_text(items if items is not None else text)
        return rule.max_bytes, len(counted.encode()), "bytes" if items is None else "bytes, all items"
    limit = None
    if rule is not None:
        limit = rule.item_max_chars if items is not None else rule.max_chars
    return limit, len(text), "characters"


def _flag_paths(flag: DriftFlag) -> list[str]:
    """Copy field paths a flag concerns: its `where`, split, plus the fields of a traced claim."""
    paths = [part.strip() for part in re.split(r",| and \d+ more", flag.where) if part.strip()]
    paths += [str(path) for path in flag.values.get("fields", [])]
    return [path for path in dict.fromkeys(paths) if _FIELD_PATH.match(path)]


def _image_cards(
    manifest: Manifest, report: ConsistencyReport, previews: dict[str, str], spec: ProductSpec
) -> tuple[list[ImageCard], set[int]]:
    """Build one card per image, with the flags about it: its own, and those about the variant it shows."""
    cards = []
    placed: set[int] = set()
    variant_paths = {variant.sku: f"variants[{index}]" for index, variant in enumerate(spec.variants)}
    for entry in manifest.images:
        card = ImageCard(entry=entry, preview=previews.get(entry.job_id))
        shown = {entry.job_id, variant_paths.get(entry.variant_sku or "")}
        for index, flag in enumerate(report.flags):
            if flag.where in shown:
                card.flags.append(flag)
                placed.add(index)
        card.checks = [check for check in report.checks if check.where == entry.job_id]
        for check in card.checks:
            values = check.measured
            card.dominant = values.get("dominant", card.dominant)
            card.nearest = values.get("nearest", card.nearest)
            card.delta_e = values.get("delta_e", card.delta_e)
            card.fill = values.get("fill", card.fill)
            card.white_share = values.get("white_share", card.white_share)
            card.background = values.get("background", card.background)
            card.longest_side = values.get("longest_side", card.longest_side)
            if check.check == "variant_color_present":
                card.share = values.get("share")
        cards.append(card)
    return cards, placed


def _copy_fields(listing: ProductCopy, report: ConsistencyReport, placed: set[int]) -> dict[str, list[CopyField]]:
    """Copy fields grouped by section ('Listing' and each platform), with their flags attached."""
    limits = {f"platforms.{rule.platform}.{rule.field}": rule for rule in TEXT_RULES}
    limits.update({rule.field: rule for rule in LISTING_RULES})
    sections: dict[str, list[CopyField]] = {"Listing": []}
    by_path: dict[str, CopyField] = {}

    def add(section: str, path: str, label: str, text: str, items: list[str] | None = None) -> None:
        limit, length, unit = _measured(limits.get(re.sub(r"\[\d+\]$", "", path)), text, items)
        entry = CopyField(path=path, label=label, text=text, limit=limit, length=length, unit=unit)
        sections.setdefault(section, []).append(entry)
        by_path[path] = entry

    add("Listing", "title", "Title", listing.title)
    add("Listing", "short_description", "Short description", listing.short_description)
    add("Listing", "description", "Description", listing.description)
    for index, bullet in enumerate(listing.bullets):
        add("Listing", f"bullets[{index}]", f"Bullet {index + 1}", bullet, listing.bullets)
    for index, bullet in enumerate(listing.comparison_bullets):
        add("Listing", f"comparison_bullets[{index}]", f"Comparison {index + 1}", bullet, listing.comparison_bullets)
    for platform, values in listing.platforms.model_dump(exclude_none=True).items():
        for name, value in values.items():
            base = f"platforms.{platform}.{name}"
            label = name.replace("_", " ").capitalize()
            if isinstance(value, list):
                items = [str(item) for item in value]
                for index, item in enumerate(items):
                    add(platform, f"{base}[{index}]", f"{label} {index + 1}", item, items)
            else:
                add(platform, base, label, plain_text(value) if name == "body_html" else str(value))

    for index, flag in enumerate(report.flags):
        for path in _flag_paths(flag):
            target = by_path.get(path) or by_path.get(re.sub(r"\[\d+\]$", "", path))
            if target is not None and flag not in target.flags:
                target.flags.append(flag)
                placed.add(index)
    return sections


def render_product_sheet(
    *,
    spec: ProductSpec,
    listing: ProductCopy,
    manifest: Manifest,
    report: ConsistencyReport,
    previews: dict[str, str],
    references: list[ReferencePhoto] | None = None,
) -> str:
    """Build review.html for one product; image links are relative to the page.

    `references` are the spec's reference photos, in the order the spec lists them.
    """
    cards, placed = _image_cards(manifest, report, previews, spec)
    sections = _copy_fields(listing, report, placed)
    drifted = drift_phrases(report.claims)
    banned = _banned_phrases(report)
    # An anchor the spec does not support is drift, marked red like other unsupported claims.
    unsupported = {claim.text for claim in report.claims if claim.kind == ClaimKind.ANCHOR and not claim.supported}
    anchors = [claim.text for claim in report.claims if claim.kind == ClaimKind.ANCHOR and claim.supported]
    anchors += [anchor for anchor in listing.visual_anchors if anchor not in anchors and anchor not in unsupported]
    other_flags = [flag for index, flag in enumerate(report.flags) if index not in placed]
    fields = {entry.path: entry for entries in sections.values() for entry in entries}
    flag_places = [(flag, _flag_places(flag, cards, fields, other_flags)) for flag in report.flags]
    # The link is relative to the sheet, which is in the product folder of the run that made it.
    sheet_folder = posixpath.dirname(keys.product_file(manifest.run_id, spec.sku, "review.html"))
    template = _environment().get_template("product.html.j2")
    return template.render(
        run_index=posixpath.relpath(keys.run_review_index(manifest.run_id), sheet_folder),
        references=references or [],
        spec=spec,
        listing=listing,
        manifest=manifest,
        report=report,
        cards=cards,
        sections=sections,
        other_flags=[(flag, places) for flag, places in flag_places if flag in other_flags],
        unsupported_anchors=unsupported,
        fix_items=_fix_items(flag_places),
        subject_label=lambda flag: kind_of(flag.kind).subject,
        mark=lambda text: highlight(text, anchors, drifted, banned),
    )


def _banned_phrases(report: ConsistencyReport) -> list[str]:
    """List the phrases flagged as banned by the brand guide or prohibited by a platform, to mark in the copy."""
    phrases = []
    for flag in report.flags:
        if flag.kind == "banned_phrase":
            phrases.append(flag.promised)
        elif flag.kind == "prohibited_term":
            phrases += [str(term) for term in flag.values.get("terms", [])]
    return phrases


@dataclass
class FlagPlace:
    """One place a flag names, and the id of the element on the sheet that shows it, where there is one."""

    text: str
    target: str | None = None


def _flag_places(
    flag: DriftFlag, cards: list[ImageCard], fields: dict[str, CopyField], other_flags: list[DriftFlag]
) -> list[FlagPlace]:
    """List the places a flag names, each linked to its image card, its copy field or the section that shows it.

    A flag about several copy fields names each field, and a variant without an image names the cards of
    the variant's image jobs, which show why each one failed. A place the sheet does not show is not linked.
    """
    for card in cards:
        if flag in card.flags:
            return [FlagPlace(flag.where, f"image-{card.entry.job_id}")]
    paths = _flag_paths(flag)
    if paths:
        return [FlagPlace(path, _field_target(path, fields)) for path in paths]
    if flag.kind == "variant_has_image":
        card_jobs = {card.entry.job_id for card in cards}
        jobs = [str(job) for job in flag.values.get("jobs", []) if str(job) in card_jobs]
        if jobs:
            return [FlagPlace(job, f"image-{job}") for job in jobs]
    return [FlagPlace(flag.where, "other-flags" if flag in other_flags else None)]


def _field_target(path: str, fields: dict[str, CopyField]) -> str | None:
    target = fields.get(path) or fields.get(re.sub(r"\[\d+\]$", "", path)) or fields.get(f"{path}[0]")
    return f"field-{target.path}" if target is not None else None


@dataclass
class FixItem:
    """One entry of the sheet's "What to fix": the flags of one kind that share their measured text and fix.

    A broken reference photo fails every image job with the same error, which the sheet lists once, with
    every place it applies to.
    """

    flags: list[DriftFlag]
    places: list[FlagPlace]

    @property
    def flag(self) -> DriftFlag:
        return self.flags[0]

    @property
    def subjects(self) -> list[str]:
        return list(dict.fromkeys(flag.promised for flag in self.flags))


def _fix_items(flag_places: list[tuple[DriftFlag, list[FlagPlace]]]) -> list[FixItem]:
    """Group flags whose kind, expectation, measured text and fix are the same, in the order they come."""
    items: dict[tuple[str, str, str, str], FixItem] = {}
    for flag, places in flag_places:
        item = items.setdefault((flag.kind, flag.expected, flag.measured, flag.fix), FixItem(flags=[], places=[]))
        item.flags.append(flag)
        item.places += [place for place in places if place not in item.places]
    return list(items.values())


def render_run_index(
    run: RunRecord, products: list[ProductRecord], file_rejections: list[Rejection] | None = None
) -> str:
    """Build review/index.html: every product of the run, grouped by status, those to review first.

    `file_rejections` are rejections without a SKU (a whole file, its header or its options), which have
    no product record; the index lists their reasons and links rejected/<run_id>/errors.json.
    """
    groups = []
    for status in STATUS_ORDER:
        members = sorted(
            (product for product in products if product.status == status),
            key=lambda record: (record.score if record.score is not None else 2.0, record.sku),
        )
        groups.append((status.value, members))
    template = _environment().get_template("index.html.j2")
    return template.render(
        run=run,
        groups=groups,
        total=len(products),
        file_rejections=file_rejections or [],
        errors_key=keys.rejected_errors(run.run_id),
        error_characters=ERROR_CHARACTERS,
        review_index=keys.run_review_index,
    )


def render_runs_index(runs: list[RunRecord], products: Mapping[str, list[ProductRecord]] | None = None) -> str:
    """Build the index of runs a local output folder holds, newest first, each linked to its review index.

    `products` maps run ids to their product records. For each run the index names the first SKUS_SHOWN
    products in a TO_CHECK status, by status and SKU, each linked to its review sheet or, when it was
    rejected, to its errors.
    """
    to_check = {
        run_id: sorted(
            (record for record in records if record.status in TO_CHECK),
            key=lambda record: (TO_CHECK.index(record.status), record.sku),
        )
        for run_id, records in (products or {}).items()
    }
    template = _environment().get_template("runs.html.j2")
    return template.render(
        to_check=to_check,
        skus_shown=SKUS_SHOWN,
        runs=sorted(runs, key=lambda run: run.started_at, reverse=True),
        statuses=[status.value for status in STATUS_ORDER],
        review_index=keys.run_review_index,
        errors_key=keys.rejected_errors,
    )
