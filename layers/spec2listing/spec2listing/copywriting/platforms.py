"""Marketplace rules for copy and images, in one table each, with their sources.

Sources, as published by each platform (checked 2026-12):
- Amazon Seller Central, "Product title requirements and guidelines": titles at
  most 200 characters including spaces; none of ! $ ? _ { } ^ ¬ ¦; no
  promotional phrases such as "free shipping".
- Amazon Seller Central, "Policies for writing listings": up to five bullet
  points; no HTML or other code in detail pages; no phone numbers, addresses, e-mail addresses or URLs; no
  promotional material, availability or price details in titles, descriptions
  and bullet points.
- Amazon Seller Central, "Use search terms effectively": backend search terms
  under 250 bytes, without temporary or promotional statements ("on sale")
  or the contact details the listing policies rule out.
- Shopify Help Center, "Adding keywords for SEO": page title up to 70 characters,
  meta description under 160; product titles are limited to 255 characters.
- Google Merchant Center product data specification: title at most 150
  characters, description at most 5000; no promotional text in either. The
  description may carry some plain HTML: strong, em, ul, ol, li, br, sub, sup,
  div, span, dl, dt and dd, with no attributes on any tag, and no malformed
  HTML or unsafe features such as JavaScript.
- Instagram Platform, content publishing: captions at most 2200 characters, at
  most 5 hashtags per post; feed images between 4:5 and 1.91:1.
- Amazon product image requirements: main image on pure white (RGB 255,255,255),
  product filling at least 85% of the frame, longest side at least 1000 px for
  zoom, square recommended.
"""

import re
from dataclasses import dataclass

AMAZON_TITLES = "Amazon Seller Central: Product title requirements and guidelines"
AMAZON_LISTINGS = "Amazon Seller Central: Policies for writing listings"
AMAZON_SEARCH_TERMS = "Amazon Seller Central: Use search terms effectively"
AMAZON_BULLETS = "Amazon Seller Central: Policies for writing listings (up to five bullet points)"
AMAZON_IMAGES = "Amazon Seller Central: Product image requirements"
SHOPIFY_SEO = "Shopify Help Center: Adding keywords for SEO"
SHOPIFY_PRODUCTS = "Shopify Help Center: Product details (title up to 255 characters)"
GOOGLE_SPEC = "Google Merchant Center: Product data specification"
INSTAGRAM_PUBLISHING = "Instagram Platform: Content publishing"

SHOPIFY_DESCRIPTION = (
    "spec2listing: a product description carries formatting and links, never scripts, styles or frames"
)

AMAZON_FORBIDDEN_TITLE_CHARS = frozenset("!$?_{}^¬¦")
# Formatting tags a Shopify product description may use. Script, style, iframe, form and embed tags, and
# event-handler attributes, would run or load code on the storefront.
SHOPIFY_DESCRIPTION_TAGS = frozenset(
    {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "h5", "h6"}
    | {"span", "div", "a", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup", "sub"}
)

# Tags a Merchant Center description may carry, as the product data specification lists them.
GOOGLE_DESCRIPTION_TAGS = frozenset(
    {"strong", "em", "ul", "ol", "li", "br", "sub", "sup", "div", "span", "dl", "dt", "dd"}
)


@dataclass(frozen=True)
class FieldRule:
    """Limits on one copy field (an attribute of the platform's copy model) of one platform.

    A limit left as None is not checked.
    """

    platform: str
    field: str
    label: str
    source: str
    max_chars: int | None = None
    max_bytes: int | None = None
    # A list field has between min_items and max_items entries.
    min_items: int = 0
    max_items: int | None = None
    # Tags an HTML field may use; None leaves its markup unchecked (no_html forbids all of it).
    allowed_tags: frozenset[str] | None = None
    # Whether those tags may carry attributes; unsafe_html checks event handlers and script links either way.
    tag_attributes: bool = True
    item_max_chars: int | None = None
    max_hashtags: int | None = None
    # A field of the same platform published with this one, whose hashtags count toward max_hashtags.
    posted_with: str | None = None
    forbidden_chars: frozenset[str] = frozenset()
    no_html: bool = False
    no_promotional: bool = False
    no_contact: bool = False

    @property
    def where(self) -> str:
        """The field's path in the copy: "platforms.amazon.title", or "title" for a field of the copy itself."""
        return f"platforms.{self.platform}.{self.field}" if self.platform else self.field


TEXT_RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "amazon",
        "title",
        "Amazon title",
        AMAZON_TITLES,
        max_chars=200,
        forbidden_chars=AMAZON_FORBIDDEN_TITLE_CHARS,
        no_html=True,
        no_promotional=True,
        no_contact=True,
    ),
    # NOTE: 500 characters a bullet is what most category templates allow; some set less.
    FieldRule(
        "amazon",
        "bullets",
        "Amazon bullets",
        AMAZON_BULLETS,
        min_items=1,
        max_items=5,
        item_max_chars=500,
        no_html=True,
        no_promotional=True,
        no_contact=True,
    ),
    FieldRule(
        "amazon",
        "description",
        "Amazon description",
        AMAZON_LISTINGS,
        max_chars=2000,
        no_html=True,
        no_promotional=True,
        no_contact=True,
    ),
    FieldRule(
        "amazon",
        "search_terms",
        "Amazon search terms",
        AMAZON_SEARCH_TERMS,
        max_bytes=249,
        no_html=True,
        no_promotional=True,
        no_contact=True,
    ),
    FieldRule("shopify", "title", "Shopify title", SHOPIFY_PRODUCTS, max_chars=255, no_html=True),
    FieldRule(
        "shopify",
        "body_html",
        "Shopify description",
        SHOPIFY_DESCRIPTION,
        allowed_tags=SHOPIFY_DESCRIPTION_TAGS,
    ),
    FieldRule("shopify", "seo_title", "Shopify SEO title", SHOPIFY_SEO, max_chars=70, no_html=True),
    FieldRule("shopify", "meta_description", "Shopify meta description", SHOPIFY_SEO, max_chars=160, no_html=True),
    FieldRule(
        "google_merchant",
        "title",
        "Merchant Center title",
        GOOGLE_SPEC,
        max_chars=150,
        no_html=True,
        no_promotional=True,
        no_contact=True,
    ),
    FieldRule(
        "google_merchant",
        "description",
        "Merchant Center description",
        GOOGLE_SPEC,
        max_chars=5000,
        allowed_tags=GOOGLE_DESCRIPTION_TAGS,
        tag_attributes=False,
        no_promotional=True,
        no_contact=True,
    ),
    # The hashtags are posted with the caption, so the tags of both count toward the post's limit.
    FieldRule(
        "instagram",
        "caption",
        "Instagram caption",
        INSTAGRAM_PUBLISHING,
        max_chars=2200,
        max_hashtags=5,
        posted_with="hashtags",
        no_html=True,
    ),
    FieldRule("instagram", "hashtags", "Instagram hashtags", INSTAGRAM_PUBLISHING, max_items=5, no_html=True),
)


# The copy's own fields, which review pages and copy.json show and each platform's copy restates: plain
# text, each no longer than the longest platform field it feeds. These are this project's own limits.
LISTING_COPY = "the copy's own fields, sized to the longest platform field each one feeds"
LISTING_RULES: tuple[FieldRule, ...] = (
    FieldRule("", "title", "Listing title", LISTING_COPY, max_chars=255, no_html=True),
    FieldRule("", "short_description", "Listing short description", LISTING_COPY, max_chars=500, no_html=True),
    FieldRule("", "description", "Listing description", LISTING_COPY, max_chars=5000, no_html=True),
    FieldRule(
        "", "bullets", "Listing bullets", LISTING_COPY, min_items=1, max_items=5, item_max_chars=500, no_html=True
    ),
    FieldRule("", "comparison_bullets", "Comparison bullets", LISTING_COPY, item_max_chars=500, no_html=True),
)


def text_rule(platform: str, field_name: str) -> FieldRule:
    """The rule for one field of one platform, or of the copy itself when `platform` is ""."""
    for rule in (*TEXT_RULES, *LISTING_RULES):
        if (rule.platform, rule.field) == (platform, field_name):
            return rule
    raise KeyError(f"no text rule for {platform}.{field_name}")


def _limit(platform: str, field_name: str) -> int:
    rule = text_rule(platform, field_name)
    limit = rule.max_chars or rule.item_max_chars
    if limit is None:
        raise KeyError(f"{platform}.{field_name} has no character limit")
    return limit


@dataclass(frozen=True)
class PlatformRules:
    """Character limits of one platform, read from TEXT_RULES, as the copywriters fit text to them."""

    title_max: int
    description_max: int | None = None
    bullets: int | None = None
    bullet_max: int | None = None
    seo_title_max: int | None = None
    meta_description_max: int | None = None
    caption_max: int | None = None
    hashtags_max: int | None = None
    forbidden_title_chars: frozenset[str] = frozenset()
    html_allowed: bool = True


RULES: dict[str, PlatformRules] = {
    "amazon": PlatformRules(
        title_max=_limit("amazon", "title"),
        description_max=_limit("amazon", "description"),
        bullets=text_rule("amazon", "bullets").max_items,
        bullet_max=_limit("amazon", "bullets"),
        forbidden_title_chars=AMAZON_FORBIDDEN_TITLE_CHARS,
        html_allowed=False,
    ),
    "shopify": PlatformRules(
        title_max=_limit("shopify", "title"),
        seo_title_max=_limit("shopify", "seo_title"),
        meta_description_max=_limit("shopify", "meta_description"),
    ),
    "google_merchant": PlatformRules(
        title_max=_limit("google_merchant", "title"),
        description_max=_limit("google_merchant", "description"),
    ),
    "instagram": PlatformRules(
        title_max=_limit("instagram", "caption"),
        caption_max=_limit("instagram", "caption"),
        hashtags_max=text_rule("instagram", "caption").max_hashtags,
        html_allowed=False,
    ),
}

# Promotional phrases the marketplaces reject in titles, bullets and descriptions, matched as whole words.
PROMOTIONAL_TERMS = (
    "free shipping",
    "free delivery",
    "best seller",
    "bestseller",
    "best-selling",
    "best selling",
    "hot item",
    # "sale" alone is also a word of other languages (Italian "sale e pepe", salt and pepper).
    "on sale",
    "for sale",
    "sale price",
    "sale ends",
    "flash sale",
    "clearance sale",
    "discount",
    "% off",
    "limited time",
    "buy now",
    "order now",
    "100% guaranteed",
    "100% quality guaranteed",
    "money back",
    "lowest price",
    "best price",
    "cheapest",
    "call us",
    "email us",
    # Review and guarantee claims, and shipping, return and stock details, which Amazon's listing policy rules
    # out as promotional or as availability details. Ranks ("#1", "number one") are matched in text_checks,
    # since "#1" is also a screw size.
    "top seller",
    "top selling",
    "top rated",
    "satisfaction guaranteed",
    "free returns",
    "free gift",
    "ships free",
    "ships today",
    "in stock now",
    "back in stock",
    "ready to ship",
)


@dataclass(frozen=True)
class ImageRule:
    """What one platform asks of the images it shows; None means no requirement."""

    platform: str
    source: str
    aspect_min: float | None = None
    aspect_max: float | None = None
    main_white_background: bool = False
    main_min_fill: float | None = None


# Width over height may differ from the named ratio by this share before an image counts as off-ratio.
ASPECT_TOLERANCE = 0.01

IMAGE_RULES: dict[str, ImageRule] = {
    # Amazon recommends square images; images used there are held to 1:1.
    "amazon": ImageRule(
        "amazon", AMAZON_IMAGES, aspect_min=1.0, aspect_max=1.0, main_white_background=True, main_min_fill=0.85
    ),
    "shopify": ImageRule("shopify", SHOPIFY_PRODUCTS),
    "google_merchant": ImageRule("google_merchant", GOOGLE_SPEC),
    "instagram": ImageRule("instagram", INSTAGRAM_PUBLISHING, aspect_min=4 / 5, aspect_max=1.91),
}

# Longest side below which Amazon turns off zoom; held for every platform.
MIN_LONGEST_SIDE_PX = 1000


# The rest of a figure after its whole number: a fraction ("1/2") or a group of three digits ("250").
_FIGURE_GOES_ON = re.compile(r"\d+/\d+(?!\d)|\d{3}(?![\d.,])")
# Words that turn the word before them into a look, a coating or a denial: "marble effect", "gold tone",
# "chrome plated", "nickel free". Cut between the two, the first would claim the material itself.
_QUALIFIES_BEFORE = re.compile(
    r"(?:effect|look|looking|style|styled|tone|toned|finish|coloured|colored|colour|color|like|feel|inspired"
    r"|imitation|free|plated|coated|print|printed|pattern|veneer|laminate)\b",
    re.IGNORECASE,
)
# A unit that the number before the cut would lose: "500" of "500 ml", "12" of "12 inches". "in" is left
# out, since after a number it is as often a preposition ("Set of 4 in Black") as inches.
_UNIT = re.compile(
    r"(?:inch|inches|oz|ounces?|ft|feet|lb|lbs|cm|mm|km|kg|mg|ml|kw|mah|wh|hz|gb|tb|%|°)(?![a-z])",
    re.IGNORECASE,
)
# A measure in feet or pounds that goes on in inches or ounces ("6 ft 11 in", "2 lb 10 oz"): its first part
# alone states another figure.
_LARGER_PART = re.compile(r"\d+(?:[.,]\d+)?\s?(?:ft|feet|foot|lb|lbs|pounds?)(?:\s\d+)?$", re.IGNORECASE)
# The text after the larger part: the smaller one whole ("11 in"), or its unit once the cut took its number.
_SMALLER_PART = re.compile(r"(?:\d+(?:[.,]\d+)?\s?)?(?:(?:in|inch|inches|oz|ounces?)\b|\")", re.IGNORECASE)


# English words that lead into the words after them, so a shortened title does not end on one.
_LEADING_WORDS = frozenset(
    {"a", "an", "and", "&", "+", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to"}
    | {"with", "without"}
)


# Han, kana, Hangul and full-width forms: the characters of scripts that write no space between words.
CJK_CHARACTERS = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
# A letter or digit of a script that spaces its words, which a cut must not split off its word.
_SPACED_WORD_CHARACTER = re.compile(rf"[^\W_{CJK_CHARACTERS}]")


def fit(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters at a word boundary, without a dangling separator.

    A whole number whose figure goes on after the cut, as a mixed fraction ("1 1/2 inch"), a group of
    thousands ("4 250 ml") or feet before inches ("6 ft 11 in"), is dropped with it, since its first part
    alone would state another figure. So is a word that the word after the cut qualifies ("Marble" of
    "Marble Effect"), which alone would claim the material.
    Text whose last space is in the first half, such as Japanese, is cut between two characters instead.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else ""
    if len(cut) < limit // 2:
        cut = _cut_between_characters(text, limit)
    cut = cut[:limit]
    rest = text[len(cut) :].lstrip()
    whole = cut
    while " " in cut:
        last = cut.rsplit(" ", 1)[1]
        larger = _LARGER_PART.search(cut)
        if larger is not None and _SMALLER_PART.match(rest):
            cut = cut[: larger.start()].rstrip()
        elif last.replace(".", "").replace(",", "").isdigit() and (_FIGURE_GOES_ON.match(rest) or _UNIT.match(rest)):
            cut = cut.rsplit(" ", 1)[0]
        else:
            break
        rest = text[len(cut) :].lstrip()
    # A word the next one qualifies goes too, unless it is itself a qualifier that ends its phrase ("Gold
    # Plated" before "Free Engraving").
    if " " in cut and _QUALIFIES_BEFORE.match(rest) and not _QUALIFIES_BEFORE.fullmatch(cut.rsplit(" ", 1)[1]):
        cut = cut.rsplit(" ", 1)[0]
    # A cut text does not end on a word that leads into what was cut ("Duffel Bag With").
    while " " in cut and _dangles(cut):
        cut = cut.rsplit(" ", 1)[0].rstrip(" ,;:-–|/")
    # Text that would be left with nothing keeps its plain cut.
    return (cut if cut.strip(" ,;:-–|/") else whole).rstrip(" ,;:-–|/")


def _dangles(text: str) -> bool:
    """Tell whether text ends on an article, conjunction or preposition; "in" after a number may be inches."""
    before, last = text.rsplit(" ", 1)
    if last.casefold() == "in" and before[-1:].isdigit():
        return False
    return last.casefold() in _LEADING_WORDS


def _cut_between_characters(text: str, limit: int) -> str:
    """Cut text at most `limit` characters long, outside any word or number of a spaced script.

    A word longer than half the limit is cut inside, since the text would otherwise lose most of its length.
    """
    for end in range(limit, limit // 2, -1):
        if not (_SPACED_WORD_CHARACTER.match(text[end - 1]) and _SPACED_WORD_CHARACTER.match(text[end])):
            return text[:end]
    return text[:limit]
