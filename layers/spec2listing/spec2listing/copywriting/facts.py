"""Plain-language facts drawn from a spec, shared by the offline copywriter and the checks."""

import re
from decimal import Decimal

from spec2listing.consistency.units import LETTER_NAMERS, UNITS, minimum_suffix, unit_symbol
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

    Underscores separate words. Trailing unit words become the unit: 'torque_in_lb' gives 'Torque (in-lb)',
    'flow_rate_l_min' 'Flow rate (l/min)'. A key with capitals ('CRI', 'USB-C output', 'pH') is written as
    given, because its capitals and hyphens are part of the name; in a key in small letters, known
    abbreviations are written in capitals ('led_type' as 'LED type').
    """
    words = key.split("_")
    unit = None
    if minimum_suffix([word.lower() for word in words]):
        words = ["minimum", *words[:-1]]
    else:
        words, unit = _split_unit(words)
    words = [word for word in words if word]
    if key == key.lower():
        words = _written_words(words)
        # The first letter goes up, unless an abbreviation such as "pH" sets its case.
        if words and words[0] == words[0].lower():
            words[0] = words[0][:1].upper() + words[0][1:]
    return f"{' '.join(words)} ({unit})" if unit else " ".join(words)


def _split_unit(words: list[str]) -> tuple[list[str], str | None]:
    """Split a key's trailing unit words off its name: one unit, a pair such as "in_lb", or a rate.

    A unit after "per", or after a number after "per", belongs to the name ("price_per_kg" is no price in
    kilograms). Two units make a rate only when the second is a time or, after a mass, a volume:
    "flow_rate_l_min" and "voc_g_l" are rates, "bore_in_mm" is not.
    """
    low = [word.lower() for word in words]
    if len(low) > 3 and low[-2] == "per" and _unit_word(low[-3], low[-4]) and _unit_word(low[-1], "per"):
        return words[:-3], f"{_unit_text(low[-3])}/{_unit_text(low[-1])}"
    if len(low) > 2 and (low[-2], low[-1]) in _UNIT_PAIRS:
        return words[:-2], _UNIT_PAIRS[(low[-2], low[-1])]
    if len(low) > 2 and _unit_word(low[-2], low[-3]) and _unit_word(low[-1], low[-2]) and _rate(low[-2], low[-1]):
        return words[:-2], f"{_unit_text(low[-2])}/{_unit_text(low[-1])}"
    after_per = len(low) > 2 and (low[-2] == "per" or (low[-2].isdigit() and low[-3] == "per"))
    if len(low) > 1 and _unit_word(low[-1], low[-2]) and not after_per and low[-2] != "per":
        return words[:-1], _unit_text(low[-1])
    return words, None


def _rate(first: str, second: str) -> bool:
    dimensions = [UNITS[word].dimension if word in UNITS else None for word in (first, second)]
    return dimensions[1] == "time" or dimensions == ["mass", "volume"]


def _unit_word(word: str, before: str) -> bool:
    """Tell whether a key word is a unit, given the word before it ('made_in' is no size in inches)."""
    if word in _NOT_LABEL_UNITS:
        return False
    if word == "in":
        return before in _SIZED_BY_INCHES
    if word in ("c", "f"):
        return before not in LETTER_NAMERS and before not in _GRADED
    return word in UNITS or word in _LABEL_SPELLINGS


def _unit_text(word: str) -> str:
    return _LABEL_SPELLINGS.get(word) or unit_symbol(word)


def _written_words(words: list[str]) -> list[str]:
    """Write known abbreviations in capitals, and the letter of a vitamin: 'usb c' as 'USB-C', 'vitamin d3'."""
    written: list[str] = []
    for word in words:
        if written and written[-1] == "USB" and word == "c":
            written[-1] = "USB-C"
        elif word == "ph":
            written.append("pH")
        elif word in _ABBREVIATIONS_IN_CAPITALS or (written and written[-1].lower() == "vitamin"):
            written.append(word.upper())
        else:
            written.append(word)
    return written


# Unit words a key ends in that are spelled otherwise: 'alcohol_pct', 'area_m2', 'brew_temp_c'.
_LABEL_SPELLINGS = {"pct": "%", "m2": "m²", "m3": "m³", "cm2": "cm²", "c": "°C", "f": "°F"}
# Two key words that write one unit.
_UNIT_PAIRS = {
    ("in", "lb"): "in-lb",
    ("ft", "lb"): "ft-lb",
    ("sq", "ft"): "sq ft",
    ("sq", "in"): "sq in",
    ("sq", "m"): "m²",
    ("km", "h"): "km/h",
}
# Words after which a key's "in" is inches ('screen_in', 'bore_in'); after any other it is a preposition
# ('made_in', 'available_in', 'comes_in').
_SIZED_BY_INCHES = frozenset(
    {"size", "screen", "display", "monitor", "tv", "length", "width", "height", "depth", "diameter", "drop"}
    | {"bore", "waist", "inseam", "chest", "blade", "wheel", "wheels", "frame", "tyre", "tire", "thickness"}
    | {"cut", "reach", "span", "stroke", "travel", "max", "min", "maximum", "minimum", "clearance"}
)
# Words after which a key's "c" or "f" is a grade, not a temperature ('energy_rating_f').
_GRADED = frozenset({"rating", "energy", "efficiency", "label", "score", "fire", "rank"})
# Participles not ending in "ed", which start a clause before a preposition: 'made_in', 'leather made from'.
_IRREGULAR_PARTICIPLES = frozenset({"made", "grown", "spun", "woven", "sewn", "knit", "built", "born", "cut", "worn"})
_CLAUSE_PREPOSITIONS = frozenset({"in", "from", "by", "with", "at", "on", "to", "for"})
# Abbreviations that spec keys write in small letters and labels write in capitals.
_ABBREVIATIONS_IN_CAPITALS = frozenset(
    {"led", "usb", "spf", "upf", "fsc", "uv", "uva", "uvb", "voc", "gps", "hdmi", "bpa", "pvc", "lcd", "oled"}
    | {"ssd", "hdd", "ram", "cpu", "nfc", "hepa", "gots", "rfid", "tpu", "iso", "ansi", "astm", "dwr", "ce"}
    | {"ip", "ipx", "iu", "eu", "uk", "usa"}
)


def spec_value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _number(value)
    return str(value)


# Spec table values that mean the entry does not apply, as PIM exports fill empty cells; copy leaves them out.
NOT_APPLICABLE = frozenset({"n/a", "n.a.", "na", "not applicable", "-", "–", "—"})


def not_applicable(value: str | int | float | bool) -> bool:
    """Tell whether a spec table value means that its entry does not apply ("n/a", "-"), so it has no value."""
    return isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE


def spec_lines(spec: ProductSpec) -> list[str]:
    return [f"{spec_label(key)}: {spec_value(value)}" for key, value in spec.specs.items() if not not_applicable(value)]


# Words that start a qualifying clause after a material's name ('nylon with a coating', 'wool from Norway').
MATERIAL_LINKING_WORDS = frozenset({"with", "and", "from", "for", "featuring", "including", "in", "on", "plus"})


def material_head(material: str) -> str:
    """Return the name a material starts with, before the first comma, bracket, linking word or clause.

    "100% recycled polyester shell with PFC-free DWR" starts with "100% recycled polyester shell", which the
    offline title shows and the claims ledger traces to the whole material. A participle that a preposition
    follows starts a clause ("leather tanned in Italy", "made from apple waste"); before anything else it
    describes the material ("gold plated 925 sterling silver").
    """
    head = re.split(r"[,;(]", material, maxsplit=1)[0].split()
    words: list[str] = []
    for index, word in enumerate(head):
        if words and (word.lower() in MATERIAL_LINKING_WORDS or _starts_clause(word, head[index + 1 : index + 2])):
            break
        words.append(word)
    return " ".join(words)


def _starts_clause(word: str, following: list[str]) -> bool:
    lowered = word.lower()
    participle = lowered.endswith("ed") or lowered in _IRREGULAR_PARTICIPLES
    return participle and bool(following) and following[0].lower() in _CLAUSE_PREPOSITIONS


def display_name(spec: ProductSpec) -> str:
    """Brand and product name without repeating a brand the name already starts with.

    The brand counts as named when the name starts with it as whole words, or with its first word and then
    a model code, as "Kraftwerk BS 18" of the brand "Kraftwerk Präzision". A first word followed by other
    words may be the name's own ("Red Leather Boots" of "Red Wing Shoes"), so the brand is kept then.
    """
    name, brand = spec.name.split(), spec.brand.split()
    folded = [word.casefold() for word in name]
    if brand and folded[: len(brand)] == [word.casefold() for word in brand]:
        return spec.name
    if brand and len(name) > 1 and folded[0] == brand[0].casefold() and _model_code(name[1]):
        return spec.name
    return f"{spec.brand} {spec.name}"


def _model_code(word: str) -> bool:
    """Tell whether a word reads as a model code: with a digit, or two or more capitals ("BS", "X200")."""
    letters = [character for character in word if character.isalpha()]
    return any(character.isdigit() for character in word) or (len(letters) >= 2 and word.isupper())


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
