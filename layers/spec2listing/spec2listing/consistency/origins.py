"""Origins in copy and spec ("Made in Portugal"), compared as ISO 3166 countries by way of pycountry."""

import re
import unicodedata
from functools import lru_cache

import pycountry

# Names that copy and specs use for a country besides those ISO 3166 lists, by alpha-2 code. The parts of
# the United Kingdom count as it, so "Sewn in England" agrees with a spec's "United Kingdom".
_OTHER_NAMES = {
    "US": ("america", "united states of america", "the states"),
    "GB": ("britain", "great britain", "england", "scotland", "wales", "northern ireland"),
    "CN": ("mainland china",),
    "CZ": ("czech republic",),
    "DE": ("deutschland",),
    "ES": ("espana",),
    "IT": ("italia",),
    "KR": ("korea", "south korea"),
    "NL": ("holland",),
    "CH": ("schweiz", "suisse", "svizzera"),
    "TR": ("turkey",),
    "EU": ("european union",),
}
# Codes written in capitals, with or without points ("USA", "U.S.A.", "UK", "PRC"): as words, "us" and "it"
# are no countries.
_CODES = {"US": ("US", "USA"), "GB": ("UK", "GB"), "CN": ("PRC",), "EU": ("EU",), "AE": ("UAE",)}
# Words that make a statement of origin: "made in", "handmade in", "sewn in", "thrown in" (pottery). "Designed in"
# names no origin.
_MADE = (
    r"(?:(?:hand[- ]?)?(?:made|crafted|sewn|thrown|stitched|carved|painted|blown|tufted|knotted|loomed)"
    r"|manufactured|produced|assembled|built|knitted|woven|printed|bound|cast|forged|fired|tailored|bottled"
    r"|distilled|brewed|roasted|milled|baked|grown|harvested|packed)"
)
# A negation just before a statement of origin in the spec: "not made in Portugal".
_NEGATED = re.compile(r"(?:\bnot|\bnever|n't)\s+(?:\w+\s+)?$", re.IGNORECASE)
# Characters after "made in" searched for the country; the longest name pycountry lists has 52.
_PLACE_WINDOW = 80
# Spec table keys that state an origin whatever their value's wording: "country_of_origin: Portugal".
_ORIGIN_KEY = re.compile(
    r"origin|made|country|manufactur|produced|grown|harvested|packed|baked|roasted|brewed|distilled|bottled",
    re.IGNORECASE,
)
# Places that name a country and also a part of another one: "Grown in Georgia" may be the US state.
SHARED_PLACE_NAMES = {"georgia": ("US",)}


def _folded(text: str) -> str:
    """Lower-case text without accents or points, with single spaces: "Türkiye" as "turkiye"."""
    folded, _ = _folded_with_positions(text)
    return folded.strip()


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str]]:
    """Build the country of each folded name, a pattern of the names and one of the capital-letter codes."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(_folded(value), country.alpha_2)
    for code, others in _OTHER_NAMES.items():
        names.update(dict.fromkeys(others, code))
    written = sorted(names, key=len, reverse=True)
    name_pattern = re.compile(r"(?<!\w)(?:the\s+)?(" + "|".join(re.escape(name) for name in written) + r")(?!\w)")
    codes = {written_code: code for code, forms in _CODES.items() for written_code in forms}
    code_forms = sorted(codes, key=len, reverse=True)
    # Written plain ("USA") or with a point after every letter ("U.S.A."), whose last point is optional.
    forms = [alternative for form in code_forms for alternative in (form, r"\.".join(form) + r"\.?")]
    code_pattern = re.compile(r"(?<![\w.])(" + "|".join(forms) + r")(?![\w])")
    names.update({_folded(form): code for form, code in codes.items()})
    return names, name_pattern, code_pattern


def countries_named(text: str) -> list[tuple[int, str, str]]:
    """Find the countries a text names, as (position, alpha-2 code, name as written), in order."""
    names, name_pattern, code_pattern = _patterns()
    found = []
    folded, positions = _folded_with_positions(text)
    for match in name_pattern.finditer(folded):
        start, end = positions[match.start(1)], positions[match.end(1) - 1] + 1
        found.append((start, names[match.group(1)], text[start:end]))
    for match in code_pattern.finditer(text):
        found.append((match.start(), names[_folded(match.group(1))], match.group(1)))
    return sorted(found)


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """Fold text without accents or points, hyphens and runs of spaces as one space, in lower case.

    Returns the folded text and, for each of its characters, the position in `text` it came from.
    """
    characters: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char == ".":
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            folded = " " if part == "-" or part.isspace() else part.lower()
            if folded == " " and characters and characters[-1] == " ":
                continue
            characters.append(folded)
            positions.append(index)
    return "".join(characters), positions


def stated_origins(text: str) -> list[tuple[str, str]]:
    """Find the origins a text states after "made in" and its kin, as (alpha-2 code, place as written).

    The place is the country named right after "in" (or "in the"); "made in small batches" states none.
    """
    origins = []
    for statement in re.finditer(rf"(?<![\w-]){_MADE}\s+in\s+", text, re.IGNORECASE):
        after = text[statement.end() : statement.end() + _PLACE_WINDOW]
        place = next((item for item in countries_named(after) if item[0] in (0, 4)), None)
        if place is None:
            continue
        skipped = text[statement.end() : statement.end() + place[0]]
        if place[0] and skipped.lower() != "the ":
            continue
        if _NEGATED.search(text, max(0, statement.start() - 20), statement.start()):
            continue
        origins.append((place[1], place[2]))
    return origins


def origin_statements(path: str, text: str) -> list[str]:
    """Return the countries a spec field states as the product's origin.

    A spec table key about origin ("country_of_origin", "made_in") states every country its value names.
    Any other field states those it names after "made in" and its kin, unless a negation comes first.
    """
    if path.startswith("specs.") and _ORIGIN_KEY.search(path.removeprefix("specs.")):
        return [code for _, code, _ in countries_named(text)]
    return [code for code, _ in stated_origins(text)]
