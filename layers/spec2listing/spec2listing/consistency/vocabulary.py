"""Words the claims ledger looks for in copy: materials, colours and product properties.

Each list holds terms in the normalized form of `normalize` (lower case, hyphens
and underscores as spaces, British spellings). A term found in the copy must
also appear in some spec field, or the claim is flagged as unsupported.
"""

import re
from enum import StrEnum

# US spellings and the British ones they are folded to on both sides of the comparison. Banned phrases match
# in either spelling too (copywriting/phrases.py).
SPELLING_PAIRS = {
    "gray": "grey",
    "aluminum": "aluminium",
    "color": "colour",
    "colors": "colours",
    "colored": "coloured",
    "fiber": "fibre",
    "fibers": "fibres",
    "jewelry": "jewellery",
    "molded": "moulded",
    "favorite": "favourite",
    "favorites": "favourites",
    "flavor": "flavour",
    "flavors": "flavours",
    "flavored": "flavoured",
    "aging": "ageing",
    "cozy": "cosy",
    "center": "centre",
    "centers": "centres",
}
# Spelling variants and other forms folded to one form on both sides of the comparison.
_SPELLINGS = {
    **SPELLING_PAIRS,
    # "Gold plating" in a spec states what "gold-plated" copy claims.
    "plating": "plated",
    # Compounds written as one word, with a hyphen (a space after normalize) or as two words.
    "handmade": "hand made",
    "hand crafted": "handcrafted",
    "water proof": "waterproof",
    "wind proof": "windproof",
    "fire proof": "fireproof",
    "shatter proof": "shatterproof",
    "spandex": "elastane",
    # Other forms of a property, as spec keys and labels write them ("machine wash: 30 °C").
    "machine wash": "machine washable",
    "water resistance": "water resistant",
    "certification": "certified",
    "certifications": "certified",
    "dermatologically tested": "dermatologist tested",
    # A guarantee of the product is a warranty to the shopper: "two-year guarantee", "lifetime guarantee".
    "guarantee": "warranty",
}
_SPELLING = re.compile(r"\b(" + "|".join(_SPELLINGS) + r")\b")


# Silver 925 parts in 1000 pure is sterling silver, unless it is only the plating ("925 silver plated brass").
_STERLING = re.compile(r"\b(?:925 silver|silver 925)\b(?! plat)")


def normalize(text: str) -> str:
    """Lower-case text with hyphens, underscores and slashes as spaces and one spelling per word.

    A dash with a space on each side becomes a semicolon, and a double prime an inch mark ('15.6″' is '15.6"'), as
    image prompts write the inch mark of an anchor or a mandatory element (see planner.quoted).
    """
    text = text.lower().replace("’", "'").replace("″", '"')
    # A dash between spaces ends a clause, so "leather - look great" is no "leather look".
    text = re.sub(r"\s[-–—]+\s", " ; ", text)
    text = " ".join(re.sub(r"[-_/]+", " ", text).split())
    text = _STERLING.sub("sterling silver", text)
    return _SPELLING.sub(lambda match: _SPELLINGS[match.group(1)], text)


def spelling_forms(word: str) -> list[str]:
    """List a lower-case word in each spelling of SPELLING_PAIRS: "flavours" as "flavours" and "flavors"."""
    forms = [word]
    for us, british in SPELLING_PAIRS.items():
        for plural in ("", "s"):
            if word == f"{us}{plural}":
                forms.append(f"{british}{plural}")
            elif word == f"{british}{plural}":
                forms.append(f"{us}{plural}")
    return list(dict.fromkeys(forms))


def written_forms(term: str) -> list[str]:
    """List the ways copy may write a normalized term: "grey" as "gray", "hand made" as "handmade".

    For a denied term ("not waterproof") the term itself is listed, since copy may deny it in other words.
    """
    term = term.removeprefix("not ")
    forms = [term]
    for written, folded in _SPELLINGS.items():
        if re.search(rf"\b{re.escape(folded)}\b", term):
            forms.append(re.sub(rf"\b{re.escape(folded)}\b", written, term))
    return forms


MATERIALS = (
    "acrylic",
    "alpaca",
    "aluminium",
    "bamboo",
    "beech",
    "bone china",
    "borosilicate",
    "brass",
    "bronze",
    "canvas",
    "carbon fibre",
    "cashmere",
    "cast iron",
    "cedar",
    "ceramic",
    "chrome",
    "concrete",
    "copper",
    "cork",
    "cotton",
    "denim",
    "elastane",
    "eva",
    "faux fur",
    "faux leather",
    "faux suede",
    "flax",
    "fleece",
    "foam",
    "gallium nitride",
    "glass",
    "gold",
    "gold filled",
    "gold plated",
    "gore tex",
    "granite",
    "hemp",
    "jute",
    "latex",
    "leather",
    "linen",
    "lycra",
    "marble",
    "maple",
    "mdf",
    "merino",
    "mesh",
    "microfibre",
    "mohair",
    "nickel",
    "nylon",
    "oak",
    "pine",
    "plastic",
    "platinum",
    "plywood",
    "polycarbonate",
    "polyester",
    "polypropylene",
    "polyurethane",
    "porcelain",
    "rattan",
    "resin",
    "rhodium",
    "rhodium plated",
    "ripstop",
    "rubber",
    "sapphire",
    "satin",
    "silicone",
    "silk",
    "silver",
    "silver plated",
    "stainless steel",
    "steel",
    "sterling silver",
    "stone",
    "stoneware",
    "suede",
    "teak",
    "titanium",
    "travertine",
    "tpu",
    "vegan leather",
    "velvet",
    "vinyl",
    "viscose",
    "walnut",
    "wicker",
    "wood",
    "wool",
    "zinc",
)

COLORS = (
    "amber",
    "beige",
    "black",
    "blue",
    "brown",
    "burgundy",
    "charcoal",
    "coral",
    "cream",
    "crimson",
    "cyan",
    "emerald",
    "fuchsia",
    "graphite",
    "green",
    "grey",
    "indigo",
    "ivory",
    "khaki",
    "lavender",
    "lilac",
    "magenta",
    "maroon",
    "mint",
    "mustard",
    "navy",
    "olive",
    "orange",
    "pink",
    "purple",
    "red",
    "rose",
    "rust",
    "sage",
    "scarlet",
    "slate",
    "tan",
    "taupe",
    "teal",
    "turquoise",
    "violet",
    "white",
    "yellow",
)

# Terms a spec may state for a broader term of the copy: "stainless steel" is steel, "oak" is wood, "navy" is
# blue. A term that is only like the broader one states none of it: "faux leather", "gold plated", "silver
# plated". Only the fields that name the product's materials and colours back a broader word so (see
# claims._NARROWER_SOURCES), and not where a word after the term makes it a look or another thing
# (NOT_THE_THING_AFTER): "oak-effect laminate", "emerald-cut zirconia", "pine scent".
NOT_THE_THING_AFTER = (
    r"effect|look|looking|style|styled|print|printed|pattern|patterned|cut|tone|toned|scent|scented|flavour"
    r"|flavor|flavoured|flavored|leaf|leaves|oil|grain|foil|laminate|coloured|colored|colour|color|finish|decor"
)
NARROWER_TERMS = {
    "steel": ("stainless steel",),
    "silver": ("sterling silver",),
    "wood": ("oak", "beech", "walnut", "teak", "maple", "pine", "cedar", "plywood"),
    "ceramic": ("porcelain", "stoneware"),
    "wool": ("merino",),
    "blue": ("navy", "indigo"),
    "grey": ("charcoal", "slate", "graphite"),
    "red": ("crimson", "scarlet", "burgundy", "maroon"),
    "green": ("olive", "sage", "emerald", "mint"),
    "purple": ("violet", "lavender", "lilac"),
    "pink": ("fuchsia",),
    "brown": ("tan",),
    "plastic": ("polycarbonate", "polypropylene", "tpu", "vinyl"),
    "foam": ("eva",),
    # Vermeil is gold plated over sterling silver, more thickly than most plating.
    "gold plated": ("vermeil",),
}

# Words before a material that make it an imitation of that material: "PU leather", "simulated marble". Bonded
# leather counts as an imitation too, because the US FTC leather guides (16 CFR 24) ask that it be named as such.
_IMITATION_BEFORE = re.compile(
    r"(?<!\w)(imitation|artificial|simulated|fake|faux|bonded|reconstituted|man made|synthetic|pu|pvc|eco) $"
)
# "PU", "PVC" and "eco" make an imitation of leather only ("PU foam" is foam), and "synthetic" makes the material
# itself of a few ("synthetic sapphire" is sapphire crystal grown in a lab).
_LEATHER_ONLY = frozenset({"pu", "pvc", "eco"})
_LEATHERS = frozenset({"leather", "suede"})
_REAL_WHEN_SYNTHETIC = frozenset({"rubber", "sapphire", "resin"})
# Words after a material that make it a look of that material: "gold-tone", "marble-effect", "silk-like",
# "cashmere feel", "wood-grain", "gold finish". A print or pattern is a look too, except on a fabric ("silk
# print scarf"), and so is a finish, except of a plating metal ("chrome finish"). A coating ("gold plate",
# "gold vermeil") is the material, but no solid one (_PART_AFTER).
_LOOK_WORDS = r"effect|look|looking|style|styled|tone|toned|grain|laminate|coloured|colored|imitation|touch|soft"
_LOOK_AFTER = re.compile(rf" (?:{_LOOK_WORDS}|colour|color|like|feel|inspired)\b")
# In copy, "like", "colour" and "inspired" after a material are ordinary words ("soft leather like butter",
# "leather colour: cognac"), so only the other look words, and "-like" joined by its hyphen, make a look there.
# They do make one of a material that the spec names as a look of it with a word after, so that copy repeating
# the spec's "gold-colour hardware" or "marble-inspired tile" claims no more than the spec does.
_COPY_LOOK_AFTER = re.compile(rf" (?:{_LOOK_WORDS}|feel)\b")
_PRINT_AFTER = re.compile(r" (?:print|printed|pattern|patterned)\b")
_FINISH_AFTER = re.compile(r" (?:finish|finished)\b")
_FABRICS = frozenset(
    {"cotton", "linen", "silk", "wool", "merino", "cashmere", "polyester", "canvas", "denim", "velvet", "satin"}
    | {"viscose", "nylon", "jute", "hemp", "fleece", "flax", "mohair", "alpaca", "microfibre"}
)
_PLATING_METALS = frozenset({"chrome", "nickel", "rhodium"})
# Words before a material in copy that claim nothing else is in it: "genuine leather", "solid gold", "100% cotton",
# also with one word between ("solid 18k gold", "pure new wool"), unless that word is a colour ("solid black
# leather" claims a plain colour).
_PURITY_BEFORE = re.compile(r"(?<!\w)(?:pure|100 ?%|100 percent|solid|genuine|real) (?:(?P<between>[\w']+) )?$")
# Characters before a material searched for the words that qualify it.
_QUALIFIER_WINDOW = 40
# Gold below 24 karat, or of a fineness below 999 in parts per thousand, is an alloy: "18k gold", "9ct rose
# gold", "750 gold". Only 24k gold is pure, which copy claims with "pure", "100%", "24k" or "999".
_ALLOY_PURITY = re.compile(
    r"(?<![\w.,])(?:(?:[1-9]|1\d|2[0-3]) ?(?:k|kt|ct|carat|karat)|375|417|585|750|916) (?:[a-z]+ )?$"
)
_FINE_PURITY = re.compile(r"pure\b|100 ?%|100 percent\b|.*\b(?:24 ?(?:k|kt|ct|carat|karat)|999)\b")
# A share below 100%, a blend or a coating next to a material in the spec: "20% wool", "60% organic cotton",
# "wool 20%", "wool blend", "cotton poly blend", "cotton and elastane", "oak veneer", "engineered wood",
# "gold plate", "gold vermeil", "gold over silver".
_PART_BEFORE = re.compile(
    r"(?:(?<![\w.,])\d{1,2}(?:[.,]\d+)? ?(?:%|percent) (?:[a-z]+ )?|(?<!\w)(?:engineered|composite|pressed) )$"
)
_PART_AFTER = re.compile(
    r" (?:(?:[a-z]+ ){0,2}(?:blend|mix)\b|rich\b|veneer\b|plate\b|electroplated\b|dipped\b|vermeil\b|filled\b"
    r"|over\b|\(?\d{1,2}(?:[.,]\d+)? ?%"
    r"|(?:and |& |with )?(?:poly|polyester|elastane|spandex|lycra|nylon|acrylic|viscose|rayon)\b)"
)


class MaterialSense(StrEnum):
    """Claim of a material word: the material itself, an imitation or look of it, or the pure material."""

    PLAIN = "plain"
    IMITATION = "imitation"
    PURE = "pure"


def imitated(text: str, start: int, end: int, *, copy: bool = False, looked_in_spec: bool = False) -> bool:
    """Tell whether the material at `text[start:end]` of a normalized text names an imitation or look of it.

    With `copy`, the text is copy, where fewer words after a material make a look (_COPY_LOOK_AFTER), unless
    `looked_in_spec`: the spec names a look of this material with a word after it (`looked_after`).
    """
    word = text[start:end]
    look_after = _COPY_LOOK_AFTER if copy and not looked_in_spec else _LOOK_AFTER
    if look_after.match(text, end) or (not _among(word, _FABRICS) and _PRINT_AFTER.match(text, end)):
        return True
    if not _among(word, _PLATING_METALS) and _FINISH_AFTER.match(text, end):
        return True
    before = _IMITATION_BEFORE.search(text, max(0, start - _QUALIFIER_WINDOW), start)
    if before is None:
        return False
    qualifier = before.group(1)
    if qualifier in _LEATHER_ONLY:
        return _among(word, _LEATHERS)
    return not (qualifier == "synthetic" and _among(word, _REAL_WHEN_SYNTHETIC))


def looked_after(text: str, end: int) -> bool:
    """Tell whether the words after a material that ends at `end` of a normalized spec text make a look of it.

    "Gold-colour hardware", "marble-inspired tile" and "wood-grain print" do.
    """
    return _LOOK_AFTER.match(text, end) is not None


def purity_before(text: str, start: int) -> re.Match[str] | None:
    """Find the words before `text[start:]` that claim a pure material ("solid", "100%"), if any."""
    match = _PURITY_BEFORE.search(text, max(0, start - _QUALIFIER_WINDOW), start)
    if match is None or match.group("between") in COLORS:
        return None
    return match


def _among(word: str, terms: frozenset[str]) -> bool:
    """Tell whether a term, perhaps in the plural ("resins", "glasses"), is one of `terms`."""
    return word in terms or word[:-1] in terms or (word.endswith("es") and word[:-2] in terms)


def claims_fine_metal(wording: str) -> bool:
    """Tell whether copy's purity words claim a fine metal ("pure gold", "solid 24k gold"), not only a solid one."""
    return _FINE_PURITY.match(wording) is not None


def alloyed(text: str, start: int) -> bool:
    """Tell whether the metal at `text[start:]` of a normalized text is named as an alloy ("18k gold", "750 gold")."""
    return _ALLOY_PURITY.search(text, max(0, start - _QUALIFIER_WINDOW), start) is not None


def blended(text: str, start: int, end: int) -> bool:
    """Tell whether the material at `text[start:end]` of a normalized text is only a share or blend ("20% wool")."""
    before = _PART_BEFORE.search(text, max(0, start - _QUALIFIER_WINDOW), start)
    return before is not None or _PART_AFTER.match(text, end) is not None


# Figures a term states, with their units: copy may write "925 sterling silver" or "92.5% silver" for a spec's
# "sterling silver".
IMPLIED_FIGURES: dict[str, tuple[tuple[float, str | None], ...]] = {"sterling silver": ((925.0, None), (92.5, "%"))}

# Phrases of normalized text where a colour or material word names something else: a process ("won't rust",
# "golden brown", "turn your skin green"), a food ("black pepper", "olive oil"), a thing ("coral reef", "blue
# light", "face cream", "glass skin", "silver birch"), a figure of speech ("gold standard", "silver screen") or
# a gem, as jewellers call it a stone ("centre stone", "a half-carat stone"). They make no colour or material
# claim.
OTHER_SENSE_PHRASES = re.compile(
    r"(?<!\w)(?:"
    r"(?:won't|will not|does not|doesn't|never|anti|no) rusts?"
    r"|rust (?:resistant|resistance|proof|free|protection|inhibitor)"
    r"|(?:black|white|pink|green|red) pepper(?:corn)?s?"
    r"|(?:green|black|white) teas?"
    r"|(?:red|white|rose) wines?"
    r"|coral reefs?|(?:protects?|protecting|harms?|safe for) corals?|coral safe"
    r"|olive oil|orange (?:juice|peel|oil|zest)|rose (?:water|oil|hips?)|(?:mint|sage) leaf|(?:mint|sage) leaves"
    r"|mustard seeds?|activated charcoal|blue light|white noise|black friday|red carpet"
    r"|(?:face|hand|body|eye|night|day|foot|shaving|ice|sour|whipped|rich|cushiony|moisturi[sz]ing|nourishing"
    r"|barrier|cleansing|sun|anti ag[e]?ing) creams?|cream (?:cleanser|texture|formula)s?"
    r"|glass skin|golden brown|brown (?:sugar|rice|bread)|hash browns?"
    r"|glass(?:es)? of|by the glass|(?:pour|enjoy|raise|grab|have) (?:a|another) glass|stone fruits?"
    r"|silver (?:birch(?:es)?|screens?|linings?|medals?)|gold (?:standard|medals?)|(?:black|schwarzes) gold"
    r"|(?:centre|center|side|accent|main|carat) stones?"
    r"|turns? (?:your )?(?:skin|fingers?) green"
    r")(?!\w)"
)
# Properties, certifications and origins a shopper relies on; each must be stated by the spec.
PROPERTIES = (
    "antibacterial",
    "antimicrobial",
    "award winning",
    "bpa free",
    "biodegradable",
    "bluesign",
    "breathable",
    "ce marked",
    "certified",
    "clinically proven",
    "clinically tested",
    "compostable",
    "cruelty free",
    "dermatologist tested",
    "energy star",
    "etl listed",
    "dishwasher safe",
    "eco friendly",
    "fair trade",
    "fda approved",
    "fireproof",
    "flame retardant",
    "fragrance free",
    "freezer safe",
    "fsc",
    "gots",
    "handcrafted",
    "hand finished",
    "hand glazed",
    "hand made",
    "hypoallergenic",
    "lead free",
    "lifetime warranty",
    "machine washable",
    "microwave safe",
    "nickel free",
    "non toxic",
    "oeko tex",
    "organic",
    "oven safe",
    "paraben free",
    "patented",
    "pfas free",
    "pfc free",
    "recyclable",
    "reef safe",
    "rohs",
    "recycled",
    "scratch resistant",
    "shatterproof",
    "stain resistant",
    "sustainable",
    "ul listed",
    "uv protection",
    "vegan",
    "warranty",
    "waterproof",
    "water repellent",
    "water resistant",
    "windproof",
)


# A property is denied by a negation just before it, with at most two words between that soften it, name a
# rating or name another property ("not fully waterproof", "without any warranty", "not IPX7 waterproof", "no
# lifetime warranty"). A "no", "false", "none" or 0 after a colon or in brackets denies it too ("Waterproof: no",
# "Waterproof (no)", as the spec table writes false) where the statement ends: at the end of the text, at a
# punctuation mark or dash, or before the next "key:" of a list that normalize ran together ("waterproof: no
# weight: 280 g"). So does "not included" after it, with at most one word between ("Lifetime warranty not
# included"). "Not only waterproof", "no-fuss, waterproof" and "Waterproof (no leaks, ever)" assert it.
_SOFTENING = r"a|an|any|fully|completely|entirely|totally|truly|really|very|100%|rated|[a-z]*\d[a-z\d]*"
# A "no" that is the value of the key before it ("waterproof: no breathable: yes") denies that key, not the
# next word.
_NEGATION = (
    r"(?:^|(?<![:=?])[^\w':=?])(?:not|no|non|never|neither|nor|without|isn't|aren't|wasn't|weren't|zero"
    r"|free of|free from)\s+"
)
_DENIED_BEFORE = re.compile(
    _NEGATION + r"(?:(?:" + _SOFTENING + "|" + "|".join(re.escape(term) for term in PROPERTIES) + r")\s+){0,2}$"
)
# Values of a spec table entry that deny its key, as PIM exports write them ("organic: n/a", "vegan: nein"),
# so copy that repeats the entry ("Organic: -") denies it too.
DENYING_VALUES = (
    "no",
    "false",
    "none",
    "n/a",
    "na",
    "-",
    "–",
    "—",
    "nein",
    "keine",
    "kein",
    "non",
    "aucun",
    "aucune",
    "ninguno",
    "ninguna",
)
# Values of a spec table entry that withhold its key without denying it, in normalized text: "reef_safe": "no
# claim made", "organic": "not certified". Like a denial they state nothing, and copy that repeats the entry
# ("Reef safe: no claim made") withholds the key too.
WITHHOLDING_VALUE = (
    r"no claims?(?: made)?|none claimed|not (?:yet )?(?:claimed|tested|certified|stated|rated|verified|known)"
    r"|not applicable|not yet|unknown|unverified|untested"
)
# The denial is matched in normalized text, where "n/a" reads "n a" and a lone "-" is gone, leaving the key
# with no value after its colon before the sentence ends, which asserts nothing either. A dash that goes on
# to text ("Waterproof: – taped seams") is a separator, which normalize turns into ";", and no denial.
_DENYING_VALUE = "|".join(
    re.escape(value) for value in sorted({normalize(value) for value in DENYING_VALUES} - {""}, key=len, reverse=True)
)
_DENIED_AFTER = re.compile(
    r"(?:\s*[:=?]\s*|\s*\(\s*)(?:" + _DENYING_VALUE + r"|0(?![.,]?\d)|(?=\s*(?:\.(?!\w)|$)))"
    r"(?=\s*(?:$|[.,;:!)\]|•–—-])|\s+[a-z][a-z0-9 ]{0,30}:)"
    r"|\s*[:=]\s*(?:" + WITHHOLDING_VALUE + r")(?=\s*(?:$|[.,;!)\]]))"
    r"|(?:\s+[a-z]+)?\s+(?:is\s+|are\s+)?(?:not\s+(?:included|available|supplied|provided|offered)|excluded)\b"
)
# A material is denied by a negation with only softening words between ("non-waterproof leather" asserts the
# leather), and by "free" right after it ("plastic-free", a nickel_free key), unless "free" starts a compound
# ("oak free-standing") or "free of" or "free from" follows ("cotton free from dyes" asserts cotton).
_MATERIAL_DENIED_BEFORE = re.compile(_NEGATION + r"(?:(?:" + _SOFTENING + r")\s+){0,2}$")
_FREE_AFTER = re.compile(
    r"\s+free\b(?!\s+(?:of|from|standing|flowing|floating|form|range|style|hand|fall|spirited|to)\b)"
)
# Characters before a term searched for a negation, which keeps the search for each term short in a long text.
_DENIAL_WINDOW = 100


def denied(text: str, start: int, end: int, *, material: bool = False) -> bool:
    """Tell whether the term at `text[start:end]` of a normalized text is denied rather than asserted.

    `material` applies the rules for a material in place of those for a property.
    """
    window = max(0, start - _DENIAL_WINDOW)
    if material:
        before = _MATERIAL_DENIED_BEFORE.search(text, window, start)
        return bool(before or _DENIED_AFTER.match(text, end) or _FREE_AFTER.match(text, end))
    before = _DENIED_BEFORE.search(text, window, start)
    return bool(before or _DENIED_AFTER.match(text, end))
