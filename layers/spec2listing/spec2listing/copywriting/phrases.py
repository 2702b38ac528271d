"""Find a listed phrase (a banned phrase, a promotional term) in copy however the copy spells it out.

Model-written copy writes "world’s best" with a curly apostrophe, "best-seller" with a hyphen, "perfect gifts"
in the plural and "free shipping" with a no-break space. A soft hyphen may also sit inside any word, full-width
letters ("ＦＲＥＥ") read as the ASCII ones, and a Cyrillic "е" in "bеst" looks like the Latin one. All of these
state the phrase.
"""

import re
import unicodedata

from spec2listing.consistency.vocabulary import spelling_forms

# Characters that do not show, which copy pasted from a word processor or a web page can carry inside words or
# between them. They are Unicode's default-ignorable code points (DerivedCoreProperties.txt): soft hyphen,
# zero-width spaces and joiners, bidi controls, invisible operators, Hangul fillers and variation selectors.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U000e0000-\U000e0fff]"
)
# Cyrillic and Greek letters that look like Latin ones, as Unicode's confusables.txt pairs them. Only these
# are folded, so a phrase still needs every other letter of its own.
_LATIN_LOOKALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсхуԁһӏԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοιν",
    "ABESIJKMHOPCTXYaesijopcxydhlqwABEZHIKMNOPTYXoiv",
)
# Apostrophes: straight, curly, the modifier letter and the backtick that some keyboards produce.
_APOSTROPHE = "['\u2018\u2019\u02bc`]"
_DASHES = "\\-\u2010\u2011\u2012\u2013"
# Between the words of a phrase: spaces of any kind, a line break or a hyphen. A phrase written with a
# hyphen is a compound, and matches only with a dash between its words: "must-have" is not "must have".
_WORD_GAP = rf"[\s{_DASHES}]+"
_COMPOUND_GAP = rf"\s*[{_DASHES}]\s*"
# Last words whose plural is another word ("goods", "news", "tops"), which a phrase ending in them never matches.
# A percent sign, also spaced from its figure or spelled out: "100% natural" is "100 % natural", "100 percent".
_PERCENT = r"\s?(?:%|per\s?cent|percent)"
_OTHER_PLURALS = frozenset({"good", "new", "top", "custom", "arm", "glass", "damage", "manner", "saving", "wood"})


def matchable(text: str) -> str:
    """Fold text to the letters a reader sees: compatibility forms (NFKC), look-alike letters, no invisibles."""
    return _INVISIBLE.sub("", _folded(text))


def phrase_spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Find where a `phrase_pattern` matches a text, as (start, end) positions in the text itself.

    The text is folded as phrase_found folds it when folding keeps one character for each, as for full-width
    letters and look-alikes. Otherwise, as with a ligature, the text is searched as written.

    NOTE: invisible characters are not dropped here as phrase_found drops them, so "best\u00adseller" is
    found by the check but has no span to mark.
    """
    folded = _folded(text)
    searched = folded if len(folded) == len(text) else text
    return [match.span() for match in pattern.finditer(searched)]


def phrase_found(pattern: re.Pattern[str], text: str) -> bool:
    """Tell whether a `phrase_pattern` matches a text as a reader sees it.

    An invisible character inside a word is dropped ("best\u00adseller"), and one between words counts as a
    word gap ("free\u200bshipping"), so both readings are searched.
    """
    folded = _folded(text)
    return any(pattern.search(_INVISIBLE.sub(gap, folded)) for gap in ("", " "))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_LATIN_LOOKALIKES)


# A y after a consonant that a plural turns into "ies": "luxury" and "luxuries".
_Y_PLURAL = re.compile(r"(?<=[b-df-hj-np-tv-z])y$")


def _word_pattern(word: str, *, plural: bool) -> str:
    """Write one word of a phrase as a pattern: in British and US spelling, with any apostrophe and "%" spaced.

    With `plural`, the word's plural matches too: "gifts", "boxes", "luxuries".
    """
    forms = []
    for form in spelling_forms(word.casefold()):
        escaped = re.sub(_APOSTROPHE, _APOSTROPHE, re.escape(form)).replace("%", _PERCENT)
        if plural and _Y_PLURAL.search(form):
            escaped = escaped[:-1] + "(?:y|ies)"
        elif plural:
            escaped += "(?:e?s)?"
        forms.append(escaped)
    return forms[0] if len(forms) == 1 else "(?:" + "|".join(forms) + ")"


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
    last = words[-1].casefold()
    # Not after a word as short as "us", whose "uses" is another word ("call us", "email us").
    plural = last[-1:].isalpha() and len(last) >= 3 and last not in _OTHER_PLURALS
    body = gap.join(_word_pattern(word, plural=plural and index == len(words) - 1) for index, word in enumerate(words))
    start = r"(?<!\w)" if words[0][:1].isalnum() else ""
    end = ""
    if words[-1][-1:].isalnum():
        end = r"(?!\w)" if in_compounds else rf"(?!\w|[{_DASHES}]\w)"
    return re.compile(start + body + end, re.IGNORECASE)
