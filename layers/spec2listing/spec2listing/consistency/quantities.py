"""Numbers with units in free text, and whether two of them state the same quantity.

A quantity is a number with an optional unit ("280 g", "13-inch", "15%", "$45.99").
Two quantities agree when the spec value, in the copy's unit or converted to it
from another unit of the same dimension, rounds to the copy's figure at the
decimals it shows (0.123 g stated as "0.12 g", 280 g stated as "9.9 oz") and
the figure is within MAX_ROUNDING_ERROR of it, so "2 m" does not restate
2400 mm and "0 kg" does not restate 400 g. A price must match to the cent. A copy figure with a unit needs a spec figure
with a unit: a bare spec number (a count, a model number, a spelled-out
"single") states no measure. Spelled-out numbers ("three-port") count on the
spec side only, because copy uses "one" and "a" in ordinary sentences. Digits
after a letter and a hyphen ("RX-500", "COVID-19") belong to a name and are no
quantity.
"""

import re
from dataclasses import dataclass, field, replace

from spec2listing.consistency.units import CURRENCY_CODES, RATING_UNITS, SPELLINGS, UNITS, Unit, unit_key
from spec2listing.copywriting.platforms import CJK_CHARACTERS

# Maximum difference between a rounded copy figure and the spec value, as a share of that value. Rounding at the
# figure's precision alone lets "5 stars" stand for 4.6 and "1 TB" for 512 GB. A figure that equals the spec
# value always agrees, so a zero agrees only with a zero.
MAX_ROUNDING_ERROR = 0.05
# A fraction converted from another unit rounds to the step its denominator shows, or to the nearest sixteenth
# where that step is finer, as inch rulers and sizes do ("1/2-inch" for 12 mm, 5.8% off, "5' 3 1/2\"" for
# 161 cm).
# It stays within MAX_FRACTION_ERROR of the value, so "1/16 in" still does not state 1 mm.
FRACTION_HALF_STEP = 1 / 32
MAX_FRACTION_ERROR = 0.10


NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "single": 1,
    "dual": 2,
    "twin": 2,
    "double": 2,
    "triple": 3,
}

_UNIT_PATTERN = "|".join(re.escape(spelling) for spelling in sorted(SPELLINGS, key=len, reverse=True))
# "in" is also a word ("13 in the box"), so it is an inch only where a sentence, list or size goes on, or
# before a word that a length describes ("12 in wide", "13 in laptops"), but not a compound ("4 in high-gloss").
# "long" and "deep" count only where the size ends, since "6 in long rows" is a count.
_UNIT_PATTERN += (
    r"|in(?=\s*(?:$|[,;)\]]|[x×]\s*\d)|\s+(?:wide|tall|high|thick|across|diameter|width|length|height|depth"
    r"|screens?|displays?|laptops?|monitors?|tablets?|tvs?|of)(?![\w-])|\s+(?:long|deep)(?=\s*(?:$|[,.;)]|and\b|x\b)))"
)
# Letters after a figure that abbreviate a unit this module does not know: two to four lower-case letters with no
# vowel ("60 fps", "5 ms", "10 pcs"). Such a figure states a measure all the same, so it agrees only with a spec
# figure without a unit (Quantity.unit_word). Ordinal suffixes ("2nd"), "vs" and "pm" name no unit.
_UNIT_WORD = r"(?-i:(?!(?:st|nd|rd|th|vs|pm)(?![^\W_]))[b-df-hj-np-tv-xz]{2,4})(?![^\W_])"
# Proper fractions with a denominator of 2 to 16, 32 or 64, as in recipes and on inch rulers.
# "24/7" and "50/60" are not fractions.
_FRACTIONS = [f"{top}/{bottom}" for bottom in (*range(2, 17), 32, 64) for top in range(1, bottom)]
# The written forms of a number, tried in this order:
#   fraction  "1/2", "1 1/2" and "1-1/2", as US sizes write a whole number and a fraction
#   grouped   thousands with commas ("10,000", "1,299.99"), with points before a decimal comma ("1.299,99"),
#             with points in two or more groups ("1.000.000"), or with Swiss apostrophes ("1'299.00")
#   spaced    thousands with a space, no-break space or thin space ("1 500", "10 000,5")
#   comma     a decimal comma ("1,5", "119,00")
#   plain     "280", "15.6"; "10.000" may also be 10000 and is read both ways (Quantity.other_mark)
_NUMBER = (
    r"(?P<fraction>(?:\d+[ -])?(?:" + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r"))(?!\d)"
    r"|(?P<grouped>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}"
    r"|\d{1,3}(?:['’]\d{3})+(?:\.\d+)?)(?![.,]?\d)"
    r"|(?P<spaced>\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?)(?![.,]?\d)"
    r"|(?P<comma>\d+,\d{1,2})(?![.,]?\d)"
    r"|(?P<plain>\d+(?:\.\d+)?)(?!\d)"
)
_FORMS = ("fraction", "grouped", "spaced", "comma", "plain")
# An x between two figures with no space, as sizes and drivetrains are written ("60x40x85cm", "1x12"): spaced
# out, the digits after each x are read as figures of their own.
_GLUED_TIMES = re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)")
# The scale of a rating ("4.6 out of 5 stars", "4.8/5"), which is no claim about the product. After a whole
# number a slash makes a fraction ("2/5"), so only a decimal rating takes the slash form.
_RATING_SCALE = re.compile(r"(?:\bout of\s+|(?<=\d[.,]\d)/)(5|10)(?:\s*stars?)?(?![\d.,])", re.IGNORECASE)
# Baby sizes and ages in months, written with a capital M ("0-3M", "3–6M"), which would read as metres, and
# the period after opening of cosmetics ("12M", "use within 12M of opening").
_MONTH_RANGE = re.compile(r"\b(\d{1,2}\s?[-–]\s?\d{1,2})\s?M\b|\b(\d{1,2})M(?= (?:of|after) opening\b)")
# A century written as an ordinal ("19th-century", "the 20th century") names a period, not a figure.
_CENTURY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)[- ]centur(?:y|ies)\b", re.IGNORECASE)
# A bare figure right after "age", "ages" or "aged" is an age in years ("for ages 8-12", "ages 6+"), and no
# count that any spec number of its value would back.
_AGE_BEFORE = re.compile(r"(?<![\w-])(?:ages?|aged)\s*(?::\s*|from\s+|of\s+)?$", re.IGNORECASE)
# Fraction characters, read as the fractions they stand for: "1½ lb" as "1 1/2 lb", "¼-inch" as "1/4-inch".
VULGAR_FRACTIONS = {
    "½": "1/2",
    "⅓": "1/3",
    "⅔": "2/3",
    "¼": "1/4",
    "¾": "3/4",
    "⅛": "1/8",
    "⅜": "3/8",
    "⅝": "5/8",
    "⅞": "7/8",
}
_VULGAR_FRACTION = re.compile(r"(?:(\d+)\s?)?([" + "".join(VULGAR_FRACTIONS) + r"])")
_QUANTITY = re.compile(
    r"(?:(?P<currency>[$€£]|(?<![a-z])(?:" + "|".join(CURRENCY_CODES) + r"))\s?)?"
    # A minus sign is one that starts a word, so the hyphens in "10-20" and "RX-500" are not signs. Typeset
    # copy writes it as U+2212 or as an en dash ("–20 °C"), which between numbers marks a range instead.
    r"(?:(?<![^\s(\[])(?P<sign>[-−–]))?"
    # A number after a point only follows an abbreviation of two or more letters ("approx.5 kg", "ca.5 kg"),
    # so the tail of a version or a decimal ("v2.0.1") is not read again. One after a slash is the next of
    # a list ("110/230 V", "EU 40/42"), which is not a fraction.
    # Chinese, Japanese and Korean text writes figures right after a word ("大容量20000mAh"), so only
    # other word characters before a number make it part of a word or a code.
    rf"(?<![^\W{CJK_CHARACTERS}])(?<!,)(?:(?<!\.)|(?<=[^\W\d_]{{2}}\.))(?<![^\W\d_]-)(?P<number>{_NUMBER})"
    rf"(?:(?:\s|-)?(?P<unit>{_UNIT_PATTERN})(?![a-z])|(?:\s|-)?(?P<unit_word>{_UNIT_WORD}))?",
    re.IGNORECASE,
)
# The ends of a range without a unit are small numbers such as sizes and ages, with no leading zero.
_BARE_RANGE_END = re.compile(r"(?:0|[1-9]\d{0,2})(?:[.,]\d+)?")
# A hyphen and digits right after a range's high end or right before its low end: the figures are a code.
_CODE_HYPHEN = re.compile(r"-\d")
_CODE_HYPHEN_BEFORE = re.compile(r"\d-$")
# A letter joined to a bare figure, which names what it counts: the teeth of "10-51T".
_LABELLED_END = re.compile(r"[^\W\d_]")
# Separators between the two ends of a range: "100-240", "5–9", "2 to 3".
_RANGE_JOINER = re.compile(r"\s*(?:[-–—]|to)\s*", re.IGNORECASE)
# Separators between the numbers of a range, a list or a size: "100-240", "2 to 3", "W 39 x D 24".
_JOINER = re.compile(r"\s*(?:[-–—/×x]|to|and|or)\s*(?:[A-Za-z]\s+)?", re.IGNORECASE)
# A hashtag with a letter is a name, so "#1111SinglesDay" states no number while "#1" still does.
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")
_DIGIT_HASHTAG = re.compile(r"(?<![\w#])#(\d+)(?!\w)")
# Three or more numbers joined by commas alone are a list ("EU sizes 40,41,42"), read as separate numbers,
# unless they group thousands ("1,000,000"). Two are a decimal comma ("40,5").
_COMMA_LIST = re.compile(r"(?<![\d.,])\d+(?:,\d+){2,}(?![\d,]|\.\d)")
_COMMA_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
# A point before exactly three digits, as a decimal point ("1.250 kg") or a thousands separator ("10.000 mAh").
_POINT_THOUSANDS = re.compile(r"\d{1,3}\.\d{3}")
# One comma before exactly three digits, as a thousands separator ("1,250 kg") or a decimal comma.
_COMMA_THOUSANDS_ONCE = re.compile(r"\d{1,3},\d{3}")
# A rating whose code comes before its figure, joined or spaced, with an optional colon or plus: "IP68",
# "IPX4", "SPF 50+", "UPF: 50", "pH 5.5". The code is the figure's unit.
_RATING = re.compile(
    r"(?<![A-Za-z0-9])(?P<code>IPX|IP|SPF|UPF|pH)\s?:?\s?(?P<number>\d+(?:[.,]\d+)?)\+?(?![\d.,]?\d)", re.IGNORECASE
)
# A range of ratings with the code once, before its low end: "pH 3.2-3.6", "SPF 30–50". A high end with a
# unit of its own is another figure ("IP67 to 1 m", "SPF 50 – 2 hours"), and so is one beyond the rating's
# scale (_RATING_MAX), as in the model number "IP65-2024".
_RATING_RANGE = re.compile(
    r"(?<![A-Za-z0-9])(?P<code>IPX|IP|SPF|UPF|pH)\s?:?\s?(?P<low>\d+(?:[.,]\d+)?)\s?(?:[-–—]|to)\s?"
    rf"(?P<number>\d+(?:[.,]\d+)?)(?![\d.,]?\d)(?!\s?(?:{_UNIT_PATTERN})(?![a-z]))",
    re.IGNORECASE,
)
_RATING_MAX = {"ip": 69.0, "ipx": 9.0, "spf": 100.0, "upf": 100.0, "ph": 14.0}
# Amazon's size format labels each side with a letter: "120L x 60W x 75H cm" is length, width and height,
# not litres, watts and hours. Two or more labelled figures joined by x make such a size.
_LABELLED_SIZE = re.compile(
    r"\d+(?:[.,]\d+)?\s?[\"″]?\s?[LWHD](?:\s*[x×]\s*\d+(?:[.,]\d+)?\s?[\"″]?\s?[LWHD])+(?![A-Za-z])",
    re.IGNORECASE,
)
_SIZE_LABEL = re.compile(r"(?<=[\d\s\"″])\s?[LWHD](?![A-Za-z])", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
# Feet and inches, or pounds and ounces, written as one measure: "5'3\"", "6 ft 2 in", "1 lb 4 oz". Each is
# read as one figure in the smaller unit, so "5'3\"" is 63 inches.
_COMPOUND = re.compile(
    r"(?<![\w.,])(?P<large>\d+)\s?(?:(?P<feet>['’′]|ft\.?|feet|foot)|lbs?\.?|pounds?)\s?"
    r"(?P<small>\d+(?:\.\d+)?(?: \d{1,2}/\d{1,2})?|\d{1,2}/\d{1,2})"
    r"\s?(?(feet)(?:\"|”|″|''|in|inch(?:es)?)|(?:oz|ounces?))(?![a-z])",
    re.IGNORECASE,
)
# "4K" and "8K" name video resolutions, not gold of 4 or 8 karat, unless gold follows ("8K gold"). No gold
# is sold as 4 or 8 karat, so they do in lower case too ("4k monitors", as search terms write it).
_RESOLUTION_NAME = re.compile(r"(?<![\w.,$€£])(?:[2458]K|[48]k)(?![\w-])(?!\s*(?:gold|white|yellow|rose|solid|plated))")
# Words after a figure with K that make the K a purity ("18K gold", "14k white gold"). Without one, a K may
# also be a thousand ("10K steps", "100K+ reviews"), which is read as the figure's other reading.
_KARAT_AFTER = re.compile(r"\s?(?:gold|white|yellow|rose|solid|plated|gp|karat)\b", re.IGNORECASE)
# A K before a space and a unit, or before BTU, is a thousand: "10K mAh", "20K BTU". Joined to its unit it
# starts the unit ("1.2 kg", "5 kW").
_THOUSANDS_K = re.compile(
    rf"(?<![\w.,])(?P<number>\d+(?:\.\d+)?)\s?k(?=\s(?:{_UNIT_PATTERN})(?![a-z])|\s?btu\b)", re.IGNORECASE
)


@dataclass(frozen=True)
class Quantity:
    """A number as written, with its unit key when one follows or precedes it."""

    value: float
    unit: str | None
    text: str
    decimals: int = 0
    # The separate numbers a space-grouped figure may also be: "4 250 ml" is 4250 ml or 4 and 250 ml.
    split: tuple["Quantity", ...] = field(default=(), compare=False)
    # Whether the figure is a hashtag of digits alone ("#1111", "#1"), which a spec name can also state.
    hashtag: bool = field(default=False, compare=False)
    # The figure read with its one mark as the other kind, where that reading is possible too: "10.000 mAh"
    # is 10 mAh in English and 10000 mAh in German, and "1,250 kg" is 1250 kg in English and 1.25 kg in German.
    other_mark: "Quantity | None" = field(default=None, compare=False)
    # A bare figure of copy read with the unit of the measured figure it is joined to: "300 x 200 mm" may
    # mean 300 mm, while "2 x 100 ml" means two bottles.
    spread: "Quantity | None" = field(default=None, compare=False)
    # The denominator of a figure written with a fraction ("1/2-inch", "5' 3 1/2\""), 0 for any other figure.
    fraction: int = field(default=0, compare=False)
    # The abbreviation of a unit that UNITS does not know, written after a figure without a unit ("60 fps").
    unit_word: str | None = None

    @property
    def key(self) -> tuple[float, str | None, str | None]:
        return (round(self.value, 6), self.unit, self.unit_word)


def find_quantities(text: str, default_unit: str | None = None, *, spread_units: bool = False) -> list[Quantity]:
    """Find every number in `text` that is outside a hashtag.

    A number without a unit takes `default_unit` (a spec key's suffix).
    With `spread_units`, a bare number joined to a measured one by a range or list
    word ("100-240 V", "2 to 3 h", "39 x 24 cm") is also returned with that unit.
    The spec side uses it so its ranges state both ends. Copy keeps the bare
    number, because "2 x 100 ml" is two bottles, not 2 ml, and offers the
    reading with the unit as its `spread`.
    """
    text, matches, found, ratings = _scan(text, default_unit)
    spread = _spread_units(text, matches, found)
    if spread_units:
        return ratings + found + list(spread.values())
    return ratings + [replace(quantity, spread=spread.get(index)) for index, quantity in enumerate(found)]


def find_ranges(text: str, default_unit: str | None = None) -> list[tuple[Quantity, Quantity]]:
    """Find the ranges of `text`, two figures joined by a dash or "to" ("US 5–9", "100-240 V", "2 to 3 h").

    Both ends take the unit of the one that has it, or of the measured figure a list joins them to, so both
    ranges of "0-500 / 0-2000 rpm" are in rpm. Ends in different units, or a low end that is not below the high
    one, make no range. Nor do codes: figures in a chain of hyphens ("978-0-306-40615-7", "2024-03-15"), and
    bare figures of more than three digits or with a leading zero ("12-3456"). Nor does a bare range whose high
    end has a letter joined to it ("10-51T" counts a cassette's teeth), which backs no other bare figure.
    """
    ranges = [
        (_rating(match, "low"), _rating(match)) for match in _RATING_RANGE.finditer(text) if _is_rating_range(match)
    ]
    text, matches, found, _ = _scan(text, default_unit)
    spread = _spread_units(text, matches, found)
    for index in range(len(found) - 1):
        first, second = matches[index], matches[index + 1]
        if not _RANGE_JOINER.fullmatch(text[first.end() : second.start()]):
            continue
        if _CODE_HYPHEN.match(text, second.end()) or _CODE_HYPHEN_BEFORE.search(text, 0, first.start()):
            continue  # a chain of hyphens, as in an ISBN or a date, is a code
        low, high = spread.get(index, found[index]), spread.get(index + 1, found[index + 1])
        if low.unit is None and high.unit is None and _LABELLED_END.match(text, second.end()):
            continue  # "10-51T": the letter names what the figures count
        if (
            low.unit is None
            and high.unit is None
            and not all(_BARE_RANGE_END.fullmatch(end.text) for end in (low, high))
        ):
            continue  # "12-3456" and "09-14" are a part number and part of a date
        if low.unit is not None and high.unit is not None and low.unit != high.unit:
            continue
        unit = high.unit or low.unit
        if low.value < high.value:
            ranges.append((replace(low, unit=unit), replace(high, unit=unit)))
    return ranges


def _scan(text: str, default_unit: str | None) -> tuple[str, list[re.Match[str]], list[Quantity], list[Quantity]]:
    """Read the figures of `text`: the text as matched, the matches and their quantities, and the ratings."""
    text = _HASHTAG.sub(lambda match: " " * len(match.group(0)), text)
    text = _VULGAR_FRACTION.sub(_spelled_fraction, text)
    text = _GLUED_TIMES.sub(" x ", text)
    text = _RATING_SCALE.sub(_without_scale, text)
    text = _MONTH_RANGE.sub(lambda match: f"{match.group(1) or match.group(2)} months", text)
    text = _CENTURY.sub(lambda match: " " * len(match.group(0)), text)
    ratings: list[Quantity] = []

    def take_rating_range(match: re.Match[str]) -> str:
        if not _is_rating_range(match):
            return match.group(0)
        ratings.extend(_rating(match, end) for end in ("low", "number"))
        return " " * len(match.group(0))

    text = _RATING_RANGE.sub(take_rating_range, text)
    ratings += [_rating(match) for match in _RATING.finditer(text)]
    text = _RATING.sub(lambda match: " " * len(match.group(0)), text)
    ratings += [_compound(match) for match in _COMPOUND.finditer(text)]
    text = _COMPOUND.sub(lambda match: " " * len(match.group(0)), text)
    text = _RESOLUTION_NAME.sub(lambda match: " " * len(match.group(0)), text)
    text = _THOUSANDS_K.sub(_thousands, text)
    text = _LABELLED_SIZE.sub(lambda match: _SIZE_LABEL.sub("", match.group(0)), text)
    text = _COMMA_LIST.sub(_separate_list, text)
    tags = {match.span(1) for match in _DIGIT_HASHTAG.finditer(text)}
    matches = list(_QUANTITY.finditer(text))
    found = []
    for match in matches:
        unit = None
        if match.group("unit"):
            unit = unit_key(match.group("unit"))
            if unit == "ct" and _KARAT_AFTER.match(text, match.end()):
                unit = "k"  # British copy writes gold's purity in carats: "18ct gold", "9 carat rose gold"
        elif match.group("currency"):
            unit = SPELLINGS[match.group("currency").lower()]
        if unit is None and _AGE_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            unit = "year"
        unit = unit or default_unit
        unit_word = match.group("unit_word") if unit is None else None
        sign = -1.0 if match.group("sign") else 1.0
        number = match.group("number")
        form = next(name for name in _FORMS if match.group(name))
        value, decimals = _number_value(number, form)
        thousands = None
        if unit == "k" and match.group("currency"):
            # "$5K" is five thousand dollars.
            value, unit = value * 1000, SPELLINGS[match.group("currency").lower()]
        elif unit == "k" and not _KARAT_AFTER.match(text, match.end()):
            thousands = Quantity(sign * value * 1000, None, match.group(0).strip())
        written = match.group(0).strip()
        split = _split_reading(number, written, sign, unit, unit_word) if form == "spaced" and " " in number else ()
        hashtag = (match.start("number"), match.end("number")) in tags
        other_mark = thousands
        if form == "plain" and _POINT_THOUSANDS.fullmatch(number):
            other_mark = Quantity(sign * float(number.replace(".", "")), unit, written, unit_word=unit_word)
        elif form == "grouped" and _COMMA_THOUSANDS_ONCE.fullmatch(number):
            other_mark = Quantity(sign * float(number.replace(",", ".")), unit, written, 3, unit_word=unit_word)
        fraction = _denominator(number)
        found.append(
            Quantity(
                sign * value,
                unit,
                written,
                decimals,
                split,
                hashtag,
                other_mark,
                fraction=fraction,
                unit_word=unit_word,
            )
        )
    return text, matches, found, ratings


def _without_scale(match: re.Match[str]) -> str:
    return match.group(0)[: match.start(1) - match.start(0)] + " " * len(match.group(1))


def _spelled_fraction(match: re.Match[str]) -> str:
    # A space before a lone fraction keeps a letter before it ("x½") from hiding its digits.
    return f"{match.group(1) or ''} {VULGAR_FRACTIONS[match.group(2)]}"


def _is_rating_range(match: re.Match[str]) -> bool:
    """Tell whether a _RATING_RANGE match rises within its rating's scale ("IP68 - 1.5" does not)."""
    low, high = (float(match.group(end).replace(",", ".")) for end in ("low", "number"))
    return low < high <= _RATING_MAX[match.group("code").lower()]


def _rating(match: re.Match[str], group: str = "number") -> Quantity:
    """Read the rating of a _RATING match, or one end of a _RATING_RANGE match, which is written with its code."""
    number = match.group(group)
    value, decimals = _number_value(number, "comma" if "," in number else "plain")
    written = match.group(0).strip() if match.re is _RATING else f"{match.group('code')} {number}"
    return Quantity(value, match.group("code").lower(), written, decimals)


def _compound(match: re.Match[str]) -> Quantity:
    """Read a _COMPOUND match as one figure in inches or ounces, with its text as written."""
    written_small = match.group("small")
    small, decimals = _number_value(written_small, "fraction" if "/" in written_small else "plain")
    unit, per_large = ("inch", 12) if match.group("feet") else ("oz", 16)
    total = int(match.group("large")) * per_large + small
    return Quantity(total, unit, match.group(0).strip(), decimals, fraction=_denominator(written_small))


def _denominator(number: str) -> int:
    """Return the denominator of a number written with a fraction ("1 1/2"), or 0."""
    fraction = re.search(r"/(\d+)$", number)
    return int(fraction.group(1)) if fraction else 0


def _thousands(match: re.Match[str]) -> str:
    """Write a figure with a thousands K as its digits ("10K mAh" as "10000 mAh")."""
    value = float(match.group("number")) * 1000
    return f"{value:g}" if value < 1e15 else match.group(0)


def _separate_list(match: re.Match[str]) -> str:
    """Turn the commas of a list of numbers into semicolons, which separate numbers; keep thousands as they are."""
    written = match.group(0)
    return written if _COMMA_THOUSANDS.fullmatch(written) else written.replace(",", ";")


def _number_value(number: str, form: str) -> tuple[float, int]:
    """Return the value of a number written in one of the _NUMBER forms and how many decimals it shows."""
    if form == "fraction":
        whole, _, fraction = number.replace("-", " ").rpartition(" ")
        top, bottom = fraction.split("/")
        value = int(whole or 0) + int(top) / int(bottom)
        return value, len(f"{value:.4f}".rstrip("0").split(".")[1])
    tail = re.search(r"[.,](\d+)$", number)
    decimals = ""
    # The last mark is the decimal mark, except in "10,000" and "1.000.000", where one kind of mark alone is
    # followed by groups of three.
    thousands = form == "grouped" and not ("," in number and "." in number)
    if tail and not (thousands and len(tail.group(1)) == 3):
        decimals = tail.group(1)
        number = number[: tail.start()]
    whole = re.sub(r"\D", "", number)
    return float(f"{whole}.{decimals or 0}"), len(decimals)


def _split_reading(
    number: str, written: str, sign: float, unit: str | None, unit_word: str | None
) -> tuple[Quantity, ...]:
    """Read a figure grouped by plain spaces as separate numbers, the unit or unit word going to the last one."""
    *heads, last = number.split(" ")
    split = [Quantity(sign * float(heads[0]), None, heads[0])]
    split += [Quantity(float(head), None, head) for head in heads[1:]]
    last_value, last_decimals = _number_value(last, "plain")
    split.append(Quantity(last_value, unit, written[written.rindex(last) :], last_decimals, unit_word=unit_word))
    return tuple(split)


def _spread_units(text: str, matches: list[re.Match[str]], found: list[Quantity]) -> dict[int, Quantity]:
    """Copy the unit of each measured number onto the bare numbers joined to it, right to left, by index.

    A figure with a unit word that UNITS does not know ("2 pcs x 100 ml") neither takes a unit nor passes one on.
    """
    spread = {}
    unit = None
    for index in range(len(found) - 1, -1, -1):
        quantity = found[index]
        if quantity.unit is not None or quantity.unit_word is not None:
            unit = quantity.unit
            continue
        joined = index + 1 < len(found) and _JOINER.fullmatch(text[matches[index].end() : matches[index + 1].start()])
        if unit is None or not joined:
            unit = None
            continue
        spread[index] = Quantity(quantity.value, unit, quantity.text, quantity.decimals)
    return spread


def find_number_words(text: str) -> list[Quantity]:
    """Find spelled-out small numbers, for the spec side of the comparison."""
    return [
        Quantity(float(NUMBER_WORDS[match.group(1).lower()]), None, match.group(1))
        for match in _NUMBER_WORD.finditer(text)
    ]


def _to_base(value: float, unit: Unit) -> float:
    return (value + unit.offset) * unit.factor


def agrees(stated: Quantity, source: Quantity) -> bool:
    """Tell whether a quantity stated in copy matches a spec quantity.

    A stated figure with a unit never matches a spec figure without one. Same
    unit, or a stated figure without one: the spec value rounds to the stated
    figure at its own precision (0.123 g as "0.12 g"). Different units of one
    dimension: the spec value, converted to the stated unit, rounds to the
    stated figure. Either way the figure is within MAX_ROUNDING_ERROR of the
    value. A price must match to the cent. A stated figure with a unit word that UNITS does not know ("60 fps")
    matches only a spec figure without a unit, since no known unit converts to the measure it states.
    """
    if stated.unit_word is not None and source.unit is not None:
        return False
    if stated.unit in RATING_UNITS and source.unit is None:
        # A spec table value such as "spf_rating: 50" states the rating without its code.
        return _rounds_to(source.value, stated)
    if stated.unit is None or stated.unit == source.unit:
        if _is_money(stated.unit) or _is_money(source.unit):
            return abs(stated.value - source.value) <= 1e-9 * max(1.0, abs(source.value))
        return _rounds_to(source.value, stated)
    if source.unit is None:
        return False
    stated_unit, source_unit = UNITS[stated.unit], UNITS[source.unit]
    if stated_unit.dimension != source_unit.dimension:
        return False
    converted = _to_base(source.value, source_unit) / stated_unit.factor - stated_unit.offset
    return _rounds_to(converted, stated, converted=True)


def agreement_range(stated: Quantity) -> tuple[str | None, float, float]:
    """Bound the spec values that may agree with a stated quantity, for a search before `agrees` decides.

    Returns the dimension and the lowest and highest value in its base unit. For a figure without a unit the
    dimension is None and the bounds are raw values, since any spec unit may back it. The bounds are a little
    wider than `agrees` allows, so rounding in the unit conversion never leaves a match out.
    """
    width = 0.5 * 10.0**-stated.decimals + 1e-6 * max(1.0, abs(stated.value))
    if stated.unit is None:
        return None, stated.value - width, stated.value + width
    if stated.decimals == 0:
        # A figure converted from another unit may be rounded to tens or fives (see _rounds_to).
        width = max(width, _round_half_step(stated.value) + 1e-6 * abs(stated.value))
    if stated.fraction:
        width = max(width, _fraction_half_step(stated)) + 1e-6
    low, high = stated.value - width, stated.value + width
    unit = UNITS[stated.unit]
    return unit.dimension, _to_base(low, unit), _to_base(high, unit)


def within(stated: Quantity, low: Quantity, high: Quantity) -> bool:
    """Tell whether a stated figure lies in a range of the spec, both without a unit or in one dimension.

    A bare figure needs a bare range ("sizes 5–9"): "0-2800 rpm" would otherwise back any number below 2800.
    A rating ("pH 3.4", "SPF 40") also lies in a bare range, and a bare figure in a range of ratings, as
    `agrees` lets a rating and a bare figure match.
    """
    if (stated.unit in RATING_UNITS and low.unit is None) or (stated.unit is None and low.unit in RATING_UNITS):
        return low.value <= stated.value <= high.value
    if stated.unit is None or low.unit is None:
        return stated.unit is None and low.unit is None and low.value <= stated.value <= high.value
    if UNITS[stated.unit].dimension != UNITS[low.unit].dimension:
        return False
    return base_value(low) <= base_value(stated) <= base_value(high)


def base_value(quantity: Quantity) -> float:
    """Convert a quantity with a unit to the base unit of its dimension."""
    if quantity.unit is None:
        raise ValueError(f"quantity {quantity.text!r} has no unit; expected one to convert")
    return _to_base(quantity.value, UNITS[quantity.unit])


def _is_money(unit: str | None) -> bool:
    return unit is not None and UNITS[unit].dimension.startswith("money ")


def _rounds_to(value: float, stated: Quantity, *, converted: bool = False) -> bool:
    """Tell whether `value` rounds to the stated figure at its decimals, within MAX_ROUNDING_ERROR of `value`.

    The relative error is taken in the stated unit, so for a temperature it depends on the scale. A whole
    figure that ends in zero and was `converted` from another unit may be rounded to tens, and one that ends
    in five to fives: 200 m as "about 660 ft" (656.2), 500 m² as "5,380 sq ft" (5,382) and 50 m as "165 ft"
    (164.0), but 31 cm not as "300 mm". In its own unit "5000 mAh" must state 5000, not 5200. A converted
    fraction rounds to the step its denominator shows, or to the nearest sixteenth where that step is finer,
    within MAX_FRACTION_ERROR.
    """
    difference = abs(value - stated.value)
    if difference <= 1e-9 * max(1.0, abs(value)):
        return True
    half_step = 0.5 * 10.0**-stated.decimals
    if converted and stated.fraction:
        return difference <= _fraction_half_step(stated) + 1e-9 and difference <= MAX_FRACTION_ERROR * abs(value)
    if converted and stated.decimals == 0:
        half_step = max(half_step, _round_half_step(stated.value))
    return difference <= half_step + 1e-9 and difference <= MAX_ROUNDING_ERROR * abs(value)


def _fraction_half_step(stated: Quantity) -> float:
    """Return half the step a converted fraction may be rounded to: its denominator's, at least a sixteenth's."""
    return max(FRACTION_HALF_STEP, 0.5 / stated.fraction)


def _round_half_step(value: float) -> float:
    """Return half the step a whole converted figure may be rounded to: tens for 660, fives for 165, else 0."""
    number = abs(round(value))
    if number == 0 or number % 5:
        return 0.0
    return 5.0 if number % 10 == 0 else 2.5
