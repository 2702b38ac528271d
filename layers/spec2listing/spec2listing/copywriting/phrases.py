"""Find a listed phrase (a banned phrase, a promotional term) in copy however the copy spells it out.

Model-written copy writes "world’s best" with a curly apostrophe, "best-seller" with a hyphen, "perfect gifts"
in the plural and "free shipping" with a no-break space. A soft hyphen may also sit inside any word. All of
these state the phrase.
"""

import re

# Characters that do not show, which copy pasted from a word processor or a web page can carry inside words.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# Apostrophes: straight, curly, the modifier letter and the backtick that some keyboards produce.
_APOSTROPHE = "['\u2018\u2019\u02bc`]"
_DASHES = "\\-\u2010\u2011\u2012\u2013"
# Between the words of a phrase: spaces of any kind, a line break or a hyphen. A phrase written with a
# hyphen is a compound, and matches only with a dash between its words: "must-have" is not "must have".
_WORD_GAP = rf"[\s{_DASHES}]+"
_COMPOUND_GAP = rf"\s*[{_DASHES}]\s*"
# Last words whose plural is another word ("goods", "news", "tops"), which a phrase ending in them never matches.
_OTHER_PLURALS = frozenset({"good", "new", "top", "custom", "arm", "glass", "damage", "manner", "saving", "wood"})


def matchable(text: str) -> str:
    """Drop the characters that do not show, so that a phrase split by a soft hyphen still matches."""
    return _INVISIBLE.sub("", text)


def phrase_pattern(phrase: str, *, in_compounds: bool = True) -> re.Pattern[str]:
    """Compile a case-insensitive pattern for a phrase as whole words; search `matchable` text with it.

    Words written apart match with spaces, line breaks or hyphens between them ("perfect gift" matches
    "perfect-gift"). A compound written with a hyphen matches with a dash only, so "must-have" does not match
    "must have it fitted". Any apostrophe matches any other, and a phrase that ends in a word of three
    letters or more matches its plural too, unless that is another word (_OTHER_PLURALS: "goods", "news").
    An end of the phrase needs a word boundary only where it is a letter or digit, so "% off" still matches.
    Without `in_compounds`, a hyphen and a word after the phrase make another word, so "% off" does not match
    "100% off-grid".
    """
    phrase = matchable(phrase).strip()
    words = [word for word in re.split(_WORD_GAP, phrase) if word]
    if not words:
        return re.compile(re.escape(phrase), re.IGNORECASE)
    spaced = not re.search(f"[{_DASHES}]", phrase)
    gap = _WORD_GAP if spaced else _COMPOUND_GAP
    body = gap.join(re.sub(_APOSTROPHE, _APOSTROPHE, re.escape(word)) for word in words)
    start = r"(?<!\w)" if words[0][:1].isalnum() else ""
    end = ""
    last = words[-1].casefold()
    if last[-1:].isalpha() and len(last) >= 3 and last not in _OTHER_PLURALS:
        # Not after a word as short as "us", whose "uses" is another word ("call us", "email us").
        body += "(?:e?s)?"
    if words[-1][-1:].isalnum():
        end = r"(?!\w)" if in_compounds else rf"(?!\w|[{_DASHES}]\w)"
    return re.compile(start + body + end, re.IGNORECASE)
