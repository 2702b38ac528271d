"""Offline copywriter: real copy assembled from the spec's own facts and the brand guide.

It states only what the spec says, so every number and material in its output
traces back to a spec field. Sentences that would carry a banned phrase are left out.
"""

import html
import re
import time
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from spec2listing.consistency.quantities import Quantity, agrees, find_quantities
from spec2listing.consistency.text_checks import hashtag_words
from spec2listing.consistency.units import unit_key
from spec2listing.copywriting.facts import (
    MATERIAL_LINKING_WORDS,
    category_leaf,
    dimensions_text,
    display_name,
    fit_sentences,
    join_words,
    material_head,
    sentence,
    spec_lines,
    variant_names,
    volume_text,
    weight_text,
)
from spec2listing.copywriting.phrases import phrase_found, phrase_pattern
from spec2listing.copywriting.platforms import AMAZON_FORBIDDEN_TITLE_CHARS, RULES, TEXT_RULES, fit, text_rule
from spec2listing.copywriting.promotional import promotional_terms
from spec2listing.costs.ledger import UsageLedger
from spec2listing.models.brand import BrandGuide
from spec2listing.models.copy import (
    AmazonCopy,
    GoogleMerchantCopy,
    InstagramCopy,
    PlatformCopy,
    ProductCopy,
    ShopifyCopy,
)
from spec2listing.models.records import Usage
from spec2listing.models.spec import Platform, ProductSpec
from spec2listing.providers import CopyDraft

BULLET_COUNT = 5
HEADLINE_MATERIAL_WORDS = 6
_SMALL_WORDS = MATERIAL_LINKING_WORDS | {"a", "an", "the", "of", "or", "to", "by"}


def _sentence_key(text: str) -> str:
    """Reduce a sentence to its words in lower case, so that "Weight: 640 g." and "weight: 640 g" are one."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _distinct(sentences: list[str]) -> list[str]:
    """Keep the first of sentences with the same words, such as a feature and a fact read from one table."""
    seen: set[str] = set()
    kept = []
    for text in sentences:
        key = _sentence_key(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return kept


def _whole_items(label: str, items: list[str], limit: int) -> str:
    """List items after a label in one sentence of at most `limit` characters, leaving out whole items.

    Cutting the list at a word boundary would end on part of a name ("Shade"), which names another colour.
    The rest is "and more", without a count, since a count would be a figure no spec field states.
    """
    text = sentence(f"{label}: {join_words(items)}")
    count = len(items)
    while len(text) > limit and count > 1:
        count -= 1
        text = sentence(f"{label}: {', '.join(items[:count])} and more")
    return text


class OfflineCopyWriter:
    """Deterministic copy from facts; costs nothing."""

    name = "offline"
    model = "offline-template-v1"
    endpoint: str | None = None

    def __init__(self, latency_seconds: float = 0.0) -> None:
        # Simulated provider latency for benchmarks; zero outside them.
        self.latency_seconds = latency_seconds

    def write(self, spec: ProductSpec, brand: BrandGuide | None, *, ledger: UsageLedger) -> CopyDraft:
        if self.latency_seconds:
            time.sleep(self.latency_seconds)
        banned = brand.voice.banned_phrases if brand else []
        allowed = _BannedFilter(banned)

        title = self._title(spec, allowed)
        description = self._description(spec, allowed)
        bullets = self._bullets(spec, allowed)
        marketplace_text = _MarketplaceText(description, bullets)
        if _MARKETPLACES.intersection(spec.targets):
            # Amazon and Merchant Center reject promotional wording, so their copy leaves out sentences of the
            # spec that carry it ("Our #1 best seller"), as the live copywriter's prompt asks of the model.
            marketplace = _BannedFilter(banned, promotional=True)
            marketplace_text = _MarketplaceText(self._description(spec, marketplace), self._bullets(spec, marketplace))
        listing = ProductCopy(
            title=title,
            short_description=fit_sentences(self._short_description(spec, allowed), 300),
            description=description,
            bullets=bullets,
            comparison_bullets=self._comparisons(spec, allowed),
            visual_anchors=list(spec.visual.anchors),
            platforms=self._platforms(spec, title, description, bullets, allowed, marketplace=marketplace_text),
        )
        ledger.record(Usage(step="copy", provider=self.name, model=self.model))
        return CopyDraft(listing=listing)

    def _title(self, spec: ProductSpec, allowed: "_BannedFilter") -> str:
        """Name the product with its material, size and colours; a detail that carries a banned phrase is left out.

        The name itself stays, banned phrase or not, since the listing cannot go without it.
        """
        parts = [display_name(spec)]
        details = []
        if spec.materials:
            material = _headline_material(spec.materials[0])
            if material:
                details.append(material)
        details = [detail for detail in details if allowed.keeps(detail) and not _named_in(detail, parts[0])]
        size = weight_text(spec) if spec.weight else volume_text(spec)
        if size and allowed.keeps(size) and not _name_states_size(spec, parts[0]):
            details.append(size.split(" (")[0])
        if details:
            parts.append(", ".join(details))
        shown = " ".join(parts)
        # Variants of one colour are named with their finish or material: "Navy / Navy matte". The colours are
        # left out only when the title names each one already as a whole word ("Navy Daypack"), since a list of
        # some of them reads as all there are ("Natural Cork Top" names no colour of the variant "Natural").
        names = [name for name in variant_names(spec) if allowed.keeps(name)]
        named = all(phrase_found(phrase_pattern(variant.color), shown) for variant in spec.variants)
        colors = [] if named else names
        if colors and len(spec.variants) <= 4:
            parts.append(" / ".join(colors))
        return fit(" – ".join(parts), RULES["amazon"].title_max)

    def _short_description(self, spec: ProductSpec, allowed: "_BannedFilter") -> str:
        """Use the summary, or the name and category when there is none or it carries a banned phrase."""
        candidates = [sentence(spec.summary)] if spec.summary else []
        candidates.append(sentence(f"{display_name(spec)}, {lower_words(category_leaf(spec))}"))
        return next((text for text in candidates if allowed.keeps(text)), display_name(spec))

    def _description(self, spec: ProductSpec, allowed: "_BannedFilter") -> str:
        paragraphs = []
        opening = [sentence(spec.summary)] if spec.summary else []
        if spec.materials:
            opening.append(sentence(f"Made from {join_words(spec.materials)}"))
        paragraphs.append(allowed.join(opening))

        if spec.features:
            paragraphs.append(allowed.join([sentence(feature) for feature in spec.features]))

        anchors = ""
        if spec.visual.anchors:
            anchors = allowed.join([sentence(f"Pictured {anchor}") for anchor in spec.visual.anchors])
            paragraphs.append(anchors)

        facts = []
        for label, value in (
            ("Dimensions", dimensions_text(spec)),
            ("Weight", weight_text(spec)),
            ("Volume", volume_text(spec)),
        ):
            if value:
                facts.append(f"{label}: {value}.")
        facts.extend(sentence(line) for line in spec_lines(spec))
        # A feature read from a spec table in the description ("Weight: 640 g") is stated once.
        said = {_sentence_key(feature) for feature in spec.features}
        facts = [fact for fact in _distinct(facts) if _sentence_key(fact) not in said]
        if facts:
            paragraphs.append(allowed.join(facts))

        if spec.variants:
            colors = join_words(variant_names(spec), last="or")
            paragraphs.append(allowed.join([sentence(f"Available in {colors}")]))
        if spec.audience and spec.audience.persona:
            paragraphs.append(allowed.join([sentence(f"Made for {_lower_first(spec.audience.persona)}")]))
        limit = text_rule("", "description").max_chars or len("\n\n".join(paragraphs))
        description = "\n\n".join(_within(paragraphs, limit, keep=anchors))
        # A spec with only a name, brand and price still gets a description: the short one.
        return description or self._short_description(spec, allowed)

    def _bullets(self, spec: ProductSpec, allowed: "_BannedFilter") -> list[str]:
        candidates = [sentence(feature) for feature in spec.features]
        if spec.summary:
            candidates.insert(0, sentence(spec.summary))
        if spec.materials:
            candidates.append(sentence(f"Materials: {join_words(spec.materials)}"))
        for label, value in (
            ("Size", dimensions_text(spec)),
            ("Weight", weight_text(spec)),
            ("Volume", volume_text(spec)),
        ):
            if value:
                candidates.append(f"{label}: {value}.")
        candidates.extend(sentence(line) for line in spec_lines(spec))
        if spec.variants:
            limit = RULES["amazon"].bullet_max or 500
            candidates.append(_whole_items("Colours", [variant.color for variant in spec.variants], limit))
        if spec.audience and spec.audience.persona:
            candidates.append(sentence(f"Made for {_lower_first(spec.audience.persona)}"))
        # Amazon wants at least one bullet, and a spec with only a name, brand and price gives none above.
        kept = [bullet for bullet in _distinct(candidates) if allowed.keeps(bullet)]
        bullets = kept or [self._short_description(spec, allowed)]
        return [fit(bullet, RULES["amazon"].bullet_max or 500) for bullet in bullets[:BULLET_COUNT]]

    def _comparisons(self, spec: ProductSpec, allowed: "_BannedFilter") -> list[str]:
        lines = []
        strength = _lower_first(spec.features[0]) if spec.features else _lower_first(spec.summary or spec.name)
        for competitor in spec.competitors:
            line = f"Compared with {competitor.product}"
            if competitor.positioning:
                line += f" ({_lower_first(competitor.positioning)})"
            line += f": {strength.rstrip('.')}"
            if competitor.price and competitor.price.currency == spec.price.currency:
                line += f"; {spec.price.format()} against {competitor.price.format()}"
            lines.append(sentence(line))
        return [line for line in lines if allowed.keeps(line)]

    def _platforms(
        self,
        spec: ProductSpec,
        title: str,
        description: str,
        bullets: list[str],
        allowed: "_BannedFilter",
        *,
        marketplace: "_MarketplaceText",
    ) -> PlatformCopy:
        platforms = PlatformCopy()
        if Platform.AMAZON in spec.targets:
            amazon_title = "".join(ch for ch in title if ch not in AMAZON_FORBIDDEN_TITLE_CHARS)
            amazon_description = marketplace.description.replace("\n\n", " ")
            platforms.amazon = AmazonCopy(
                title=fit(amazon_title, RULES["amazon"].title_max),
                bullets=marketplace.bullets,
                description=fit_sentences(amazon_description, RULES["amazon"].description_max or 2000),
                search_terms=_search_terms(spec, allowed),
            )
        if Platform.SHOPIFY in spec.targets:
            body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in description.split("\n\n"))
            body += "<ul>" + "".join(f"<li>{html.escape(bullet)}</li>" for bullet in bullets) + "</ul>"
            meta = spec.summary or description.split("\n\n", maxsplit=1)[0]
            platforms.shopify = ShopifyCopy(
                title=fit(display_name(spec), RULES["shopify"].title_max),
                body_html=body,
                seo_title=fit(_seo_title(spec, allowed), RULES["shopify"].seo_title_max or 70),
                meta_description=fit_sentences(allowed.join([sentence(meta)]) or display_name(spec), 160),
            )
        if Platform.INSTAGRAM in spec.targets:
            platforms.instagram = self._instagram(spec, allowed)
        if Platform.GOOGLE_MERCHANT in spec.targets:
            platforms.google_merchant = GoogleMerchantCopy(
                title=fit(title, RULES["google_merchant"].title_max),
                description=fit_sentences(
                    marketplace.description.replace("\n\n", " "), RULES["google_merchant"].description_max or 5000
                ),
            )
        return platforms

    def _instagram(self, spec: ProductSpec, allowed: "_BannedFilter") -> InstagramCopy:
        lines = [sentence(spec.summary or display_name(spec))]
        if spec.visual.anchors:
            lines.append(sentence(f"Shown {spec.visual.anchors[0]}"))
        if spec.variants:
            lines.append(sentence(f"In {join_words(variant_names(spec), last='or')}"))
        if spec.campaign:
            lines.append(sentence(f"Ready for {spec.campaign}"))
        hashtags = [tag for tag in _hashtags(spec) if allowed.keeps_tag(tag)]
        caption = allowed.join(lines) + "\n\n" + " ".join(hashtags)
        return InstagramCopy(caption=fit(caption, RULES["instagram"].caption_max or 2200), hashtags=hashtags)


# Platforms whose copy may carry no promotional wording: Amazon and Merchant Center.
_MARKETPLACES = frozenset(Platform(rule.platform) for rule in TEXT_RULES if rule.no_promotional)


# A paragraph that cannot keep this many characters is dropped rather than cut to a fragment.
MIN_PARAGRAPH_CHARS = 80


def _within(paragraphs: list[str], limit: int, *, keep: str) -> list[str]:
    """Shorten the longest paragraphs, other than `keep`, by whole sentences until they join within `limit`.

    A long summary and many features can pass the description's limit. The anchors paragraph (`keep`)
    stays whole, since the checks hold the description to naming every anchor.
    """
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    while (excess := len("\n\n".join(paragraphs)) - limit) > 0:
        others = [index for index, paragraph in enumerate(paragraphs) if paragraph != keep]
        if not others:
            break
        longest = max(others, key=lambda index: len(paragraphs[index]))
        target = len(paragraphs[longest]) - excess
        if target < MIN_PARAGRAPH_CHARS:
            del paragraphs[longest]
        else:
            paragraphs[longest] = fit_sentences(paragraphs[longest], target)
    return paragraphs


class _MarketplaceText(NamedTuple):
    """Description and bullets without promotional sentences, for Amazon and Merchant Center."""

    description: str
    bullets: list[str]


class _BannedFilter:
    """Drops sentences that contain a banned phrase, as the consistency check finds it or inside a word.

    With `promotional`, it drops those with promotional wording (copywriting.promotional) too.
    """

    def __init__(self, banned: list[str], *, promotional: bool = False) -> None:
        self._banned = [phrase.lower() for phrase in banned]
        self._patterns = [phrase_pattern(phrase) for phrase in banned]
        self._promotional = promotional

    def keeps(self, text: str) -> bool:
        lowered = text.lower()
        if any(phrase in lowered for phrase in self._banned):
            return False
        if self._promotional and promotional_terms(text):
            return False
        return not any(phrase_found(pattern, text) for pattern in self._patterns)

    def keeps_tag(self, tag: str) -> bool:
        """Tell whether a hashtag, which runs words together ("#BestSellerWeek"), carries no banned phrase."""
        return self.keeps(tag) and self.keeps(hashtag_words(tag))

    def join(self, sentences: list[str]) -> str:
        return " ".join(text for text in sentences if text and self.keeps(text))


def _seo_title(spec: ProductSpec, allowed: "_BannedFilter") -> str:
    name = display_name(spec)
    leaf = category_leaf(spec)
    if leaf.lower().rstrip("s") in name.lower() or not allowed.keeps(leaf):
        return name
    return f"{name} | {leaf}"


# The space between a figure and its unit, which names write or leave out ("300 ml", "300ml").
_FIGURE_UNIT_GAP = re.compile(r"(?<=\d)\s+(?=[^\W\d_])")


def _size_spellings(spec: ProductSpec) -> list[str]:
    """Write the spec's weight or volume as the title would and as the spec gives it ("1200 g", "1.2 kg").

    A fluid ounce is also written as names write it ("12 oz"), so that a name with it states the size.
    """
    measure = spec.weight or spec.volume
    written = weight_text(spec) if spec.weight else volume_text(spec)
    if measure is None or written is None:
        return []
    as_in_spec = f"{Decimal(str(measure.value)).normalize():f} {measure.unit}"
    spellings = [written.split(" (")[0], as_in_spec]
    return spellings + [text.replace("fl oz", "oz") for text in spellings if "fl oz" in text]


def _name_states_size(spec: ProductSpec, name: str) -> bool:
    """Tell whether a name gives the spec's weight or volume, in the spec's unit or another ("Mug 0.35 l")."""
    if any(_named_in(text, name) for text in _size_spellings(spec)):
        return True
    measure = spec.weight or spec.volume
    unit = unit_key(measure.unit) if measure else None
    if measure is None or unit is None:
        return False
    size = Quantity(value=float(measure.value), unit=unit, text=str(measure.value))
    return any(stated.unit is not None and agrees(stated, size) for stated in find_quantities(name))


def _named_in(detail: str, name: str) -> bool:
    """Tell whether a name states a title detail already, as "Mug 350 ml" states its volume."""
    return phrase_found(phrase_pattern(_FIGURE_UNIT_GAP.sub("", detail)), _FIGURE_UNIT_GAP.sub("", name))


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _headline_material(material: str) -> str | None:
    """Shorten a material to the head phrase a title shows, such as 'Recycled 420D Nylon'.

    The phrase ends before the first comma, bracket, linking word ('with', 'from') or participle that
    starts a clause ('tanned in'). A phrase longer than HEADLINE_MATERIAL_WORDS words gives None, since
    any cut of it could end before its noun ('18k Gold Plated 925' of '… sterling silver'). Only words
    that start with a small letter are capitalized, so '420D', 'PFC-free' and markup keep their spelling.
    """
    words = material_head(material).split()
    while len(words) > 1 and words[-1].lower() in _SMALL_WORDS:
        words.pop()
    if len(words) > HEADLINE_MATERIAL_WORDS:
        return None
    if not words:
        return material.strip()
    return " ".join(
        word if (index > 0 and word.lower() in _SMALL_WORDS) or _unit_after_number(words, index) else _capitalize(word)
        for index, word in enumerate(words)
    )


def _unit_after_number(words: list[str], index: int) -> bool:
    """Tell whether a word is a unit symbol after a number ("mm" of "18 mm"), whose case is part of it."""
    return (
        index > 0 and any(character.isdigit() for character in words[index - 1]) and unit_key(words[index]) is not None
    )


def _capitalize(word: str) -> str:
    return word[0].upper() + word[1:] if word[:1].islower() else word


def _hashtags(spec: ProductSpec) -> list[str]:
    words = [spec.brand, category_leaf(spec)]
    if spec.campaign:
        words.append(spec.campaign)
    tags = []
    for word in words:
        tag = "#" + "".join(part[:1].upper() + part[1:] for part in _joinable_parts(word))
        # Instagram links a tag only when it has a letter.
        if re.search(r"[^\W\d_]", tag) and tag not in tags:
            tags.append(tag)
    return tags[: RULES["instagram"].hashtags_max or 5]


def _joinable_parts(text: str) -> list[str]:
    """List the parts of a text a hashtag joins, leaving out a number that a space parts from the number before
    it: "Estate 2025 -20%" gives Estate and 2025, never "202520". Numbers within one word stay ("11.11")."""
    parts: list[str] = []
    for word in text.split():
        word_parts = _tag_parts(word)
        if parts and parts[-1].isdigit() and word_parts and word_parts[0].isdigit():
            continue
        parts += word_parts
    return parts


def _tag_parts(text: str) -> list[str]:
    """Split text into the words a hashtag joins: letters and digits of any script with their combining marks.

    Marks stay with their letter, so "नमस्ते" keeps its vowel signs and "Café" written with a combining accent
    stays one word. Apostrophes inside a word are dropped: "Mother's Day" gives Mothers and Day.
    """
    parts: list[str] = []
    current = ""
    for char in unicodedata.normalize("NFC", text):
        if char.isalnum() or (current and unicodedata.category(char).startswith("M")):
            current += char
        elif current and char in "'’":
            continue
        elif current:
            parts.append(current)
            current = ""
    return [*parts, current] if current else parts


def lower_words(text: str) -> str:
    """Lower-case the words of a text, except those with a digit or in capitals only ("4K", "USB-C", "LED").

    "4K Monitors" is "4K monitors": as "4k" the figure would read as 4 karat or 4,000.
    """
    return " ".join(
        word if any(character.isdigit() for character in word) or (word.isupper() and len(word) > 1) else word.lower()
        for word in text.split()
    )


def _search_terms(spec: ProductSpec, allowed: "_BannedFilter") -> list[str]:
    """List the category, materials and colours as search terms, stopping before Amazon's byte limit.

    A term that carries a banned phrase is left out.
    """
    limit = text_rule("amazon", "search_terms").max_bytes or 0
    terms: list[str] = []
    for text in [category_leaf(spec), *spec.materials[:2], *(v.color for v in spec.variants)]:
        term = lower_words(text)
        if term in terms or not allowed.keeps(term):
            continue
        if len(" ".join([*terms, term]).encode("utf-8")) > limit:
            break
        terms.append(term)
    return terms
