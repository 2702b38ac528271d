"""Promotional wording the marketplaces reject in titles, bullets and descriptions, as the checks find it."""

import re

from spec2listing.copywriting.phrases import phrase_found, phrase_pattern
from spec2listing.copywriting.platforms import PROMOTIONAL_TERMS

# "% off" before a hyphen is a compound ("100% off-grid", "80% off-peak"), while the other terms count there too
# ("cheapest-ever", "discount-code").
PROMOTIONAL = [(term, phrase_pattern(term, in_compounds=term != "% off")) for term in PROMOTIONAL_TERMS]
# "Sale" alone is also Italian and Spanish (salt, goes out), so it counts in upper case ("SALE"), before "!"
# or ":" ("Summer Sale: ..."), or after a word that names a sale ("big sale", "summer sale").
_SALE = re.compile(
    r"(?<![\w-])(?:SALE(?![\w-])|(?i:sale)(?=\s*[!:])|(?i:(?:big|huge|mega|flash|clearance|summer|winter|spring"
    r"|autumn|fall|holiday|seasonal|annual|warehouse|anniversary|end of season|black friday|cyber monday)\s+sale)"
    r"(?!\w))"
)
PROMOTIONAL.append(("sale", _SALE))
# A rank claimed for the product: "#1 best seller", "the number one choice", "ranked No. 1". "#1" alone is a
# screw or hook size and "size number one" a size, so a rank needs a word that names one next to it.
_RANK = r"(?:#\s?1|no\.?\s?1|number\s+one)"
_RANKING = re.compile(
    rf"(?i:(?:\b(?:ranked|rated|voted|the)\s+{_RANK}(?!\w))"
    rf"|(?<![\w#]){_RANK}\s+(?:best|top|rated|selling|seller|choice|brand|pick|in|on|for|ranked)\b)"
)
PROMOTIONAL.append(("#1", _RANKING))


def promotional_terms(text: str) -> list[str]:
    """List the promotional terms a text contains, each once, in PROMOTIONAL order."""
    return [term for term, pattern in PROMOTIONAL if phrase_found(pattern, text)]
