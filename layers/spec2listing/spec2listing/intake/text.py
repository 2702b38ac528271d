"""Decoding uploaded bytes into text, with errors that say what the bytes look like."""

import codecs
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel

from spec2listing.errors import FieldError

_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook is one)",
    b"\x1f\x8b": "a gzip archive",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Zero bytes in more than one byte in this many of a file's start mark it as binary, even where the bytes are
# valid UTF-8: text has none, and a pasted NUL or two is rejected per field instead.
MAX_TEXT_ZERO_SHARE = 100
LEGACY_ENCODING = "cp1252"
# Single-byte encodings that spreadsheets save CSV in: Excel on Windows, Excel on a Mac, and DOS tools.
LEGACY_NAMES = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman", "cp850": "DOS code page 850"}
# The Windows code pages of other European languages, which Excel saves CSV in where they are the system's.
# Each reads most bytes as letters that Windows-1252 also has, so they are tried only to explain garbled
# text, or where the Windows-1252 reading has a letter that western European text seldom uses (see
# _seldom_western_at).
REGIONAL_NAMES = {
    "cp1250": "Windows-1250 (central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1254": "Windows-1254 (Turkish)",
}
ENCODING_OPTION = (
    "option encoding with the file's encoding (cp1252, cp1250, cp1251, cp1254, mac_roman, cp850, ...), "
    "or the file saved as UTF-8"
)

# Windows-1252's typographic punctuation, which the other code pages read as letters.
_WINDOWS_PUNCTUATION = frozenset("’‘“”„‚–—…€•™")
# The marks that may open a quote that a closing mark ends.
_OPENING_QUOTES = {"”": "“„", "“": "„", "‘": "‚"}
# Accented letters that are words of their own: French and Portuguese à, Italian è, Swedish å and ö.
_ONE_LETTER_WORDS = frozenset("àáèéíóöåÀÈÉ")
# Letters that stand alone as symbols: "Ø 27 cm" and "ø 8 mm" give a diameter in German and Nordic data.
_ONE_LETTER_WORDS |= frozenset("Øø")
# Characters that fit anywhere: no-break space, soft hyphen and apostrophes.
_ANYWHERE = frozenset("\u00a0\u00ad\u2019\u02bc")
# Categories that product text does not use: controls, format and private-use characters,
# unassigned code points, spacing accents (¨ ´ ¸ ˜) and modifier letters (ˆ ˇ).
_NEVER_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Sk", "Lm"})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The UTF-8 bytes of Latin-1 letters and symbols and of Windows punctuation, and any other character of
# three or four bytes (✓, →, ☕). A single-byte reading shows them as "Ã©", "â€™" or "âœ“", so in a file
# that is not UTF-8 they are UTF-8 text beside other bytes.
_UTF8_LATIN = re.compile(
    b"|".join(re.escape(chr(code).encode()) for code in sorted({*range(0xA0, 0x100), *map(ord, _WINDOWS_PUNCTUATION)}))
    + rb"|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
# Windows-1252 capitals. After one, "Ã" or "Â" and a mark are Portuguese or French capitals before
# punctuation ("LÃ”", "MAÇÃ…"), not UTF-8.
_WINDOWS_CAPITALS = frozenset(
    byte for byte in range(256) if bytes([byte]).decode(LEGACY_ENCODING, errors="replace").isupper()
)


class DecodedText(BaseModel):
    """Text read from an upload, in Unicode normal form C, with the encoding it was read in.

    Readers compare colours, options and keys as text, so a file that writes
    "Crème" once with "è" and once as "e" and a combining accent has one colour.
    """

    text: Annotated[str, AfterValidator(lambda text: unicodedata.normalize("NFC", text))]
    encoding: str


def describe_binary(data: bytes) -> str:
    for signature, name in _SIGNATURES.items():
        if data.startswith(signature):
            return name
    return "binary data"


def _binary_error(file: str, data: bytes) -> FieldError | None:
    if data.startswith(_UTF16_BOMS):
        return None
    utf16 = _utf16_byte_order(data)
    if utf16 is not None:
        return FieldError(
            file=file,
            path="(file)",
            value=f"first bytes {data[:8].hex(' ')}",
            message="the file looks like UTF-16 text without a byte order mark",
            expected=f"option encoding {utf16}, or the file saved as UTF-8",
        )
    if _binary_zeros(data[:4096]) or any(data.startswith(sig) for sig in _SIGNATURES):
        return FieldError(
            file=file,
            path="(file)",
            value=f"first bytes {data[:8].hex(' ')}",
            message=f"the file is {describe_binary(data)}, not text",
            expected="a UTF-8 text file with a product spec",
        )
    return None


def _binary_zeros(sample: bytes) -> bool:
    """Tell whether zero bytes mark a sample as binary: many of them, or any in bytes that are not UTF-8.

    A stray NUL in UTF-8 text ("a\\x00b" in one cell) leaves the file text, so the field check rejects only
    the product that has it, wherever in the file it is.
    """
    zeros = sample.count(b"\x00")
    if zeros == 0:
        return False
    if zeros > len(sample) // MAX_TEXT_ZERO_SHARE:
        return True
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _utf16_byte_order(data: bytes) -> str | None:
    """Name the UTF-16 byte order of bytes where nearly every other byte is zero, as Latin text in UTF-16 is.

    At least 90% of the high bytes must be zero, which leaves room for
    characters such as € (U+20AC), and the low bytes must all be non-zero.
    """
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    for order, high, low in (("utf-16-be", sample[0::2], sample[1::2]), ("utf-16-le", sample[1::2], sample[0::2])):
        if all(low) and high.count(0) >= 0.9 * len(high):
            return order
    return None


def _offset_value(data: bytes, error: UnicodeDecodeError) -> str:
    return f"byte {data[error.start : error.start + 1].hex()} at offset {error.start}"


def decode_utf8(file: str, data: bytes) -> str | FieldError:
    """Decode UTF-8 (a byte order mark is dropped), or explain why the bytes are not text."""
    decoded = decode_text(file, data)
    return decoded if isinstance(decoded, FieldError) else decoded.text


def decode_text(
    file: str, data: bytes, *, encoding: str | None = None, legacy: bool = False
) -> DecodedText | FieldError:
    """Decode an upload: the named encoding, else a byte order mark, else UTF-8.

    A named encoding is used as it is, before any test for binary data, so
    option encoding can read UTF-16 without a byte order mark. With `legacy`,
    bytes that are not UTF-8 are read as Windows-1252, the encoding
    spreadsheets on Windows save CSV in, when that is the only plausible
    reading (see legacy_reading). Pure ASCII reads the same either way.
    """
    if encoding is not None:
        return _decode_as(file, data, encoding)
    binary = _binary_error(file, data)
    if binary is not None:
        return binary
    if data.startswith(_UTF16_BOMS):
        return _decode_as(file, data, "utf-16")
    try:
        return DecodedText(text=data.decode("utf-8-sig"), encoding="utf-8")
    except UnicodeDecodeError as error:
        if not legacy:
            return FieldError(
                file=file,
                path="(file)",
                value=_offset_value(data, error),
                message="the file is not valid UTF-8",
                expected=ENCODING_OPTION,
            )
        return legacy_reading(file, data, error)


def legacy_reading(file: str, data: bytes, utf8_error: UnicodeDecodeError) -> DecodedText | FieldError:
    """Read bytes that are not UTF-8 as Windows-1252, or explain why that would be a guess.

    Windows-1252, Mac Roman and DOS code page 850 each read almost any byte,
    so each reading is judged as product text (see _implausible_at).
    Windows-1252 is used when its reading is plausible and no other one is,
    or when the others differ from it only where Windows-1252 has the
    typographic punctuation that Windows spreadsheets write (’ “ ” – … €),
    placed where writers put it (see _punctuation_fits).
    """
    mixed = next((match for match in _UTF8_LATIN.finditer(data) if _reads_as_utf8(data, match)), None)
    if mixed is not None and _is_utf8(mixed.group()):
        lines = data.decode("latin-1")  # one character per byte, for line numbers
        character = mixed.group().decode()
        return FieldError(
            file=file,
            path=f"line {_line_of(lines, utf8_error.start)}",
            value=f"{_offset_value(data, utf8_error)} is not UTF-8, while line {_line_of(lines, mixed.start())} "
            f"has {character!r} in UTF-8",
            message="the file mixes UTF-8 text with text in another encoding",
            expected="the file saved again as UTF-8 after the lines in the other encoding are fixed, "
            "or option encoding to read every byte in one encoding",
        )
    try:
        text = data.decode(LEGACY_ENCODING)
    except UnicodeDecodeError as error:
        return FieldError(
            file=file,
            path="(file)",
            value=_offset_value(data, error),
            message="the file is neither UTF-8 nor Windows-1252 text",
            expected=ENCODING_OPTION,
        )
    others = _plausible_readings(data, [name for name in LEGACY_NAMES if name != LEGACY_ENCODING])
    not_utf8 = f"{_offset_value(data, utf8_error)} is not UTF-8"

    garbled = _first_implausible(text)
    if garbled is not None:
        candidates = {**others, **_plausible_readings(data, list(REGIONAL_NAMES))}
        names = {**LEGACY_NAMES, **REGIONAL_NAMES}
        hint = f"; it reads as plausible {names[next(iter(candidates))]} text" if len(candidates) == 1 else ""
        return FieldError(
            file=file,
            path=f"line {_line_of(text, garbled)}",
            value=f"{_word_at(text, garbled)!r} when read as Windows-1252 ({not_utf8})",
            message="the file is not UTF-8 and reads as garbled Windows-1252 text" + hint,
            expected=ENCODING_OPTION,
        )

    for name, reading in others.items():
        differs = _first_difference(text, reading)
        if differs is not None:
            return FieldError(
                file=file,
                path=f"line {_line_of(text, differs)}",
                value=f"{_word_at(text, differs)!r} in Windows-1252 and {_word_at(reading, differs)!r} in "
                f"{LEGACY_NAMES[name]} ({not_utf8})",
                message="the file is not UTF-8, and it reads as different plausible text in two encodings",
                expected=ENCODING_OPTION,
            )
    if _seldom_western(text) is not None:
        regional = {
            name: (differs, reading)
            for name, reading in _plausible_readings(data, list(REGIONAL_NAMES)).items()
            if (differs := _first_difference(text, reading)) is not None
        }
        if regional:
            first = min(differs for differs, _ in regional.values())
            ours = _word_at(text, first)
            theirs = {name: _word_at(reading, first) for name, (_, reading) in regional.items()}
            readings = "".join(f", {word!r} in {REGIONAL_NAMES[name]}" for name, word in theirs.items() if word != ours)
            return FieldError(
                file=file,
                path=f"line {_line_of(text, first)}",
                value=f"{ours!r} in Windows-1252{readings} ({not_utf8})",
                message="the file is not UTF-8, and it reads as different plausible text in several encodings",
                expected=ENCODING_OPTION,
            )
    return DecodedText(text=text, encoding=LEGACY_ENCODING)


def _plausible_readings(data: bytes, names: list[str]) -> dict[str, str]:
    """Read the bytes in each single-byte encoding, keeping the readings that are plausible product text.

    A reading in a regional code page must also use the letters of one of its languages: Icelandic
    "Handgerður" reads as "Handgerđur" in Windows-1250, whose đ is Croatian, beside an á no Croatian writes.
    """
    readings = {}
    for name in names:
        reading = data.decode(name, errors="replace")
        if _first_implausible(reading) is None and _fits_a_language(reading, _ALPHABETS.get(name)):
            readings[name] = reading
    return readings


# Letters beside ASCII that the languages of each regional code page write, German's with each, since brands
# and loanwords carry them. Windows-1251 is left out: its Cyrillic letters are judged by script.
_GERMAN = "äöüß"
_ALPHABETS: dict[str, tuple[frozenset[str], ...]] = {
    "cp1250": tuple(
        frozenset(letters + _GERMAN)
        for letters in (
            "áčďéěíňóřšťúůýž",  # Czech
            "áäčďéíĺľňóôŕšťúýž",  # Slovak
            "ąćęłńóśźż",  # Polish
            "áéíóöőúüű",  # Hungarian
            "čćđšž",  # Slovene, Croatian, Bosnian
            "ăâîşţșț",  # Romanian
        )
    ),
    "cp1254": (frozenset("çğıöşüâîû" + _GERMAN) | {"i\u0307"},),  # Turkish; "İ".lower() is "i" and a dot
}


def _fits_a_language(reading: str, alphabets: tuple[frozenset[str], ...] | None) -> bool:
    """Tell whether the non-ASCII letters of a reading all belong to one of the alphabets given, if any."""
    if alphabets is None:
        return True
    letters = {character.lower() for character in reading if character.isalpha() and not character.isascii()}
    return any(letters <= alphabet for alphabet in alphabets)


def _is_utf8(sequence: bytes) -> bool:
    try:
        sequence.decode()
    except UnicodeDecodeError:
        return False
    return True


# Letters of Windows-1252 that western European product text seldom has, and that the other Windows code
# pages write often: Icelandic ð, þ and ý are Turkish ğ, ş and ı in Windows-1254, and Czech ý.
_SELDOM_WESTERN = frozenset("ðþýÐÞÝ")


def _seldom_western(text: str) -> int | None:
    """Find a letter that western European text seldom has in its place, or return None.

    Central European text in Windows-1250 and Turkish text in Windows-1254
    read as plausible Windows-1252 letters, and such a letter is the sign of
    them: "Èerný" is Czech "Černý", "Kýrmýzý" Turkish "Kırmızı" and "Hõálló"
    Hungarian "Hőálló". Icelandic writes ý, ð and þ too, so such a letter only
    starts the comparison with the regional readings (see _plausible_readings).

    NOTE: a line whose only central European letters are Polish ę or Romanian
    ă and â reads as western European text ("Dêbowy", "Pãturã"). Polish ł, ą
    and ż read as symbols (see _implausible_at), so longer Polish text is
    rejected, and Romanian ş and ţ read as º and þ.
    """
    for match in _NON_ASCII.finditer(text):
        index = match.start()
        if text[index] in _SELDOM_WESTERN or _central_european_at(text, index):
            return index
    return None


# French writes è before a consonant and an e ("crème", "sirène"), so never before a vowel or k, and before n
# only when e follows. Czech, Slovak, Slovene and Croatian č reads as è: "ovèí", "ruèni", "Svíèka".
_SLAVIC_AFTER_E_GRAVE = re.compile(r"[aeiouáéíóúyk]|n[aiouáíóú]", re.IGNORECASE)


def _central_european_at(text: str, index: int) -> bool:
    """Tell whether a letter is a central European letter misread: è for č, œ for ś, õ for ő, ì for ě, ù for ů."""
    lower = text[index].lower()
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if lower == "è":
        return _SLAVIC_AFTER_E_GRAVE.match(text, index + 1) is not None
    if lower == "œ":
        # French writes œ before u, i, n, s or t ("cœur", "œil", "œnologie", "œsophage", "fœtus"). Polish ś
        # comes before c, w, l, m or n, at the end of a word, or before ć ("pojemnoœæ").
        return not after.isalpha() or not after.isascii() or after.lower() in "cwlm"
    if lower == "õ":
        # Portuguese writes õ before e only ("limões"), and Hungarian ő also ends words ("idő").
        return after.lower() != "e" if after.isalpha() else before.isalpha()
    if lower in "ìù":
        # Italian and French write these at the end of a word ("così", "où"), and Czech ě and ů inside one.
        return before.isalpha() and after.isalpha()
    return False


def _reads_as_utf8(data: bytes, match: re.Match[bytes]) -> bool:
    """Tell whether UTF-8 bytes of a Latin letter or mark are UTF-8, rather than Windows-1252 text.

    The three-byte punctuation ("â€™") always is. A two-byte pair is not
    after a capital, where Windows-1252 writes a capital Ã or Â and a mark.
    """
    start = match.start()
    return len(match.group()) > 2 or start == 0 or data[start - 1] not in _WINDOWS_CAPITALS


def _first_difference(windows: str, other: str) -> int | None:
    """Find where two single-byte readings differ, other than at Windows-1252 punctuation placed as it is used."""
    for index, (ours, theirs) in enumerate(zip(windows, other, strict=True)):
        if ours != theirs and not _punctuation_fits(windows, index):
            return index
    return None


def _punctuation_fits(text: str, index: int) -> bool:
    """Judge whether the Windows-1252 punctuation mark at `index` sits where writers put it.

    Another code page reads these bytes as letters, so a mark that touches a
    word on the wrong side is most likely a letter of that word. Mac Roman
    "Äpfel" reads "€pfel" and "Ölkanne" reads "…lkanne", and code page 850
    "Café" reads "Caf‚". A closing quote needs an opening one before it on its
    line.

    NOTE: an apostrophe fits anywhere and an ellipsis after a word fits, so
    Mac Roman "Martín" still reads as "Mart’n" and code page 850 "voilà" as
    "voil…".
    """
    character = text[index]
    if character not in _WINDOWS_PUNCTUATION:
        return False
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if character in "„‚":
        return not before.isalnum()
    if character == "”" and before.isdigit():
        return True  # an inch mark: 15.6”
    if character in "“‘”":
        # “ and ‘ open an English quote and close a German one („so“, ‚so‘); ” only closes. A closing mark
        # needs more opening marks than closing ones before it, on its line or on earlier lines of a cell.
        opens = character != "”" and not before.isalnum()
        openings = sum(text.count(mark, 0, index) for mark in _OPENING_QUOTES[character])
        return opens or (not after.isalnum() and openings > text.count(character, 0, index))
    if character in "–—":
        # A dash at the edge of a word, with a space on its other side, is a letter of that word elsewhere.
        return not (before.isalpha() and not after.isalnum()) and not (after.isalpha() and not before.isalnum())
    if character == "€":
        return not before.isalpha() and not after.isalpha()
    if character == "…":
        return not before.isspace() and not after.isalnum()
    if character == "™":
        return not after.isalnum()
    if character == "•":
        return not before.isalpha()
    return True  # ’


def _first_implausible(text: str) -> int | None:
    for match in _NON_ASCII.finditer(text):
        if _implausible_at(text, match.start()):
            return match.start()
    return None


def _implausible_at(text: str, index: int) -> bool:
    """Judge one non-ASCII character by what surrounds it, as it would sit in product text.

    Implausible are characters of the categories product text does not use,
    box drawing, ligatures and the hooked f. So are an upper-case letter right
    after a lower-case one ("CafŽ"), an accented letter that is a word of its
    own ("29,90 Ä"), and a symbol or punctuation mark between two letters
    ("Gr§e", "K”ln"), except a Catalan "l·l".
    """
    character = text[index]
    if character in _ANYWHERE:
        return False
    if unicodedata.category(character) in _NEVER_CATEGORIES:
        return True
    code = ord(character)
    if 0x2500 <= code <= 0x25FF or 0xFB00 <= code <= 0xFB4F or character in "ƒ¤":
        return True
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if character in "†‡‰∞" and (before.isalpha() or after.isalpha()):
        return True  # Mac Roman reads à, ä and ° as these: "qualit‡", "kest‰‰", "220 ∞C"
    if character in "ªº":
        return not before.isdigit()  # "1º", "2ª"; Romanian ş reads as º in "maºina"
    if character in "¹²³":
        # After a unit of area or volume ("m²", "cm³"); after another letter it is Polish ą or ł ("stó³").
        return before.isalpha() and _UNIT_BEFORE.search(text, 0, index) is None
    if character in "–—" and before.isalpha() and after.isalpha():
        # A dash joins "S–XL" or "Rot–Blau"; between two lower-case letters it is Mac Roman's ñ ("Espa–a").
        return before.islower() and after.islower()
    if character.isalpha():
        if character.isupper() and (before.islower() or (before.isdigit() and after.islower())):
            return True  # "CafŽ", and Mac Roman's "2Ëme" for French "2ème"
        if _mixed_script(character, before) or _mixed_script(character, after):
            return True
        if _script(character) == "LATIN" and _foreign_word(text, index):
            return True
        return not before.isalnum() and not after.isalnum() and character not in _ONE_LETTER_WORDS
    if character in "£¥" and (after.islower() or (after.isalpha() and not after.isascii())):
        return True  # "£ód" is Polish "Łód" in Windows-1250; a price writes "£5". For € see _punctuation_fits.
    if character == "·" and before in "lL" and after in "lL":
        return False  # Catalan "l·l"
    return before.isalpha() and after.isalpha()


# A unit of length just before a superscript two or three: "m²", "cm³", "sq ft²".
_UNIT_BEFORE = re.compile(r"(?<![^\W\d_])(?:[mcdk]?m|ft|in|yd)$", re.IGNORECASE)


# Scripts whose letters never share a word: a word of Latin and Cyrillic letters is a wrong reading.
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def _script(character: str) -> str | None:
    name = unicodedata.name(character, "").split(" ", 1)[0]
    return name if name in _SCRIPTS else None


def _mixed_script(character: str, neighbour: str) -> bool:
    if not neighbour.isalpha():
        return False
    ours, theirs = _script(character), _script(neighbour)
    return ours is not None and theirs is not None and ours != theirs


# Western European words have at most two non-ASCII letters in a row ("Grüße", "créé").
_MAX_ACCENTED_RUN = 2


def _foreign_word(text: str, index: int) -> bool:
    """Tell whether the word around an accented Latin letter is made of such letters, as misread Cyrillic is.

    Windows-1251 "Кружка" reads as "Êðóæêà" in Windows-1252: every letter
    accented. A Latin word with three accented letters in a row is not
    European text; two ("þú", "çà") are Icelandic or French.
    """
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    word = text[start:end]
    if len(word) > _MAX_ACCENTED_RUN and not any(letter.isascii() for letter in word):
        return True
    run = longest = 0
    for letter in word:
        run = 0 if letter.isascii() else run + 1
        longest = max(longest, run)
    return longest > _MAX_ACCENTED_RUN


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _word_at(text: str, index: int) -> str:
    """Return the word around one character, at most 20 characters on either side, to show in an error."""
    start = index
    while start > 0 and not _ends_word(text[start - 1]) and index - start < 20:
        start -= 1
    end = index + 1
    while end < len(text) and not _ends_word(text[end]) and end - index < 20:
        end += 1
    return text[start:end]


def _ends_word(character: str) -> bool:
    return character.isspace() or character in ',;|"()'


def _decode_as(file: str, data: bytes, encoding: str) -> DecodedText | FieldError:
    name = codecs.lookup(encoding).name
    codec = "utf-8-sig" if name == "utf-8" else name
    try:
        return DecodedText(text=data.decode(codec), encoding=name)
    except UnicodeError as error:
        # Codecs such as punycode and idna raise a plain UnicodeError, which has no offset.
        return FieldError(
            file=file,
            path="(file)",
            value=_offset_value(data, error) if isinstance(error, UnicodeDecodeError) else str(error),
            message=f"the file is not valid {name}",
            expected=f"text in {name}, or the file's real encoding as option encoding",
        )
