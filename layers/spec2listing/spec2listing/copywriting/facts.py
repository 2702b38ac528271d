"""Plain-language facts drawn from a spec, shared by the offline copywriter and the checks."""

import re
from decimal import Decimal

from spec2listing.consistency.units import UNITS, minimum_suffix, unit_symbol
from spec2listing.copywriting.platforms import fit
from spec2listing.models.spec import ProductSpec


def _number(value: float | Decimal) -> str:
    """Write a spec figure with every digit the spec gives and no exponent: 0.125 as "0.125", 2.0 as "2".

    Copy must never round a figure, because a rounded one states what the spec does not ("0.004 m" as "0 m").
    """
    exact = Decimal(str(value)) if isinstance(value, float) else value
    return f"{exact.normalize():f}"


def weight_text(spec: ProductSpec) -> str | None:
    """Weight as written in copy; grams for g and kg so brands that ask for grams get them."""
    if spec.weight is None:
        return None
    value, unit = spec.weight.value, spec.weight.unit
    exact = Decimal(str(value))
    if unit == "kg" and value < 10:
        exact, unit = exact * 1000, "g"
    text = f"{_number(exact)} {unit}"
    return f"{text} ({spec.weight.note})" if spec.weight.note else text


def volume_text(spec: ProductSpec) -> str | None:
    if spec.volume is None:
        return None
    return f"{_number(spec.volume.value)} {spec.volume.unit}"


def dimensions_text(spec: ProductSpec) -> str | None:
    dims = spec.dimensions
    if dims is None:
        return None
    parts = [
        f"{label} {_number(value)}"
        for label, value in (("W", dims.width), ("D", dims.depth), ("H", dims.height))
        if value is not None
    ]
    text = " x ".join(parts) + f" {dims.unit}"
    return f"{text} ({dims.note})" if dims.note else text


# Unit keys that end spec keys as words more often than as units: "rating_k", "vitamin_ph", "grade_s".
_NOT_LABEL_UNITS = frozenset({"k", "s", "h", "ph", "ip", "ipx", "star"})


def spec_label(key: str) -> str:
    """Turn a spec key such as heel_to_toe_drop_mm into 'Heel to toe drop (mm)'.

    Underscores separate words. A key with capitals ('CRI', 'USB-C output', 'pH')
    is written as given, because its capitals and hyphens are part of the name.
    """
    words = key.split("_")
    unit = None
    if minimum_suffix([word.lower() for word in words]):
        words = ["minimum", *words[:-1]]
    elif len(words) > 1 and (words[-1] in UNITS or words[-1] == "in") and words[-1] not in _NOT_LABEL_UNITS:
        unit = unit_symbol(words.pop())
    label = " ".join(word for word in words if word)
    if label == label.lower():
        label = label[:1].upper() + label[1:]
    return f"{label} ({unit})" if unit else label


def spec_value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _number(value)
    return str(value)


# Spec table values that mean the entry does not apply, as PIM exports fill empty cells; copy leaves them out.
NOT_APPLICABLE = frozenset({"n/a", "na", "-", "–", "—"})


def spec_lines(spec: ProductSpec) -> list[str]:
    return [
        f"{spec_label(key)}: {spec_value(value)}"
        for key, value in spec.specs.items()
        if not (isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE)
    ]


def display_name(spec: ProductSpec) -> str:
    """Brand and product name without repeating a brand the name already starts with."""
    if spec.name.lower().startswith(spec.brand.lower()):
        return spec.name
    return f"{spec.brand} {spec.name}"


def category_leaf(spec: ProductSpec) -> str:
    return spec.category.split(">")[-1].strip()


def variant_names(spec: ProductSpec) -> list[str]:
    """Name each variant by its colour, with its finish and material where another variant has the same colour."""
    colors = [variant.color.casefold() for variant in spec.variants]
    names = []
    for variant in spec.variants:
        words = [variant.color]
        if colors.count(variant.color.casefold()) > 1:
            words += [word for word in (variant.finish, variant.material) if word]
        names.append(" ".join(words))
    return names


def join_words(items: list[str], last: str = "and") -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


# Marks that end a sentence in the scripts specs are written in: Latin, CJK (full-width), Arabic, Urdu, Devanagari.
SENTENCE_ENDINGS = ".!?…。！？．؟۔।"
# Closing quotes and brackets that may follow the mark that ends a sentence.
CLOSING_MARKS = "\"')]}»”’」』）"


# The end of a sentence: its mark and any closing marks, then a space or the end of the text ("2.5 kg" has
# none). Full-width marks end a sentence without a space, as Japanese and Chinese write them.
_SENTENCE_END = re.compile(
    f"(?:[{re.escape(SENTENCE_ENDINGS)}][{re.escape(CLOSING_MARKS)}]*(?=\\s|$)|[。！？．][{re.escape(CLOSING_MARKS)}]*)"
)
# Words that a full stop ends without ending the sentence, in English and German copy: "approx. 2 kg",
# "ca. 5 cm", "z. B.", "No. 5". A single letter before the point is an initial or part of one ("z. B.").
_ABBREVIATIONS = frozenset(
    {"approx", "ca", "incl", "excl", "e.g", "i.e", "no", "nr", "dr", "mr", "mrs", "ms", "st", "vs", "fig", "max"}
    | {"min", "bzw", "evtl", "ggf", "inkl", "zzgl", "usw", "vgl", "z.b", "u.a", "d.h", "art", "co"}
)


def fit_sentences(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters after its last whole sentence that fits.

    When that would keep less than half the limit, as for one long sentence, the text is cut at a word
    boundary (see `fit`) and ends in "…", so that no one takes the fragment for the whole.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [match.end() for match in _SENTENCE_END.finditer(text, 0, limit) if not _after_abbreviation(text, match)]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]]
    return fit(text, limit - 1) + "…"


def _after_abbreviation(text: str, end: re.Match[str]) -> bool:
    """Tell whether a full stop ends an abbreviation or an initial rather than a sentence."""
    if text[end.start()] != ".":
        return False
    word = text[: end.start()].rsplit(None, 1)[-1] if text[: end.start()].strip() else ""
    word = word.lstrip("(\"'").casefold()
    return len(word) <= 1 or word in _ABBREVIATIONS


def sentence(text: str) -> str:
    """Make one sentence of spec text, with a capital first and a full stop last unless a sentence-ending mark is.

    Runs of whitespace, tabs and line breaks included, become one space.
    """
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.rstrip(CLOSING_MARKS)[-1:] in tuple(SENTENCE_ENDINGS) else text + "."
