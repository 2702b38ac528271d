"""Checks on copy: platform limits from TEXT_RULES, prohibited content, brand wording."""

import html.entities
import re
import unicodedata
from html.parser import HTMLParser
from typing import Any

from spec2listing.consistency.contact_details import find_contact_details
from spec2listing.consistency.copy_text import readable_fields
from spec2listing.consistency.inline_style import unsafe_declarations
from spec2listing.copywriting.phrases import phrase_found, phrase_pattern
from spec2listing.copywriting.platforms import LISTING_RULES, TEXT_RULES, FieldRule
from spec2listing.copywriting.promotional import promotional_terms
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.copy import ProductCopy
from spec2listing.models.spec import ProductSpec
from spec2listing.types import described, find_hidden

# A tag, a comment, or a character reference ("&nbsp;", "&#60;"), which plain-text fields show as written. A
# name between "&" and ";" counts only when HTML names a character so: "Dolce&Gabbana;" is no reference.
_HTML_TAG = re.compile(
    r"</?[a-zA-Z][^>]*>|<!--.*?(?:-->|$)|&#\d{1,7};|&#[xX][0-9a-fA-F]{1,6};|&(?P<name>[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.DOTALL,
)


def _html_found(text: str) -> list[str]:
    """Return the tags, comments and character references of a text, each once, in the order they come."""
    found = [
        match.group(0)
        for match in _HTML_TAG.finditer(text)
        if match.group("name") is None or f"{match.group('name')};" in html.entities.html5
    ]
    return list(dict.fromkeys(found))


# Instagram links a tag only when it has a letter, so "#6" (a screw size) is not one.
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")


# URL schemes that run code. Browsers drop tabs and line breaks anywhere in a URL, and leading control
# characters and spaces, so "java\nscript:" runs too. The parser has already decoded entities such as &#10;.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")

# The start of a tag, a closing tag, a comment or declaration, or a processing instruction.
_TAG_START = re.compile(r"<[A-Za-z/!?]")


class _MarkupScan(HTMLParser):
    """Collect the tags outside an allowlist, event-handler attributes, javascript: URLs and unsafe inline
    styles of an HTML text."""

    def __init__(self, allowed: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: list[str] = []
        # Every attribute of every tag, for a platform that accepts none.
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.allowed:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            self.attributes.append(f"<{tag} {name}>")
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            elif name == "style" and unsafe_declarations(value or ""):
                self.found.append(f"<{tag} style={'; '.join(unsafe_declarations(value or ''))}>")
            elif _URL_IGNORED.sub("", value or "").lower().startswith(_SCRIPT_SCHEMES):
                self.found.append(f"<{tag} {name}={value}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        # Browsers end a comment at "<!-->" or "--!>", where Python's parser reads on, so markup inside one
        # may run on the storefront.
        if "<" in data or ">" in data:
            self.found.append("<!-- markup in a comment -->")

    def handle_decl(self, decl: str) -> None:
        self.found.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.found.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.found.append(f"<?{data}>")


def parse_markup(text: str, allowed: frozenset[str]) -> _MarkupScan:
    """Parse an HTML text once, collecting the markup that could run code and every attribute of its tags.

    `found` lists unknown tags, on* attributes, script URLs and unsafe inline styles. A tag left open at
    the end of the text is listed too. Python's parser reads it as text, but on a storefront the theme's
    markup that follows closes it, and its attributes run.
    """
    scan = _MarkupScan(allowed)
    scan.feed(text)
    # What the parser could not finish yet, such as a tag whose > is missing or inside a quoted value.
    unfinished = _TAG_START.search(scan.rawdata)
    if unfinished is not None:
        scan.found.append(f"unclosed tag {scan.rawdata[unfinished.start() :][:40]!r}")
    scan.close()
    return scan


def _check(check: str, where: str, subject: str, passed: bool, expected: str, **measured: Any) -> CheckResult:
    return CheckResult(
        check=check,
        target=CheckTarget.TEXT,
        where=where,
        subject=subject,
        passed=passed,
        measured=dict(measured),
        expected=expected,
    )


def _texts(rule: FieldRule, value: object) -> list[tuple[str, str]]:
    where = rule.where
    if isinstance(value, list):
        return [(f"{where}[{index}]", str(item)) for index, item in enumerate(value)]
    return [(where, str(value))]


def _content_checks(rule: FieldRule, where: str, text: str) -> list[CheckResult]:
    results = []
    if rule.forbidden_chars:
        # A full-width "！" or "？" is the same character to a shopper, and to the marketplace's check.
        bad = sorted(
            {
                char
                for char in text
                if unicodedata.normalize("NFKC", char) in rule.forbidden_chars or char in rule.forbidden_chars
            }
        )
        results.append(
            _check(
                "forbidden_characters",
                where,
                f"{rule.label} characters",
                not bad,
                "none of " + " ".join(sorted(rule.forbidden_chars)),
                forbidden=bad,
            )
        )
    if rule.allowed_tags is not None:
        scan = parse_markup(text, rule.allowed_tags)
        unsafe = list(dict.fromkeys(scan.found))
        results.append(
            _check(
                "unsafe_html",
                where,
                rule.label,
                not unsafe,
                f"only the tags {', '.join(sorted(rule.allowed_tags))}, without event handlers or javascript: links"
                f" ({rule.source})",
                found=unsafe,
            )
        )
        if not rule.tag_attributes:
            attributes = list(dict.fromkeys(scan.attributes))
            results.append(
                _check(
                    "html_attributes",
                    where,
                    rule.label,
                    not attributes,
                    f"tags without attributes ({rule.source})",
                    attributes=attributes,
                )
            )
    if rule.no_html:
        markup = _html_found(text)
        results.append(
            _check(
                "no_html",
                where,
                rule.label,
                not markup,
                "plain text without HTML tags, comments or character references such as &amp;",
                markup=markup,
            )
        )
    if rule.no_promotional:
        found = promotional_terms(text)
        results.append(
            _check(
                "prohibited_term",
                where,
                rule.label,
                not found,
                "no promotional wording (" + rule.source + ")",
                terms=found,
            )
        )
    if rule.no_contact:
        found = find_contact_details(text)
        results.append(
            _check("contact_details", where, rule.label, not found, "no web, e-mail or phone contact", found=found)
        )
    return results


def joined_text(value: object) -> str:
    """Join a list field's items with spaces, as the platform counts its length; text stays as it is."""
    return " ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def _rule_checks(rule: FieldRule, value: object, fields: dict[str, Any]) -> list[CheckResult]:
    where = rule.where
    results = []
    text = joined_text(value)
    if rule.max_chars is not None:
        results.append(
            _check(
                "text_length",
                where,
                rule.label,
                len(text) <= rule.max_chars,
                f"at most {rule.max_chars} characters ({rule.source})",
                characters=len(text),
                limit=rule.max_chars,
            )
        )
    if rule.max_bytes is not None:
        size = len(text.encode("utf-8"))
        results.append(
            _check(
                "text_bytes",
                where,
                rule.label,
                size <= rule.max_bytes,
                f"at most {rule.max_bytes} bytes ({rule.source})",
                bytes=size,
                limit=rule.max_bytes,
            )
        )
    if rule.max_items is not None and isinstance(value, list):
        results.append(
            _check(
                "item_count",
                where,
                rule.label,
                rule.min_items <= len(value) <= rule.max_items,
                f"{rule.min_items} to {rule.max_items} ({rule.source})",
                items=len(value),
                limit=rule.max_items,
            )
        )
    if rule.item_max_chars is not None and isinstance(value, list):
        for item_where, item in _texts(rule, value):
            results.append(
                _check(
                    "text_length",
                    item_where,
                    rule.label,
                    len(item) <= rule.item_max_chars,
                    f"at most {rule.item_max_chars} characters ({rule.source})",
                    characters=len(item),
                    limit=rule.item_max_chars,
                )
            )
    if rule.max_hashtags is not None:
        posted = [text]
        if rule.posted_with is not None and fields.get(rule.posted_with) is not None:
            posted.append(joined_text(fields[rule.posted_with]))
        # A tag is one tag in any case, so "#Mug" in the caption and "#mug" in the list count once.
        by_name: dict[str, str] = {}
        for tag in _HASHTAG.findall(" ".join(posted)):
            by_name.setdefault(tag.casefold(), tag)
        tags = list(by_name.values())
        results.append(
            _check(
                "hashtag_count",
                where,
                rule.label,
                len(tags) <= rule.max_hashtags,
                f"at most {rule.max_hashtags} hashtags ({rule.source})",
                hashtags=len(tags),
                limit=rule.max_hashtags,
                found=tags,
            )
        )
    for item_where, item in _texts(rule, value):
        results += _content_checks(rule, item_where, item)
    return results


def platform_limits(listing: ProductCopy) -> list[CheckResult]:
    """Apply LISTING_RULES to the copy's own fields, and every TEXT_RULES row of the platforms the copy is
    written for to its field."""
    own = listing.model_dump(exclude={"platforms"})
    results = [check for rule in LISTING_RULES for check in _rule_checks(rule, own[rule.field], own)]
    platforms = listing.platforms.model_dump(exclude_none=True)
    for rule in TEXT_RULES:
        fields = platforms.get(rule.platform)
        if fields is None or rule.field not in fields:
            continue
        results += _rule_checks(rule, fields[rule.field], fields)
    return results


def comparisons(spec: ProductSpec, listing: ProductCopy) -> list[CheckResult]:
    """Check that the copy compares the product with no more rivals than the spec's competitors.

    A comparison bullet states how the product differs from one listed competitor; with none listed,
    "better than every competitor" is a claim nothing in the spec supports.
    """
    if not listing.comparison_bullets:
        return []
    count, allowed = len(listing.comparison_bullets), len(spec.competitors)
    return [
        _check(
            "comparison_count",
            "comparison_bullets",
            "Comparison bullets",
            count <= allowed,
            f"at most one bullet per competitor the spec lists ({allowed})",
            items=count,
            limit=allowed,
        )
    ]


def text_present(listing: ProductCopy) -> list[CheckResult]:
    """Check that every copy field a shopper reads, and every item of a list field, has text.

    A field can end up empty when the copywriter drops every sentence that carries
    a banned phrase, or when a model returns an empty string for a list item.
    """
    return [
        _check("text_present", path, path, bool(text.strip()), "text, not an empty field", characters=len(text))
        for path, text in readable_fields(listing)
    ]


def hidden_characters(listing: ProductCopy) -> list[CheckResult]:
    """Check every copy field a shopper reads for the invisible characters that spec text may not carry either.

    A right-to-left override shows "gnippihs eerF" as "Free shipping", out of reach of the wording checks, and
    zero-width or control characters hide in what a person reviews.
    """
    results = []
    for path, text in readable_fields(listing):
        found = list(dict.fromkeys(match.group(0) for match in find_hidden(text)))
        results.append(
            _check(
                "hidden_characters",
                path,
                path,
                not found,
                "text without control, bidi or zero-width characters",
                found=[described(character) for character in found],
            )
        )
    return results


_WORD_JOINS = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def hashtag_words(tag: str) -> str:
    """Split a hashtag's words where their case or kind changes: "#BestSellerWeek" is "Best Seller Week"."""
    return _WORD_JOINS.sub(" ", tag.lstrip("#"))


def banned_phrases(listing: ProductCopy, brand: BrandGuide | None) -> list[CheckResult]:
    """Check each phrase the brand guide bans against every copy field a shopper reads."""
    if brand is None or not brand.voice.banned_phrases:
        return []
    results = []
    fields = readable_fields(listing)
    # A hashtag runs its words together ("#BestSellerWeek"), so its words are split where their case changes.
    spelled = [" ".join([text, *(hashtag_words(tag) for tag in _HASHTAG.findall(text))]) for _, text in fields]
    for phrase in brand.voice.banned_phrases:
        pattern = phrase_pattern(phrase)
        found = [path for (path, _), text in zip(fields, spelled, strict=True) if phrase_found(pattern, text)]
        results.append(
            CheckResult(
                check="banned_phrase",
                target=CheckTarget.TEXT,
                where=", ".join(found) if found else "copy",
                subject=phrase,
                passed=not found,
                measured={"fields": found},
                expected="phrase absent from every copy field (brand guide)",
            )
        )
    return results
