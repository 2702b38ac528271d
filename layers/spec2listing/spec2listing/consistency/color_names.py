"""Variant colour names that name another colour than the variant's color_hex.

Images are checked against `color_hex`, while copy and exports show the name,
so a variant called "Red" with #00FF00 passes every pixel check and still sells
a green product as red. Only a name that is a CSS colour name ("Red", "Navy",
"Light Blue") has a colour of its own to compare with. Names are wide, so the
check flags a contradiction only: a CIEDE2000 difference over
NAME_MAX_DELTA_E together with another hue, or a neutral against a vivid
colour, or black against white. "Blue" for a light blue, "Brown" for tan and
"Navy" for a dark slate blue all pass.
"""

import math

from coloraide import Color

from spec2listing.consistency.thresholds import (
    NAME_HUE_MIN_CHROMA,
    NAME_MAX_DELTA_E,
    NAME_MAX_HUE_DIFFERENCE,
    NAME_NEUTRAL_MAX_CHROMA,
    NAME_VIVID_MIN_CHROMA,
)
from spec2listing.intake.colors import css_color
from spec2listing.models.consistency import CheckResult, CheckTarget
from spec2listing.models.spec import ProductSpec

# CSS colours whose name means another colour in retail as well: CSS azure is a near-white tint (#F0FFFF),
# while "Azure" on a product is the bright blue of the colour wheel (#007FFF). A hex near either passes.
RETAIL_READINGS = {"azure": "#007FFF"}
# Words of a colour name that mean a darker or a lighter shade than the colour named.
_DARKER = frozenset({"dark", "deep"})
_LIGHTER = frozenset({"light", "pale"})


def color_name_checks(spec: ProductSpec) -> list[CheckResult]:
    """Check each variant whose colour name is a CSS colour against its color_hex."""
    results = []
    for index, variant in enumerate(spec.variants):
        named = css_color(variant.color)
        if named is None:
            continue
        shade = _shade(variant.color)
        problem, measured = _contradiction(named, variant.color_hex, shade=shade)
        retail = RETAIL_READINGS.get(" ".join(variant.color.casefold().split()))
        if problem is not None and retail is not None:
            retail_problem, retail_measured = _contradiction(retail, variant.color_hex, shade=shade)
            if retail_problem is None:
                problem, measured, named = None, retail_measured, retail
        if problem is not None:
            problem = f"{problem}, ΔE00 {measured['delta_e']} (CSS gives {variant.color} as {named})"
        results.append(
            CheckResult(
                check="variant_color_name",
                target=CheckTarget.CLAIM,
                where=f"variants[{index}]",
                subject=variant.color,
                passed=problem is None,
                measured={"name_color": named, "color_hex": variant.color_hex, **measured},
                expected=f"a color_hex that a shopper would call {variant.color}",
                detail=problem or "",
            )
        )
    return results


def _shade(name: str) -> int:
    """Return -1 for a name of a darker shade ("Dark Gray"), 1 for a lighter one, else 0."""
    words = set(name.casefold().replace("-", " ").split())
    if words & _DARKER:
        return -1
    if words & _LIGHTER:
        return 1
    return 0


def _contradiction(named: str, color_hex: str, *, shade: int = 0) -> tuple[str | None, dict[str, float]]:
    """Describe how `color_hex` contradicts the named colour (None when it does not), with the measured values.

    Between two neutrals, a lightness on the side of the name's "dark" or "light" is no contradiction,
    since CSS darkgray (#A9A9A9) is lighter than gray.
    """
    delta_e = float(Color(named).delta_e(Color(color_hex), method="2000"))
    name_lightness, name_chroma, name_hue = Color(named).convert("lch").coords()
    lightness, chroma, hue = Color(color_hex).convert("lch").coords()
    measured = {"delta_e": round(delta_e, 1), "chroma": round(chroma, 1), "name_chroma": round(name_chroma, 1)}
    if delta_e <= NAME_MAX_DELTA_E:
        return None, measured

    if min(name_chroma, chroma) >= NAME_HUE_MIN_CHROMA and not (math.isnan(name_hue) or math.isnan(hue)):
        difference = abs(name_hue - hue) % 360
        difference = min(difference, 360 - difference)
        measured["hue_difference"] = round(difference, 1)
        if difference > NAME_MAX_HUE_DIFFERENCE:
            return f"the name is a colour of hue {name_hue:.0f}° and {color_hex} of hue {hue:.0f}°", measured
    neutral_name = name_chroma <= NAME_NEUTRAL_MAX_CHROMA
    neutral_hex = chroma <= NAME_NEUTRAL_MAX_CHROMA
    if neutral_name != neutral_hex and max(name_chroma, chroma) >= NAME_VIVID_MIN_CHROMA:
        kind = "a neutral" if neutral_name else "a vivid colour"
        return f"the name is {kind} and {color_hex} is not (chroma {name_chroma:.0f} against {chroma:.0f})", measured
    if neutral_name and neutral_hex and (lightness - name_lightness) * shade <= 0:
        return f"the name has lightness {name_lightness:.0f} and {color_hex} {lightness:.0f}", measured
    return None, measured
