"""Variant colour names that name another colour than the variant's color_hex.

Images are checked against `color_hex`, while copy and exports show the name,
so a variant called "Red" with #00FF00 passes every pixel check and still sells
a green product as red. A name is read for the colour words in it: the whole
name or a run of its words that is a CSS colour name ("Light Blue", "Forest
Green"), or a retail colour word such as "charcoal" or "burgundy". Other words
("Matte", "Off", "Jet", "Aurora") are skipped, and a name without colour words
("Sea Glass", "Fjord") is not checked, nor is one whose last word is a thing
("Black Cherry", "White Oak"). A name with several colour words ("Navy Blue",
"Rose Gold", "Red/Black") passes when the hex agrees with any of them.

Shops use colour names loosely, so only a contradiction that a shopper would
call plainly wrong fails, judged in OkLCh with the tolerances in thresholds.py:
hues far apart, a neutral against a colour, or a lightness far from the name's.
A name of colour and shade words only ("Navy", "Dark Grey") gets the strict
tolerances, and other words ("Tiffany Blue", "Heather Navy") the loose ones. A
near-neutral hex that keeps the name's hue is a pale or greyed shade of it, so
"Blue" for an iPhone's #D5DDE0 and "Navy" for fabric #343A48 pass.
bench/color_names.py measures the rule on labelled pairs.
"""

import math
import re
from dataclasses import dataclass

from coloraide import Color

from spec2listing.consistency.thresholds import (
    NAME_DARK_MAX_LIGHTER,
    NAME_DARK_MAX_LIGHTNESS,
    NAME_DARK_NAME_MAX_LIGHTNESS,
    NAME_HUE_MIN_CHROMA,
    NAME_MAX_HUE_DIFFERENCE,
    NAME_MAX_LIGHTNESS_DIFFERENCE,
    NAME_NEAR_BLACK_MAX_LIGHTNESS,
    NAME_NEAR_WHITE_MIN_LIGHTNESS,
    NAME_NEUTRAL_MAX_CHROMA,
    NAME_SHADE_MAX_LIGHTNESS_DIFFERENCE,
    NAME_STRICT_HUE_MIN_CHROMA,
    NAME_STRICT_MAX_HUE_DIFFERENCE,
    NAME_STRICT_NEUTRAL_MAX_CHROMA,
    NAME_TINT_MIN_CHROMA,
    NAME_VIVID_MIN_CHROMA,
)
from spec2listing.intake.colors import css_color
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.spec import ProductSpec

# Colour words of retail that CSS lacks, and CSS names whose colour in a shop differs from the CSS one. A word
# with both colours passes with either. CSS azure is a near-white tint (#F0FFFF), while "Azure" on a product is
# the bright blue of the colour wheel. CSS lavender is near white too (#E6E6FA), and CSS brown a red brown
# (#A52A2A). Every colour word of the claims ledger (vocabulary.COLORS) has a colour here or in CSS.
RETAIL_COLORS = {
    "amber": "#FFBF00",
    "azure": "#007FFF",
    "brown": "#964B00",
    "burgundy": "#800020",
    "charcoal": "#36454F",
    "cream": "#FFFDD0",
    "emerald": "#50C878",
    "graphite": "#41424C",
    "lavender": "#B57EDC",
    "lilac": "#C8A2C8",
    "mint": "#AAF0D1",
    "mustard": "#E1AD01",
    "rose": "#FF007F",
    "rust": "#B7410E",
    "sage": "#BCB88A",
    "scarlet": "#FF2400",
    "slate": "#708090",
    "taupe": "#8B8589",
}
# Words before a colour that make it a darker (-1) or a lighter (1) shade of that colour, as a word of the name
# ("Dark Navy", "Ice Blue") or at the start of a CSS name ("darkgray", "lightseagreen").
SHADE_WORDS = {"dark": -1, "deep": -1, "light": 1, "pale": 1, "ice": 1, "icy": 1, "baby": 1, "pastel": 1, "powder": 1}
# Finish words, which may follow the colour ("Red (Matte)") without making the name a thing of that colour.
FINISH_WORDS = frozenset({"matte", "matt", "gloss", "glossy", "metallic", "satin", "brushed", "polished"})
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class NamedColor:
    """One colour a name names: its words, hex code, shade word and the colour without the shade word.

    `base` is None when the name has no shade word, or when the colour without it is no colour word
    ("lightgoldenrodyellow").
    """

    words: str
    color_hex: str
    shade: int
    base: str | None


def color_name_checks(spec: ProductSpec) -> list[CheckResult]:
    """Check each variant whose colour name has colour words against its color_hex."""
    results = []
    for index, variant in enumerate(spec.variants):
        named, strict = _named_colors(variant.color)
        if not named:
            continue
        color, problem, measured = _verdict(named, variant.color_hex, strict=strict)
        results.append(
            CheckResult(
                check="variant_color_name",
                target=CheckTarget.CLAIM,
                where=f"variants[{index}]",
                subject=variant.color,
                passed=problem is None,
                measured={
                    "name_color": color.color_hex,
                    "color_hex": variant.color_hex,
                    "color_words": [f"{each.words} {each.color_hex}" for each in named],
                    **measured,
                },
                expected=f"a color_hex that a shopper would call {variant.color}",
                detail=""
                if problem is None
                else f"{variant.color!r} names {color.words} ({color.color_hex}): {problem}; "
                f"ΔE00 {measured['delta_e']}",
            )
        )
    return results


def _verdict(
    named: list[NamedColor], color_hex: str, *, strict: bool
) -> tuple[NamedColor, str | None, dict[str, float]]:
    """Return the first named colour that `color_hex` agrees with, else the nearest by ΔE00, with its verdict."""
    verdicts = [(color, *_contradiction(color, color_hex, strict=strict)) for color in named]
    agreeing = [verdict for verdict in verdicts if verdict[1] is None]
    return agreeing[0] if agreeing else min(verdicts, key=lambda verdict: verdict[2]["delta_e"])


def _named_colors(name: str) -> tuple[list[NamedColor], bool]:
    """Return the colours named by the colour words of a variant's colour name, in the order they appear, and
    whether the name contains nothing but colour and shade words.

    The longest run of words that is a colour word wins ("Light Sky Blue" is CSS lightskyblue, not light and
    sky blue), and a shade word before a colour word makes it a shade ("Dark Navy"). A name that ends in a
    word other than a colour word or a finish names a thing ("Black Cherry", "Rose Quartz", "White Oak"). Its
    colour words only hint at that thing's colour, so it names no colour to check.
    """
    words = _WORD.findall(name.casefold())
    named: list[NamedColor] = []
    shade, start, strict = 0, 0, True
    while start < len(words):
        end, readings = _colour_word_at(words, start)
        if not readings:
            strict = strict and words[start] in SHADE_WORDS
            shade = SHADE_WORDS.get(words[start], shade)
            start += 1
            if start == len(words) and words[-1] not in FINISH_WORDS:
                return [], False
            continue
        own_shade, rest = _shade_prefix("".join(words[start:end]))
        for color_hex in readings:
            # The colour without the shade word: the rest of a CSS name ("gray" of "darkgray"), or the colour
            # itself after a shade word of the name ("Dark Navy").
            base = None
            if own_shade:
                base = next(iter(_readings(rest)), None)
            elif shade:
                base = color_hex
            named.append(NamedColor(" ".join(words[start:end]), color_hex, own_shade or shade, base))
        shade, start = 0, end
    return named, strict


def _colour_word_at(words: list[str], start: int) -> tuple[int, list[str]]:
    """Return the end of the longest run of words from `start` that is a colour word, and its hex codes."""
    for end in range(len(words), start, -1):
        readings = _readings("".join(words[start:end]))
        if readings:
            return end, readings
    return start, []


def _readings(key: str) -> list[str]:
    """Return the hex codes a colour word means (its CSS colour and its retail one), or none."""
    return [color for color in (css_color(key), RETAIL_COLORS.get(key)) if color is not None]


def _shade_prefix(key: str) -> tuple[int, str]:
    """Split a colour word that starts with a shade word ("darkgray") into the shade and the rest ("gray")."""
    for word, shade in SHADE_WORDS.items():
        if key.startswith(word) and key != word:
            return shade, key[len(word) :]
    return 0, key


def _oklch(color_hex: str) -> tuple[float, float, float]:
    """Return OkLCh lightness in percent, chroma and hue (NaN for a grey) of a hex code."""
    lightness, chroma, hue = Color(color_hex).convert("oklch").coords()
    return lightness * 100, chroma, hue


def _contradiction(named: NamedColor, color_hex: str, *, strict: bool) -> tuple[str | None, dict[str, float]]:
    """Describe how `color_hex` contradicts the named colour (None when it does not), with the measured values.

    A `strict` name contains only colour and shade words ("Navy", "Dark Grey"). The other words of a loose one
    ("Tiffany Blue", "Heather Navy", "Off White") stretch the colour, so it gets the wider tolerances.
    """
    name_lightness, name_chroma, name_hue = _oklch(named.color_hex)
    lightness, chroma, hue = _oklch(color_hex)
    measured = {
        "delta_e": round(float(Color(named.color_hex).delta_e(Color(color_hex), method="2000")), 1),
        "lightness": round(lightness, 1),
        "name_lightness": round(name_lightness, 1),
        "chroma": round(chroma, 3),
        "name_chroma": round(name_chroma, 3),
    }
    if not math.isnan(name_hue + hue):
        difference = abs(name_hue - hue) % 360
        measured["hue_difference"] = round(min(difference, 360 - difference), 1)
    hue_difference = measured.get("hue_difference", math.nan)
    chroma_text = f"(OkLCh chroma {name_chroma:.2f} against {chroma:.2f})"

    # Faint hues wander, so a strict name compares them at the loose tolerance.
    vivid_pair = strict and min(name_chroma, chroma) >= NAME_STRICT_HUE_MIN_CHROMA
    max_hue = NAME_STRICT_MAX_HUE_DIFFERENCE if vivid_pair else NAME_MAX_HUE_DIFFERENCE
    if min(name_chroma, chroma) >= NAME_HUE_MIN_CHROMA and hue_difference > max_hue:
        return f"hue {name_hue:.0f}°, and {color_hex} hue {hue:.0f}° (OkLCh)", measured
    # Both have a trace of colour, of hues that agree: an iPhone "Blue" #D5DDE0, "Ivory" #F3E5AB.
    same_tint = min(name_chroma, chroma) >= NAME_TINT_MIN_CHROMA and hue_difference <= NAME_MAX_HUE_DIFFERENCE
    neutral_name, neutral_hex = name_chroma <= NAME_NEUTRAL_MAX_CHROMA, chroma <= NAME_NEUTRAL_MAX_CHROMA
    # Near black, chroma hardly shows: a navy of lightness 30% passes for "Black".
    strict_neutral = strict and not same_tint and lightness > NAME_NEAR_BLACK_MAX_LIGHTNESS
    if neutral_name and chroma >= (NAME_STRICT_NEUTRAL_MAX_CHROMA if strict_neutral else NAME_VIVID_MIN_CHROMA):
        return f"a neutral, and {color_hex} a colour {chroma_text}", measured
    coloured_name = name_chroma >= (NAME_HUE_MIN_CHROMA if strict else NAME_VIVID_MIN_CHROMA)
    if coloured_name and neutral_hex and not same_tint and not _faded(named, name_lightness, lightness):
        return f"a colour, and {color_hex} a neutral {chroma_text}", measured
    # A difference in the shade word's direction is no contradiction: CSS darkgray is lighter than gray.
    away = lightness - name_lightness
    if name_chroma < NAME_VIVID_MIN_CHROMA and abs(away) > NAME_MAX_LIGHTNESS_DIFFERENCE and away * named.shade <= 0:
        return f"lightness {name_lightness:.0f}%, and {color_hex} lightness {lightness:.0f}% (OkLCh)", measured
    dark_name = name_chroma >= NAME_VIVID_MIN_CHROMA and name_lightness <= NAME_DARK_NAME_MAX_LIGHTNESS
    if strict and not named.shade and dark_name and away > NAME_DARK_MAX_LIGHTER:
        return f"a dark colour of lightness {name_lightness:.0f}%, and {color_hex} {lightness:.0f}% (OkLCh)", measured
    if named.base is not None:
        # Measured from the lighter of the two for "dark", since CSS darkgray (#A9A9A9) is lighter than gray.
        reference = (max if named.shade < 0 else min)(name_lightness, _oklch(named.base)[0])
        limit = reference - named.shade * NAME_SHADE_MAX_LIGHTNESS_DIFFERENCE
        # A colour near white has no lighter shade to limit a hex by, and one near black no darker shade. So the
        # foundation shade "Light Beige" #EAD6BF may be as dark as beige.
        at_end = (
            reference >= NAME_NEAR_WHITE_MIN_LIGHTNESS
            if named.shade > 0
            else reference <= NAME_NEAR_BLACK_MAX_LIGHTNESS
        )
        if not at_end and (limit - lightness) * named.shade > 0:
            side, bound = ("darker", "at most") if named.shade < 0 else ("lighter", "at least")
            return (
                f"a {side} shade, of lightness {bound} {limit:.0f}%, and {color_hex} {lightness:.0f}% (OkLCh)",
                measured,
            )
    return None, measured


def _faded(named: NamedColor, name_lightness: float, lightness: float) -> bool:
    """Check whether a neutral of `lightness` is a dark colour faded to near black, or a pale one to near white."""
    if lightness <= NAME_NEAR_BLACK_MAX_LIGHTNESS:
        return name_lightness <= NAME_DARK_MAX_LIGHTNESS
    return lightness >= NAME_NEAR_WHITE_MIN_LIGHTNESS and named.shade > 0
