"""Every fact a spec and its brand guide state, by field path, for the claims ledger to trace copy to."""

import re
from dataclasses import dataclass, field, replace
from typing import Any

from spec2listing.consistency.quantities import Quantity, find_number_words, find_quantities, find_ranges
from spec2listing.consistency.units import OTHER_READINGS, key_unit, unit_key
from spec2listing.consistency.vocabulary import (
    DENYING_VALUES,
    IMPLIED_FIGURES,
    OTHER_SENSE_PHRASES,
    PROPERTIES,
    WITHHOLDING_VALUE,
    MaterialSense,
    alloyed,
    blended,
    denied,
    imitated,
    looked_after,
    normalize,
)
from spec2listing.copywriting.facts import not_applicable, spec_label, spec_value
from spec2listing.models.brand import BrandGuide
from spec2listing.models.spec import ProductSpec

# Spec fields about how to write or where to publish rather than the product. `specs` is indexed separately.
_NOT_FACTS = {"targets", "reference_photos", "brand_guide", "brand_voice", "specs"}
# Fields about shoppers' habits and wishes, which state nothing about the product ("prefers waterproof packs").
_SHOPPER_FIELDS = {"shopping_behavior", "preferences"}
# Fields about other products: they back the figures and words of comparison bullets only, since a competitor's
# 650 g or titanium frame states nothing about this product.
COMPETITOR_PREFIX = "competitors"
_MEASURED = ("value", "width", "depth", "height")


@dataclass(frozen=True)
class SpecText:
    """One text field of the spec; `negated` marks a spec table entry that is false, 0, "no" or "none"."""

    path: str
    text: str
    normalized: str
    negated: bool = False


@dataclass(frozen=True)
class SpecQuantity:
    path: str
    quantity: Quantity


@dataclass(frozen=True)
class SpecRange:
    path: str
    low: Quantity
    high: Quantity


@dataclass(frozen=True)
class DeniedKey:
    """Words of a spec table key that the entry denies, as `phrase` in normalized form.

    "gluten_free": false denies "gluten free", and "pvc_free": true denies "pvc" (`free`: deny it as a
    material is denied, where "PVC-free" restates the entry).
    """

    path: str
    phrase: str
    free: bool = False


@dataclass
class SpecFacts:
    """The texts and quantities of one spec and brand guide, each with its field path."""

    texts: list[SpecText] = field(default_factory=list)
    quantities: list[SpecQuantity] = field(default_factory=list)
    # Ranges of the spec's texts ("US 5–9", "100-240 V"), which back any figure between their ends.
    ranges: list[SpecRange] = field(default_factory=list)
    # Words of spec table keys whose entries deny them, which copy may not affirm.
    denied_keys: list[DeniedKey] = field(default_factory=list)

    def add_text(self, path: str, text: str, *, negated: bool = False, default_unit: str | None = None) -> None:
        normalized = normalize(text)
        self.texts.append(SpecText(path, text, normalized, negated))
        for term, figures in IMPLIED_FIGURES.items():
            if not negated and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", normalized):
                for figure, unit in figures:
                    self.quantities.append(SpecQuantity(path, Quantity(figure, unit, f"{figure:g}")))
        for quantity in find_quantities(text, default_unit, spread_units=True) + find_number_words(text):
            other_mark = () if quantity.other_mark is None else (quantity.other_mark,)
            for reading in (quantity, *quantity.split, *other_mark):
                self.quantities.append(SpecQuantity(path, reading))
            for unit in OTHER_READINGS.get(quantity.unit or "", ()):
                # "Oven safe to 230°" states 230 °C or 230 °F, as copy may read it.
                self.quantities.append(SpecQuantity(path, replace(quantity, unit=unit)))
        self.ranges += [SpecRange(path, low, high) for low, high in find_ranges(text, default_unit)]

    def add_quantity(self, path: str, value: float, unit: str | None) -> None:
        self.quantities.append(SpecQuantity(path, Quantity(float(value), unit, f"{value:g}")))

    def without(self, prefix: str) -> "SpecFacts":
        """Return the facts of every field except those under `prefix` (a top-level field such as competitors)."""

        def kept(path: str) -> bool:
            return not (path == prefix or path.startswith((f"{prefix}.", f"{prefix}[")))

        return SpecFacts(
            texts=[text for text in self.texts if kept(text.path)],
            quantities=[quantity for quantity in self.quantities if kept(quantity.path)],
            ranges=[spec_range for spec_range in self.ranges if kept(spec_range.path)],
            denied_keys=[key for key in self.denied_keys if kept(key.path)],
        )

    def paths_stating(
        self,
        pattern: re.Pattern[str],
        *,
        skip_denied: bool = False,
        material: bool = False,
        sense: MaterialSense = MaterialSense.PLAIN,
        terms: re.Pattern[str] | None = None,
    ) -> list[str]:
        """Return the paths of the texts that match a normalized-term pattern.

        With `skip_denied`, as for a property or material, a negated entry or a denied mention ("not
        waterproof", "plastic-free") does not count, and `material` applies the rules for a material. A
        match inside a longer match of `terms` does not count either: "faux leather" states no leather, and
        "gold plated" no solid gold.

        For a material, `sense` is what the copy claims. The material itself is stated by no imitation or
        look of it ("PU leather", "gold-tone"); such a mention states only an imitation, as does any other.
        Pure material ("100% wool") is stated by no share or blend ("20% wool", "wool blend") either.
        """
        imitation = material and sense == MaterialSense.IMITATION
        paths = []
        for text in self.texts:
            matches = list(pattern.finditer(text.normalized))
            if not matches:
                continue
            # Searched only in a text that names the term, since the ledger asks this for every term of the copy.
            longer = []
            if terms is not None and not imitation:
                longer = [match.span(1) for match in terms.finditer(text.normalized)]
            # A colour or material word in a phrase of another sense ("black pepper", "olive oil") states neither,
            # in the spec as in the copy.
            other_senses = [match.span() for match in OTHER_SENSE_PHRASES.finditer(text.normalized)]
            for match in matches:
                if any(start <= match.start() and match.end() <= end for start, end in other_senses):
                    continue
                if skip_denied and (text.negated or denied(text.normalized, *match.span(), material=material)):
                    continue
                if any(strictly_inside(match.span(), span) for span in longer):
                    continue
                if material and not imitation and imitated(text.normalized, *match.span()):
                    continue
                if material and sense == MaterialSense.PURE and blended(text.normalized, *match.span()):
                    continue
                paths.append(text.path)
                break
        return paths

    def terms_looked(self, terms: re.Pattern[str]) -> set[str]:
        """Return the materials among `terms` (group 1 of a match) that some text names as a look ("gold colour")."""
        looked = set()
        for text in self.texts:
            for match in terms.finditer(text.normalized):
                if looked_after(text.normalized, match.end()):
                    looked.add(match.group(1))
        return looked

    def paths_blending(self, pattern: re.Pattern[str]) -> list[str]:
        """Return the paths of the texts that state a material only as a share or blend ("60% cotton")."""
        paths = []
        for text in self.texts:
            if any(blended(text.normalized, *match.span()) for match in pattern.finditer(text.normalized)):
                paths.append(text.path)
        return paths

    def paths_alloying(self, pattern: re.Pattern[str]) -> list[str]:
        """Return the paths of the texts that name a metal as an alloy below fine ("18k gold", "9ct gold")."""
        return [
            text.path
            for text in self.texts
            if any(alloyed(text.normalized, match.start()) for match in pattern.finditer(text.normalized))
        ]

    def paths_tagged(self, body: str) -> list[str]:
        """Return the paths of the texts that make a hashtag's body when only letters and digits are kept.

        The campaign "11.11" makes "#1111", so that hashtag names the campaign rather than the number 1111.
        """
        return [text.path for text in self.texts if re.sub(r"[\W_]+", "", text.text).lower() == body.lower()]

    def paths_denying(self, pattern: re.Pattern[str], *, material: bool = False) -> list[str]:
        """Return the paths of the texts that deny a property or material: negated entries that name it, or denied
        mentions."""
        paths = []
        for text in self.texts:
            for match in pattern.finditer(text.normalized):
                if text.negated or denied(text.normalized, *match.span(), material=material):
                    paths.append(text.path)
                    break
        return paths


def strictly_inside(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    """Tell whether one text span lies within another, longer one."""
    return outer[0] <= inner[0] and inner[1] <= outer[1] and outer[1] - outer[0] > inner[1] - inner[0]


def _walk(facts: SpecFacts, value: Any, path: str) -> None:
    if isinstance(value, dict):
        if "amount" in value and "currency" in value:
            facts.add_quantity(f"{path}.amount", float(value["amount"]), unit_key(str(value["currency"])))
        for name in _MEASURED:
            if isinstance(value.get(name), int | float) and "unit" in value:
                facts.add_quantity(f"{path}.{name}", value[name], unit_key(str(value["unit"])))
        for name, item in value.items():
            if name in ("amount", "currency", "unit", "color_hex", "sku", *_MEASURED):
                continue
            _walk(facts, item, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(facts, item, f"{path}[{index}]")
    elif isinstance(value, str):
        facts.add_text(path, value)


# Spec table values that deny their key or leave it unstated: English, "n/a" and a dash, and the words of
# German, French and Spanish tables.
_FALSE_VALUES = frozenset({*DENYING_VALUES, "0"})


# Spec table values that affirm their key: "dishwasher: yes" states that the product is dishwasher safe.
_TRUE_VALUES = frozenset({"yes", "true", "y", "safe", "ja", "oui", "sí", "si"})
# Properties "<key> safe" that a spec table key set to yes states ("dishwasher", "microwave", "oven").
_SAFE_PROPERTIES = frozenset(term for term in PROPERTIES if term.endswith(" safe"))


def _is_true(value: str | int | float | bool) -> bool:
    """Tell whether a spec table value affirms its key: true, or a text that starts with a _TRUE_VALUES word."""
    if isinstance(value, str):
        first = re.match(r"\s*([^\W\d_]+)(?:$|[\s,;:(-])", value.lower())
        return first is not None and first.group(1) in _TRUE_VALUES
    return value is True


def _safe_property(key: str, value: str | int | float | bool) -> str | None:
    """Return the "<key> safe" property a spec table entry states, if any.

    A key such as "dishwasher" or "oven" set to yes states it ("oven: yes, up to 260 °C"), and so does a key
    that names a temperature limit for it, as "max_oven_temp_f: 500" does.
    """
    safe = f"{normalize(spec_label(key))} safe"
    if safe in _SAFE_PROPERTIES and _is_true(value):
        return safe
    unit = key_unit(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0 or unit not in ("°c", "°f"):
        return None
    words = set(key.lower().split("_"))
    return next((term for term in sorted(_SAFE_PROPERTIES) if term.removesuffix(" safe") in words), None)


def _is_false(value: str | int | float | bool) -> bool:
    """Tell whether a spec table value denies its key: false, 0, or a text of _FALSE_VALUES ("no", "n/a")."""
    if isinstance(value, str):
        return value.strip().lower() in _FALSE_VALUES
    return value == 0


_WITHHOLDING = re.compile(rf"(?:{WITHHOLDING_VALUE})\W*")


def _withholds(value: str | int | float | bool) -> bool:
    """Tell whether a spec table text value withholds its key ("no claim made", "not tested")."""
    return isinstance(value, str) and _WITHHOLDING.fullmatch(normalize(value.strip())) is not None


def _denied_key(path: str, key: str, value: str | int | float | bool) -> DeniedKey | None:
    """Return the words of its key that a spec table entry denies, if it denies any.

    A false, "no" or withholding value denies the key's words ("gluten_free": false, "reef_safe": "no claim
    made"), and a key that ends in "free" set to yes denies what it is free of ("pvc_free": true). A 0 denies
    nothing here, since "added_sugar_g": 0 states an amount, and neither does "n/a" or a dash: the entry does
    not apply, so "size": "n/a" forbids no "one size fits most".
    """
    if not_applicable(value):
        return None
    words = normalize(spec_label(key).split(" (")[0]).split()
    if len(words) > 1 and words[-1] == "free" and _is_true(value):
        return DeniedKey(path, " ".join(words[:-1]), free=True)
    if value is False or (isinstance(value, str) and (_is_false(value) or _withholds(value))):
        return DeniedKey(path, " ".join(words)) if words else None
    return None


def spec_facts(spec: ProductSpec, brand: BrandGuide | None) -> SpecFacts:
    """Index every text and quantity of the spec, the spec table and the brand guide's visual rules."""
    facts = SpecFacts()
    exclude: dict[str, Any] = dict.fromkeys(_NOT_FACTS, True) | {"audience": _SHOPPER_FIELDS}
    _walk(facts, spec.model_dump(mode="python", exclude=exclude), "")

    for key, value in spec.specs.items():
        path = f"specs.{key}"
        default_unit = key_unit(key)
        negated = _is_false(value)
        if _withholds(value):
            # The key's words are withheld, and the value's own words are read as written ("no claim made").
            facts.add_text(path, spec_label(key), negated=True, default_unit=default_unit)
            facts.add_text(path, spec_value(value), default_unit=default_unit)
        else:
            facts.add_text(path, f"{spec_label(key)}: {spec_value(value)}", negated=negated, default_unit=default_unit)
        denied_key = _denied_key(path, key, value)
        if denied_key is not None:
            facts.denied_keys.append(denied_key)
        safe = _safe_property(key, value)
        if safe is not None:
            facts.add_text(path, safe)
        if isinstance(value, int | float) and not isinstance(value, bool):
            facts.add_quantity(path, value, default_unit)

    if brand is not None:
        facts.add_text("brand.brand", brand.brand)
        for index, element in enumerate(brand.visual.mandatory_elements):
            facts.add_text(f"brand.visual.mandatory_elements[{index}]", element)
        if brand.visual.lighting:
            facts.add_text("brand.visual.lighting", brand.visual.lighting)
    return facts
