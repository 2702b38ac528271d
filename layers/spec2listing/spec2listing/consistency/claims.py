"""The claims ledger: every promise in the copy traced to the spec field it comes from.

Claims are found in three passes over the readable copy fields:

1. Phrases the spec itself states (visual anchors, mandatory elements, variant
   colours, materials, finishes) are matched whole and traced to their field.
   They are blanked out afterwards, so words inside them are not counted again.
2. Material, colour and property words (vocabulary.py) left in the copy are
   traced to every spec field that states them; none means unsupported.
3. Every number, with its unit, is traced to the spec quantities it agrees with
   (quantities.py); none means unsupported.

Unsupported claims become failed checks: the hallucination guard.
"""

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial

from spec2listing.consistency.copy_text import readable_fields
from spec2listing.consistency.origins import SHARED_PLACE_NAMES, origin_statements, stated_origins
from spec2listing.consistency.quantities import (
    Quantity,
    agreement_range,
    agrees,
    base_value,
    find_quantities,
    within,
)
from spec2listing.consistency.spec_facts import COMPETITOR_PREFIX, DeniedKey, SpecFacts, strictly_inside
from spec2listing.consistency.units import OTHER_READINGS, RATING_UNITS, UNITS, key_unit, unit_symbol
from spec2listing.consistency.vocabulary import (
    COLORS,
    MATERIALS,
    NARROWER_TERMS,
    NOT_THE_THING_AFTER,
    OTHER_SENSE_PHRASES,
    PROPERTIES,
    MaterialSense,
    blended,
    claims_fine_metal,
    denied,
    imitated,
    normalize,
    purity_before,
)
from spec2listing.copywriting.facts import material_head
from spec2listing.models.brand import BrandGuide
from spec2listing.models.consistency import CheckResult, CheckTarget, Claim, ClaimKind
from spec2listing.models.copy import ProductCopy
from spec2listing.models.spec import ProductSpec

# Share of content words two anchor phrasings must share (Jaccard) to count as one anchor.
ANCHOR_SIMILARITY = 0.6
_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "in", "of", "with", "by", "at", "to", "and", "or", "over", "next", "beside", "for"}
    | {"its", "it", "is", "are", "shown", "pictured", "from", "into", "under"}
)
_TERM_KINDS = (
    [(term, ClaimKind.MATERIAL) for term in MATERIALS]
    + [(term, ClaimKind.COLOR) for term in COLORS]
    + [(term, ClaimKind.PROPERTY) for term in PROPERTIES]
)
_KIND_OF_TERM = dict(_TERM_KINDS)
# The vocabulary's materials alone, longest first, as _TERMS finds them.
_MATERIAL_TERMS = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(term) for term in sorted(MATERIALS, key=len, reverse=True)) + r")(?:s|es)?(?!\w)"
)
# Kinds of term that copy and spec may deny ("not waterproof", "plastic-free"), making a claim of its own.
_DENIABLE = (ClaimKind.PROPERTY, ClaimKind.MATERIAL)
_TERMS = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(term) for term, _ in sorted(_TERM_KINDS, key=lambda item: -len(item[0]))) + r")"
    r"(?:s|es)?(?!\w)"
)


def term_pattern(term: str) -> re.Pattern[str]:
    """Compile a pattern that finds a normalized term as a whole word or phrase, plural allowed."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)")


def content_words(text: str) -> set[str]:
    """Return the words of a phrase that carry meaning, in the singular."""
    words = set()
    for raw in normalize(text).split():
        word = raw.strip(".,;:!?()'\"")
        if word and word not in _STOPWORDS:
            words.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


def similar(first: str, second: str) -> float:
    """Compute the Jaccard similarity of two phrases' content words."""
    a, b = content_words(first), content_words(second)
    return len(a & b) / len(a | b) if a and b else 0.0


def mentions(text: str, phrase: str) -> bool:
    """Tell whether a text names a phrase, verbatim after normalizing or with every content word present."""
    normalized = normalize(text)
    if term_pattern(normalize(phrase)).search(normalized):
        return True
    needed = content_words(phrase)
    return bool(needed) and needed <= content_words(text)


@dataclass
class _Phrase:
    claim: Claim
    normalized: str


def _spec_phrases(spec: ProductSpec, brand: BrandGuide | None) -> list[_Phrase]:
    phrases: list[_Phrase] = []

    def add(kind: ClaimKind, text: str, sources: list[str]) -> None:
        phrases.append(_Phrase(Claim(kind=kind, text=text, sources=sources, supported=True), normalize(text)))

    for index, anchor in enumerate(spec.visual.anchors):
        add(ClaimKind.ANCHOR, anchor, [f"visual.anchors[{index}]"])
    seen_elements = set()
    for index, element in enumerate(spec.visual.mandatory_elements):
        add(ClaimKind.MANDATORY_ELEMENT, element, [f"visual.mandatory_elements[{index}]"])
        seen_elements.add(element)
    for index, element in enumerate(brand.visual.mandatory_elements if brand else []):
        if element not in seen_elements:
            add(ClaimKind.MANDATORY_ELEMENT, element, [f"brand.visual.mandatory_elements[{index}]"])

    def add_material(text: str, source: str) -> None:
        # A material's head ("100% recycled polyester shell" of "... shell with PFC-free DWR") is its name
        # without the clauses that qualify it, as a title shows it.
        add(ClaimKind.MATERIAL, text, [source])
        head = material_head(text)
        if head and normalize(head) != normalize(text):
            add(ClaimKind.MATERIAL, head, [source])

    for index, variant in enumerate(spec.variants):
        add(
            ClaimKind.COLOR,
            variant.color,
            [f"variants[{index}].color", f"variants[{index}].color_hex"],
        )
        for name in ("material", "finish"):
            value = getattr(variant, name)
            if value:
                add_material(value, f"variants[{index}].{name}")
    for index, material in enumerate(spec.materials):
        add_material(material, f"materials[{index}]")
    return phrases


def _merge(phrases: list[_Phrase]) -> list[_Phrase]:
    """Merge phrases to one per kind and wording, keeping the paths of every field that states it."""
    merged: dict[tuple[ClaimKind, str], _Phrase] = {}
    for phrase in phrases:
        key = (phrase.claim.kind, phrase.normalized)
        if key in merged:
            merged[key].claim.sources += [s for s in phrase.claim.sources if s not in merged[key].claim.sources]
        else:
            merged[key] = phrase
    return sorted(merged.values(), key=lambda phrase: -len(phrase.normalized))


def _blank(
    text: str,
    pattern: re.Pattern[str],
    *,
    unless_inside: list[tuple[int, int]] | None = None,
    unless_pure: bool = False,
) -> tuple[str, bool]:
    """Replace each match by spaces, except one that lies within a longer span of `unless_inside`.

    With `unless_pure`, a match after a word that claims purity ("solid", "pure") stays too, so that the
    material pass checks "solid gold" against the spec even where a variant is called "Gold".
    """
    found = False

    def spaces(match: re.Match[str]) -> str:
        nonlocal found
        if any(strictly_inside(match.span(), outer) for outer in unless_inside or ()):
            return match.group(0)
        if unless_pure and purity_before(text, match.start()):
            return match.group(0)
        found = True
        return " " * len(match.group(0))

    return pattern.sub(spaces, text), found


def _listing_anchors(listing: ProductCopy, phrases: list[_Phrase], facts: SpecFacts) -> list[Claim]:
    """Attach each anchor the copy promises to the spec anchor it restates, or trace it as a new claim."""
    spec_anchors = [phrase.claim for phrase in phrases if phrase.claim.kind == ClaimKind.ANCHOR]
    new_claims = []
    for index, anchor in enumerate(listing.visual_anchors):
        path = f"visual_anchors[{index}]"
        # An exact restatement wins a tie: "under a desk" and "on a desk" share every word that counts.
        best = max(
            spec_anchors,
            key=lambda claim: (similar(claim.text, anchor), normalize(claim.text) == normalize(anchor)),
            default=None,
        )
        if best is not None and (
            normalize(best.text) == normalize(anchor) or similar(best.text, anchor) >= ANCHOR_SIMILARITY
        ):
            best.copy_fields.append(path)
            continue
        sources = [
            text.path
            for text in facts.texts
            if text.path.startswith(("visual.", "features", "summary"))
            and similar(text.text, anchor) >= ANCHOR_SIMILARITY
        ]
        new_claims.append(
            Claim(kind=ClaimKind.ANCHOR, text=anchor, copy_fields=[path], sources=sources, supported=bool(sources))
        )
    return new_claims


class _SpecFigures:
    """The spec's quantities sorted by value, so that each copy figure is compared only with those near it.

    Comparing every copy figure with every spec figure took seconds on a spec full of numbers. Sources are
    cached per figure, because the ledger looks them up again for each reading and each copy field.
    """

    def __init__(self, facts: SpecFacts) -> None:
        self._facts = facts
        # Raw values of every spec quantity, for copy figures without a unit, and base-unit values by dimension.
        self._raw = _SortedValues((fact.quantity.value, index) for index, fact in enumerate(facts.quantities))
        by_dimension: dict[str, list[tuple[float, int]]] = {}
        for index, fact in enumerate(facts.quantities):
            if fact.quantity.unit is not None:
                dimension = UNITS[fact.quantity.unit].dimension
                by_dimension.setdefault(dimension, []).append((base_value(fact.quantity), index))
        self._by_dimension = {dimension: _SortedValues(values) for dimension, values in by_dimension.items()}
        self._cache: dict[tuple[float, str | None, str | None, int, str | None], list[str]] = {}

    def sources(self, quantity: Quantity) -> list[str]:
        """Return the paths of the spec fields whose quantities agree with a copy figure, in spec order."""
        hashtag = quantity.text if quantity.hashtag else None
        key = (quantity.value, quantity.unit, quantity.unit_word, quantity.decimals, hashtag)
        if key not in self._cache:
            self._cache[key] = self._find_sources(quantity)
        return list(self._cache[key])

    def nearest(self, quantity: Quantity) -> str | None:
        """Name the spec figure of the same kind as a copy figure that is nearest in value, and its field."""
        if quantity.unit is None:
            return None
        pool = self._by_dimension.get(UNITS[quantity.unit].dimension)
        if pool is None:
            return None
        fact = self._facts.quantities[pool.nearest(base_value(quantity))]
        shown = fact.quantity.text
        if fact.quantity.unit is not None and not re.search(r"[^\d\s.,]", shown):
            shown = f"{shown} {unit_symbol(fact.quantity.unit)}"
        return f"{shown} at {fact.path}"

    def _find_sources(self, quantity: Quantity) -> list[str]:
        sources = self._facts.paths_tagged(quantity.text) if quantity.hashtag else []
        dimension, low, high = agreement_range(quantity)
        pools = [self._raw] if dimension is None else [self._by_dimension.get(dimension)]
        if quantity.unit in RATING_UNITS:
            # A rating also agrees with a bare spec figure (see quantities.agrees).
            pools.append(self._raw)
        candidates = sorted({index for pool in pools if pool is not None for index in pool.between(low, high)})
        seen = set(sources)
        for index in candidates:
            fact = self._facts.quantities[index]
            if fact.path not in seen and agrees(quantity, fact.quantity):
                sources.append(fact.path)
                seen.add(fact.path)
        for spec_range in self._facts.ranges:
            if spec_range.path not in seen and within(quantity, spec_range.low, spec_range.high):
                sources.append(spec_range.path)
                seen.add(spec_range.path)
        return sources


class _SortedValues:
    """Values with the positions of the spec quantities they belong to, searchable by range."""

    def __init__(self, items: Iterable[tuple[float, int]]) -> None:
        pairs = sorted(items)
        self._values = [value for value, _ in pairs]
        self._indexes = [index for _, index in pairs]

    def between(self, low: float, high: float) -> list[int]:
        return self._indexes[bisect.bisect_left(self._values, low) : bisect.bisect_right(self._values, high)]

    def nearest(self, value: float) -> int:
        """Return the position of the quantity whose value is nearest to `value`. There must be at least one."""
        place = bisect.bisect_left(self._values, value)
        neighbours = [index for index in (place - 1, place) if 0 <= index < len(self._values)]
        return self._indexes[min(neighbours, key=lambda index: abs(self._values[index] - value))]


def _readings(quantity: Quantity, figures: _SpecFigures) -> tuple[Quantity, ...]:
    """Return the figure, or another reading of it when only that one is in the spec.

    "10.000 mAh" may be read with a thousands point as 10000 mAh, "1,250 kg" with a decimal comma as
    1.25 kg, "4 250 ml" as the numbers 4 and 250 ml,
    the 300 of "300 x 200 mm" as 300 mm, "5 oz" as 5 fl oz and "230°" as 230 °C.
    """
    if figures.sources(quantity):
        return (quantity,)
    if quantity.other_mark is not None and figures.sources(quantity.other_mark):
        return (quantity.other_mark,)
    if quantity.split and all(figures.sources(part) for part in quantity.split):
        return quantity.split
    if quantity.spread is not None and figures.sources(quantity.spread):
        return (quantity.spread,)
    for unit in OTHER_READINGS.get(quantity.unit or "", ()):
        # US labels write fluid ounces as "oz" ("150 ml / 5 oz bottle"), and "230°" may be a temperature.
        other = replace(quantity, unit=unit)
        if figures.sources(other):
            return (other,)
    return (quantity,)


# "100%" before a word, as an intensifier ("100% cotton", "100% vegan", "100% unique") rather than a measure.
# The word after it is read whole with any hyphen, since "100% salmon-free" is no share of salmon.
_INTENSIFIER = re.compile(r"(?<![\w.,])(100 ?%|100 percent)(?= ?([^\W\d_]+(?:-[^\W\d_]+)*))", re.IGNORECASE)
# A share of a word in spec text: "26% salmon", "70 % Arabica".
_SHARE_OF = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)? ?(?:%|percent) ([^\W\d_]+)")


def _shared_words(facts: SpecFacts) -> set[str]:
    """Return the words the spec states a share of, other than vocabulary terms.

    A share is a percentage before the word ("26% salmon") or a spec table key in percent ("salmon_pct": 26).
    "100%" before such a word in the copy is a figure the spec must state ("100% salmon recipe" against 26%
    salmon). Before a vocabulary term it claims the pure material or the property, traced as such.
    """
    words: set[str] = set()
    for text in facts.texts:
        words.update(match.group(1) for match in _SHARE_OF.finditer(text.normalized))
        key = text.path.removeprefix("specs.")
        if key != text.path and key_unit(key) == "%":
            words.update(normalize(key).split()[:-1])
    return words - set(_KIND_OF_TERM)


def _number_claims(fields: Iterable[tuple[str, str]], facts: SpecFacts) -> list[Claim]:
    figures = _SpecFigures(facts)
    shared = _shared_words(facts)

    def intensifier(match: re.Match[str]) -> str:
        """Blank "100%" unless it is a share of a word the spec states another share of."""
        return match.group(0) if normalize(match.group(2)) in shared else " " * len(match.group(0))

    # A hashtag is its own claim, because a spec name can back "#1111" without stating the number 1111. So is
    # each precision of a figure: 2.96 kg backs "3 kg" but not "3.00 kg".
    by_key: dict[tuple[float, str | None, str | None, int, bool], tuple[Quantity, list[str]]] = {}
    for path, text in fields:
        # "100% cotton", "100% vegan": the word after claims purity or the property, which is traced as such.
        measured = _INTENSIFIER.sub(intensifier, text)
        for quantity in find_quantities(measured):
            for reading in _readings(quantity, figures):
                key = (*reading.key, reading.decimals, reading.hashtag)
                _, paths = by_key.setdefault(key, (reading, []))
                if path not in paths:
                    paths.append(path)
    claims = []
    for quantity, paths in by_key.values():
        sources = figures.sources(quantity)
        claims.append(
            Claim(
                kind=ClaimKind.NUMBER,
                text=quantity.text,
                copy_fields=paths,
                sources=sources,
                supported=bool(sources),
                nearest=None if sources else figures.nearest(quantity),
            )
        )
    return claims


def build_ledger(spec: ProductSpec, brand: BrandGuide | None, listing: ProductCopy, facts: SpecFacts) -> list[Claim]:
    """Trace every claim of the copy and every visual promise of the spec to the fields that support it."""
    fields = readable_fields(listing)
    phrases = _merge(_spec_phrases(spec, brand))
    normalized = {path: normalize(text) for path, text in fields}
    working = _trace_spec_phrases(phrases, fields, normalized)
    product_facts = facts.without(COMPETITOR_PREFIX)
    term_fields = _copy_terms(working, normalized, dict(fields), facts.terms_looked(_MATERIAL_TERMS))

    claims = [phrase.claim for phrase in phrases if phrase.claim.copy_fields or phrase.claim.kind != ClaimKind.MATERIAL]
    claims += _listing_anchors(listing, phrases, facts)
    for (term, negative, sense, comparison), (wording, paths) in term_fields.items():
        sources = _term_sources(term, negative, sense, facts if comparison else product_facts)
        if sense == MaterialSense.PURE and claims_fine_metal(wording):
            # "Pure gold" and "24k gold" are fine gold, which "18k gold" is not.
            alloys = (facts if comparison else product_facts).paths_alloying(term_pattern(term))
            sources = [path for path in sources if path not in alloys]
        claims.append(
            Claim(kind=_KIND_OF_TERM[term], text=wording, copy_fields=paths, sources=sources, supported=bool(sources))
        )
    claims += _denied_key_claims(working, normalized, product_facts, facts)
    # A comparison bullet may restate a competitor's facts ("PVC, made in China"), which back only such bullets.
    comparing = [(path, text) for path, text in fields if _compares(path)]
    describing = [(path, text) for path, text in fields if not _compares(path)]
    claims += _origin_claims(comparing, facts) + _origin_claims(describing, product_facts)
    claims += _number_claims(comparing, facts) + _number_claims(describing, product_facts)
    return claims


def _trace_spec_phrases(
    phrases: list[_Phrase], fields: list[tuple[str, str]], normalized: dict[str, str]
) -> dict[str, str]:
    """Record the copy fields each spec phrase appears in; return the copy with those phrases blanked out.

    A spec phrase inside a longer term of the copy is left to that term, so that spec "steel" does not hide
    the "stainless" of copy "stainless steel".
    """
    working = dict(normalized)
    term_spans = {path: [match.span(1) for match in _TERMS.finditer(text)] for path, text in working.items()}
    for phrase in phrases:
        pattern = term_pattern(phrase.normalized)
        pure = phrase.claim.kind in (ClaimKind.MATERIAL, ClaimKind.COLOR)
        for path, text in working.items():
            working[path], found = _blank(text, pattern, unless_inside=term_spans[path], unless_pure=pure)
            if found:
                phrase.claim.copy_fields.append(path)
    for phrase in phrases:
        if phrase.claim.kind in (ClaimKind.ANCHOR, ClaimKind.MANDATORY_ELEMENT):
            for path, text in fields:
                if path not in phrase.claim.copy_fields and mentions(text, phrase.claim.text):
                    phrase.claim.copy_fields.append(path)
    return working


_TermKey = tuple[str, bool, MaterialSense, bool]


def _copy_terms(
    working: dict[str, str], normalized: dict[str, str], original: dict[str, str], looked: set[str]
) -> dict[_TermKey, tuple[str, list[str]]]:
    """Find the vocabulary terms left in the copy once the spec's own phrases are blanked.

    The key is the term and three facts about it. The first is whether the copy denies it ("Waterproof: no"
    is a claim too, backed by a spec that denies it). The second is what a material word claims ("genuine
    leather", "gold-tone"), where `looked` are the materials the spec names as a look ("gold colour"). The
    third is whether it is in a comparison bullet, the only copy that competitors' fields may back. The value
    is the first wording found and the fields.
    """
    term_fields: dict[_TermKey, tuple[str, list[str]]] = {}
    for path, text in working.items():
        searched = _without_other_senses(text, normalized[path])
        for match in _TERMS.finditer(searched):
            term = match.group(1)
            kind = _KIND_OF_TERM[term]
            negative = kind in _DENIABLE and denied(searched, *match.span(), material=kind == ClaimKind.MATERIAL)
            sense, wording = MaterialSense.PLAIN, f"not {term}" if negative else term
            if kind == ClaimKind.MATERIAL and not negative:
                # Read in the text before blanking, where the spec's "PU" still qualifies "PU leather".
                sense, wording = _material_sense(normalized[path], match, original[path], term in looked)
            _, paths = term_fields.setdefault((term, negative, sense, _compares(path)), (wording, []))
            if path not in paths:
                paths.append(path)
    return term_fields


def _without_other_senses(text: str, normalized: str) -> str:
    """Blank the phrases of another sense ("black gold") in a copy field whose spec phrases are blanked already.

    They are found in the field before that blanking, because a spec phrase may be part of one: a variant
    called "Schwarz" is the start of "Schwarzes Gold".
    """
    for match in OTHER_SENSE_PHRASES.finditer(normalized):
        text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    return text


def _term_sources(term: str, negative: bool, sense: MaterialSense, backing: SpecFacts) -> list[str]:
    """List the spec fields that back one term of the copy, or that deny it when the copy denies it."""
    kind = _KIND_OF_TERM[term]
    material = kind == ClaimKind.MATERIAL
    if negative:
        return backing.paths_denying(term_pattern(term), material=material)
    stating = partial(backing.paths_stating, skip_denied=kind in _DENIABLE, material=material, sense=sense)
    sources = stating(term_pattern(term), terms=_TERMS)
    if sense == MaterialSense.PURE:
        # A share or blend anywhere in the spec ("60% cotton") contradicts "100% cotton", and a variant's
        # colour name ("Gold") names no material.
        blending = backing.paths_blending(term_pattern(term))
        sources = [] if blending else [path for path in sources if not path.endswith(".color")]
    for narrower in NARROWER_TERMS.get(term, ()):
        if sense == MaterialSense.PURE and narrower in _ALLOYS:
            continue
        narrower_paths = stating(_narrower_pattern(narrower), terms=_TERMS)
        sources += [path for path in narrower_paths if path not in sources and _NARROWER_SOURCES.match(path)]
    return sources


# Fields whose narrower term backs a broader word of the copy: the product's materials, its variants' colours,
# materials and finishes, and spec table entries named for a material or colour. A name, a scent or a summary
# with "oak" or "olive" in it states no wood and no green.
_NARROWER_SOURCES = re.compile(
    r"(?:competitors\[\d+\]\.)?(?:materials\[\d+\]|variants\[\d+\]\.(?:color|material|finish)"
    r"|specs\.[^.]*(?:material|colou?r|fabric|metal|wood|finish))$",
    re.IGNORECASE,
)


# Narrower terms that name an alloy, which states no pure metal: sterling silver is 92.5% silver.
_ALLOYS = frozenset({"sterling silver", "stainless steel"})


def _narrower_pattern(term: str) -> re.Pattern[str]:
    """Find a narrower term that names the thing itself, not a look of it ("oak effect", "emerald cut")."""
    return re.compile(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)(?! (?:{NOT_THE_THING_AFTER})\b)")


def _material_sense(text: str, match: re.Match[str], original: str, looked_in_spec: bool) -> tuple[MaterialSense, str]:
    """Tell what a material word of the copy claims, with the words that claim it.

    "Genuine leather" and "100% cotton" claim the pure material, "PU leather", "gold-tone" and "silk-like" an
    imitation or look of it, and "leather" the material itself. Copy that names its own blend ("real wood
    veneer") claims no pure material. `original` is the field as written, where a hyphen still joins "-like".
    With `looked_in_spec`, the spec names a look of the material, so the copy's "gold colour" is one too.
    """
    term = match.group(1)
    if imitated(text, *match.span(), copy=True, looked_in_spec=looked_in_spec) or _joined_like(term, original):
        return MaterialSense.IMITATION, f"imitation {term}"
    purity = purity_before(text, match.start())
    if purity is not None and not blended(text, *match.span()):
        return MaterialSense.PURE, f"{purity.group(0)}{term}"
    return MaterialSense.PLAIN, term


@functools.lru_cache(maxsize=256)
def _joined_like(term: str, original: str) -> bool:
    """Tell whether a field joins the term to "-like" anywhere ("silk-like"), once per term and field.

    The result is cached because every mention of a term needs it, and a long description that repeats a
    material would otherwise be scanned whole for each mention.
    """
    return re.search(rf"(?<!\w){re.escape(term)}(?:s|es)?-like(?!\w)", original, re.IGNORECASE) is not None


# A negation anywhere earlier in the clause of a spec key's words denies them ("not suitable for a gluten free
# diet"). Claims of the vocabulary need one closer by (vocabulary.denied), but these words are the spec's own
# denial, which copy that names them at all most likely repeats.
_CLAUSE_NEGATION = re.compile(
    r"(?<!\w)(?:not|no|non|never|neither|nor|without|isn't|aren't|doesn't|don't|free of|free from)(?!\w)[^.;!?]*$"
)


def _denied_key_claims(
    working: dict[str, str], normalized: dict[str, str], product_facts: SpecFacts, facts: SpecFacts
) -> list[Claim]:
    """Trace the words of spec table keys that the spec denies, where the copy affirms them.

    "gluten_free": false makes "gluten-free granola" a claim the spec contradicts, and "pvc_free": true makes
    "PVC base" one. Words that a vocabulary term covers are left to that term's claim. A mention that
    restates another spec field ("cetearyl alcohol" of an "alcohol_free" cream's emulsifier) is traced to it,
    and in a comparison bullet a competitor's field counts too ("Budget PVC yoga mat").
    """
    denying = {key.path for key in product_facts.denied_keys}
    claims: dict[tuple[str, bool], Claim] = {}
    for path, text in working.items():
        searched = _without_other_senses(text, normalized[path])
        term_spans = [match.span(1) for match in _TERMS.finditer(searched)]
        backing = facts if _compares(path) else product_facts
        for key in product_facts.denied_keys:
            for match in term_pattern(key.phrase).finditer(searched):
                if any(start <= match.start() and match.end() <= end for start, end in term_spans):
                    continue
                if _key_words_denied(searched, match.start(), match.end(), free=key.free):
                    continue
                sources = _restating_paths(normalized[path], match, key, backing, denying)
                supported = bool(sources)
                claim = claims.setdefault(
                    (key.phrase, supported), Claim(kind=ClaimKind.PROPERTY, text=key.phrase, supported=supported)
                )
                if path not in claim.copy_fields:
                    claim.copy_fields.append(path)
                claim.sources += [source for source in sources if source not in claim.sources]
                if not sources and key.path not in claim.denied_by:
                    claim.denied_by.append(key.path)
    return list(claims.values())


def _key_words_denied(text: str, start: int, end: int, *, free: bool) -> bool:
    """Tell whether the words of a denied spec key at `text[start:end]` are denied there too."""
    return denied(text, start, end, material=free) or bool(
        _CLAUSE_NEGATION.search(text, max(0, start - _CLAUSE_WINDOW), start)
    )


def _restating_paths(text: str, match: re.Match[str], key: DeniedKey, facts: SpecFacts, denying: set[str]) -> list[str]:
    """Return the spec fields that state a denied key's words as the copy does at `match` in `text`.

    Such a field names the words undenied and in the same context (_same_context), so the copy's "Alcohol
    pct: 0" restates the entry "alcohol_pct": 0 and its "anyone skipping alcohol" the persona, while
    "contains alcohol" restates neither. Entries that deny a key state nothing.
    """
    before, after = _neighbours(text, match.start(), match.end())
    pattern = term_pattern(key.phrase)
    paths = []
    for fact in facts.texts:
        if fact.path in denying or fact.path in paths:
            continue
        for found in pattern.finditer(fact.normalized):
            if _key_words_denied(fact.normalized, found.start(), found.end(), free=key.free):
                continue
            if _same_context((before, after), _neighbours(fact.normalized, found.start(), found.end())):
                paths.append(fact.path)
                break
    return paths


def _same_context(copy: tuple[str | None, str | None], spec: tuple[str | None, str | None]) -> bool:
    """Tell whether two mentions' nearest words before and after agree.

    They agree where one side has the same word in both and no side has different words ("cetearyl alcohol"
    against "cetearyl alcohol and glyceryl stearate"), or where neither has a word on either side.
    """
    sides = list(zip(copy, spec, strict=True))
    if any(ours is not None and theirs is not None and ours != theirs for ours, theirs in sides):
        return False
    return any(ours is not None and ours == theirs for ours, theirs in sides) or copy == spec == (None, None)


# Marks that end a clause in normalized text. A point inside a figure ("0.4 g") ends none.
_CLAUSE_END = re.compile(r"[,;:!?()\[\]•]|\.(?!\d)")
_WORD = re.compile(r"[^\W_]+")


def _neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """Return the nearest word that carries meaning before and after `text[start:end]` in its clause.

    Either is None where the clause has no such word on that side.
    """
    clause_start = max((mark.end() for mark in _CLAUSE_END.finditer(text, 0, start)), default=0)
    clause_end = _CLAUSE_END.search(text, end)
    before = [word for word in _WORD.findall(text, clause_start, start) if word not in _STOPWORDS]
    after = [
        word
        for word in _WORD.findall(text, end, clause_end.start() if clause_end else len(text))
        if word not in _STOPWORDS
    ]
    return (before[-1] if before else None, after[0] if after else None)


# Characters before a spec key's words searched for a negation in their clause.
_CLAUSE_WINDOW = 80


def _origin_claims(fields: Iterable[tuple[str, str]], facts: SpecFacts) -> list[Claim]:
    """Trace each origin the copy states ("Made in Portugal") to the spec fields that state the same country.

    Countries are compared by ISO 3166 code, so "USA" agrees with "United States" and "England" with
    "United Kingdom". A spec field states an origin only as one (see origins.origin_statements), so
    "Inspired by Portugal" backs no "Made in Portugal".
    """
    by_country: dict[str, tuple[str, list[str]]] = {}
    for path, text in fields:
        for code, place in stated_origins(text):
            _, paths = by_country.setdefault(code, (place, []))
            if path not in paths:
                paths.append(path)
    if not by_country:
        return []
    stated: dict[str, list[str]] = {}
    for fact in facts.texts:
        for code in origin_statements(fact.path, fact.text):
            paths = stated.setdefault(code, [])
            if fact.path not in paths:
                paths.append(fact.path)
    claims = []
    for code, (place, paths) in by_country.items():
        # A place that also names a part of another country is backed by a spec that states that country.
        codes = [code, *SHARED_PLACE_NAMES.get(place.casefold(), ())]
        sources = [path for country in codes for path in stated.get(country, [])]
        claims.append(
            Claim(
                kind=ClaimKind.PROPERTY,
                text=f"made in {place}",
                copy_fields=paths,
                sources=sources,
                supported=bool(sources),
            )
        )
    return claims


def _compares(path: str) -> bool:
    """Tell whether a copy field is a comparison bullet, which may cite a competitor's figures and words."""
    return path.startswith("comparison_bullets")


def places_text(paths: list[str]) -> str:
    """Name up to two places in full and count the rest: "title, description and 3 more"."""
    if len(paths) <= 2:
        return ", ".join(paths)
    return f"{paths[0]}, {paths[1]} and {len(paths) - 2} more"


def claim_checks(claims: list[Claim]) -> list[CheckResult]:
    """Turn each claim the copy states into a check that passes when a spec field supports it."""
    results = []
    for claim in claims:
        if not claim.copy_fields:
            continue
        measured: dict[str, object] = {"sources": claim.sources, "fields": claim.copy_fields}
        detail = "" if claim.supported else f"no spec field states '{claim.text}'"
        if claim.denied_by:
            measured["denied_by"] = claim.denied_by
            detail += f"; {places_text(claim.denied_by)} denies it"
        if claim.nearest is not None:
            measured["nearest"] = claim.nearest
            detail += f"; the nearest spec figure of its kind is {claim.nearest}"
        results.append(
            CheckResult(
                check=f"{claim.kind.value}_traced",
                target=CheckTarget.CLAIM,
                where=places_text(claim.copy_fields),
                subject=claim.text,
                passed=claim.supported,
                measured=measured,
                expected="a spec field that states it",
                detail=detail,
            )
        )
    return results
