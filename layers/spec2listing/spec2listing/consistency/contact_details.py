"""Contact details the marketplaces reject in copy: web addresses, e-mail addresses and phone numbers."""

import itertools
import re
import unicodedata

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# The local part is tried only where a run of its characters starts, so a long run without "@" ("a.a.a.a")
# is scanned once rather than again from every word inside it.
_EMAIL = re.compile(r"(?<![\w.+-])[.+-]*(?P<address>\w[\w.+-]*@[\w-]+\.[\w.-]+\b)")
# A host name without a scheme ("fjellstad.de", "shop.acme.co.uk"), which _is_host_name judges by its last label.
_DOMAIN = re.compile(r"(?<![\w.@-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,})(?![\w-]|\.[a-z0-9])", re.I)
# Generic top-level domains that shops use. Every two-letter label is taken for a country code. An address
# with a scheme or "www." counts under any ending, so this list only has to cover bare host names.
_GENERIC_TLDS = frozenset(
    {"com", "net", "org", "info", "biz", "shop", "store", "online", "site", "website", "app", "dev", "tech", "xyz"}
    | {"top", "club", "eco", "design", "fashion", "boutique", "market", "global", "world", "life", "live", "blog"}
    | {"page", "link", "email", "group", "company", "studio", "art", "pro", "asia", "mobi", "berlin", "london"}
    | {"bike", "coffee", "ski", "nyc", "wine", "beer", "golf", "yoga", "surf", "fitness", "garden", "kitchen"}
    | {"tools", "toys", "baby", "kids", "pets", "jewelry", "shoes", "clothing", "beauty", "organic", "bio"}
    | {"cafe", "pizza", "watch", "camera", "audio", "farm", "gifts", "furniture", "lighting", "style", "gallery"}
)
# Generic endings under which a host written in capitals counts ("ACME.SHOP", "Acme.Com"). Under the others,
# capitals mark a product or technology name ("ASP.NET", "Mr.Coffee", "Grip.Pro").
_SHOP_TLDS = frozenset({"com", "shop", "store", "online"})
# Two-letter file extensions, left out so that "README.md" and "Node.js" are no addresses. NOTE: this misses
# hosts under the real country codes "md" (Moldova) and "py" (Paraguay).
_FILE_EXTENSIONS = frozenset({"js", "md", "py", "ts", "rb", "cs", "gz"})
# A run of digits, spaces, brackets, points, slashes and hyphens that may be a phone number ("Tel. 030/1234567"),
# which _is_phone_number decides. A "+" may follow a word directly ("Tel.+49", "WhatsApp+44"), but not a
# digit. A leading digit may follow no letter, digit or point after a digit, as in a word or a decimal number.
_PHONE_CANDIDATE = re.compile(r"(?:(?<!\d)\+|(?<!\w)(?<!\d\.))\(?\d(?:[\d\s()./-]{5,}\d)(?!\w|\.\d)")
# Digits a phone number has at least: 7 after a word that announces it ("Call 555-1234"), else 9.
_PHONE_MIN_DIGITS = 9
_ANNOUNCED_PHONE_MIN_DIGITS = 7
# A word that announces a phone number, directly before it or with only filler words between ("Tel: 555",
# "call us on 555", "phone number 555"). So "Tel Aviv edition 2020" and the "phone" in "iPhone 12" announce none.
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|tel|telephone|telefon|fax|hotline|service|kundenservice|whatsapp|sms|mobile)\b[\s.:,-]*"
    r"(?:(?:us|me|now|today|anytime|free|toll|on|at|the|our|number|no|nr)\b[\s.:,-]*){0,3}$",
    re.IGNORECASE,
)
# Words that name a product code just before its digits ("part number 0 242 235 666", "Art.-Nr. 0 242 235 666").
_CODE_WORDS = re.compile(
    r"(?:\b(?:part|art|article|item|model|ref|reference|sku|mpn|serial|order|catalog|catalogue"
    r"|no|nr|number|code|id|artikelnummer|teilenummer|bestellnummer|best|typ"
    # A barcode's length may follow its name: "ISBN-10", "EAN 13", "GTIN-14".
    r"|(?:ean|upc|gtin|isbn)(?:[\s-]?(?:8|10|12|13|14))?)\b[\s.:#-]*){1,3}$",
    re.IGNORECASE,
)
# Characters before a phone number searched for those words. A fixed window keeps the check linear in the
# text's length; searching all the text before each number would be quadratic.
_PHONE_WORDS_WINDOW = 80
# Lengths of GTIN codes (EAN-8, UPC-A, EAN-13, GTIN-14), which end in a check digit.
_GTIN_LENGTHS = (8, 12, 13, 14)
# Digit groups of a GTIN printed spaced, as under a barcode: EAN-8 4-4, UPC-A 1-5-5-1, EAN-13 1-6-6.
_GTIN_GROUPINGS = ((4, 4), (1, 5, 5, 1), (1, 6, 6))


# Addresses spelled out to slip past filters: "help at acme dot com", "help[at]acme[dot]com", "acme dot com" and
# "acme . com". They count only under the endings shops use most, since "polka dot top", "Swiss dot design"
# and "end. Com" are ordinary English, and with a spelled-out "dot" or a space before the point. An e-mail
# address, which needs an "at" as well, also counts under a country code.
_SPELLED_TLDS = frozenset({"com", "net", "org", "shop", "store", "online", "info", "biz", "io"})
_SPELLED_TLD = r"(?:" + "|".join(sorted(_SPELLED_TLDS)) + r")"
_AT = r"(?:\s*[\[({]\s*at\s*[\])}]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[({]\s*dot\s*[\])}]\s*|\s+dot\s+)"
# Runs of name characters are matched possessively and only from their start, and a host has at most four
# labels, which keeps the search linear in the text's length ("1-1-1-...", "a dot a dot ...").
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w.+-]++{_AT}[\w-]++(?:{_DOT}[\w-]++){{0,2}}{_DOT}(?:{_SPELLED_TLD}|[a-z]{{2}})(?!\w)", re.I
)
_SPELLED_HOST = re.compile(
    rf"(?<![\w.-])[a-z0-9][\w-]*+(?:{_DOT}|\s+\.\s*)(?:[\w-]++(?:{_DOT}|\s+\.\s*)){{0,2}}{_SPELLED_TLD}(?!\w)",
    re.I,
)
# A toll-free number written with letters, as North American vanity numbers are: "1-800-FLOWERS". Without
# the leading 1 it counts only where a word such as "call" announces it, since "800-THREADS" names a fabric.
_VANITY_PHONE = re.compile(
    r"(?<!\w)(?P<country>\+?1[-\s.])?\(?8(?:00|33|44|55|66|77|88)\)?[-\s.]"
    r"(?=[A-Z0-9-]{0,7}[A-Z])[A-Z0-9]{3}-?[A-Z0-9]{4}(?!\w)"
)


def find_contact_details(text: str) -> list[str]:
    """Find the web addresses, e-mail addresses and phone numbers in a text, each as 'kind: text'.

    Full-width forms count as the ASCII ones ("help＠acme．com"), as a shopper reads them.
    """
    text = unicodedata.normalize("NFKC", text)
    spelled = [match.group(0) for match in _SPELLED_EMAIL.finditer(text)]
    found = [f"web address: {address}" for address in _web_addresses(text)]
    found += [f"e-mail address: {match.group('address')}" for match in _EMAIL.finditer(text)]
    found += [f"e-mail address: {address}" for address in spelled]
    found += [
        f"web address: {match.group(0)}"
        for match in _SPELLED_HOST.finditer(text)
        if not any(match.group(0) in address for address in spelled)
    ]
    found += [
        f"phone number: {match.group(0)}"
        for match in _PHONE_CANDIDATE.finditer(text)
        if not _measures(text, match) and _is_phone_number(match.group(0), *_words_before(text, match.start()))
    ]
    found += [
        f"phone number: {match.group(0)}"
        for match in _VANITY_PHONE.finditer(text)
        if match.group("country") or _words_before(text, match.start())[0]
    ]
    return found


def _web_addresses(text: str) -> list[str]:
    """Find addresses with a scheme or "www.", then host names whose last label is a plausible top-level domain."""
    found = [match.group(0) for match in _URL.finditer(text)]
    rest = _URL.sub(lambda match: " " * len(match.group(0)), text)
    for match in _DOMAIN.finditer(rest):
        host = match.group(0)
        labels = host[: -len(match.group("tld"))]
        # Digits alone before the last label are a number or a time ("10.am"), not a host.
        if _is_host_name(host, match.group("tld")) and re.search(r"[a-z]", labels, re.IGNORECASE):
            found.append(host)
    return found


def _is_host_name(host: str, top_level: str) -> bool:
    """Tell whether a dotted name without a scheme is a host name, by its last label and how it is capitalized.

    A host in lower case may end in a country code or a generic domain ("fjellstad.de", "acme.ai", "acme.shop").
    Under a two-letter ending, capitals mark an abbreviation or a code ("Co.KG", "Mk.IV", "Art.nr"), so such a
    host counts only in lower case. A generic ending counts with capitals before it ("Amazon.com"). A host
    written all in capitals or with every label capitalized counts under the endings of _SHOP_TLDS only
    ("ACME.SHOP", "Acme.Com", but not "ASP.NET"), and none capitalized after a lower-case label
    ("light.Live", a missing space after a full stop).
    NOTE: so a capitalized host under a country code ("Fjellstad.de") or another ending ("Acme.Net") is missed.
    """
    label = top_level.lower()
    if host.islower():
        return label in _GENERIC_TLDS or (len(label) == 2 and label not in _FILE_EXTENSIONS)
    if label not in _GENERIC_TLDS:
        return False
    if top_level.islower():
        return True
    capitalized = all(part[:1].isupper() and not any(char.isupper() for char in part[1:]) for part in host.split("."))
    return label in _SHOP_TLDS and (host.isupper() or capitalized)


def _words_before(text: str, start: int) -> tuple[bool, bool]:
    """Tell whether a word that announces a phone number, and a word that names a product code, end at `start`."""
    window = max(0, start - _PHONE_WORDS_WINDOW)
    return bool(_PHONE_WORDS.search(text, window, start)), bool(_CODE_WORDS.search(text, window, start))


def _is_phone_number(candidate: str, announced: bool, coded: bool) -> bool:
    """Tell whether a run of digits is written as a phone number rather than as sizes, years or a product code.

    A run of numbers that rises without falling ("38 39 40 41", "00 0 2 4 6") never is, even after "call", nor
    is one decimal number ("0.1234567890"). Otherwise it is one when a word such as "call" announces it, or
    when it has an international "+" or an area code in brackets. After a word such as "part" or "ISBN", or as
    a GTIN or ISBN-10 with a valid check digit, it is a product code. Otherwise a leading 0 (a trunk or
    toll-free prefix, "0800 123 456") or the North American 3-3-4 grouping makes it one. A 0 standing alone
    is no trunk prefix, which is written joined to the area code, but the start of an article number ("Spark
    Plug 0 242 235 666"). Unannounced digits with no separator, and four or more rising groups of one
    length, are part numbers and gauges. NOTE: so a number grouped otherwise ("612 345 678", "98765 43210"),
    or written without separators ("08001234567"), counts only when a word announces it.
    """
    groups = re.findall(r"\d+", candidate)
    digits = "".join(groups)
    if len(digits) < (_ANNOUNCED_PHONE_MIN_DIGITS if announced else _PHONE_MIN_DIGITS):
        return False
    if _is_rising_run(candidate) or _is_range_run(candidate) or re.fullmatch(r"\d+\.\d+", candidate):
        return False
    if announced or candidate.startswith("+") or re.search(r"\(\d+\)", candidate):
        return True
    if "/" in candidate:
        # Unannounced, slashes join dates ("06/2019 - 12/2023"), article numbers ("0986/494/199") and sizes
        # ("02/025/03 mm") far more often than the parts of a phone number.
        return False
    if coded or _is_printed_gtin(groups) or _is_isbn10(groups):
        return False
    if len(groups) == 1:
        # Unannounced digits with no separator are a part or article number ("Bosch 0986494055"): copy that
        # gives a phone number groups it for the reader.
        return False
    if len(groups) >= 4 and len({len(group) for group in groups}) == 1 and groups == sorted(groups, key=int):
        # Four or more rising groups of one length are a list, as bass string gauges are ("045-065-080-105").
        return False
    if groups[0].startswith("0") and groups[0] != "0":
        return True
    lengths = [len(group) for group in groups]
    return lengths == [3, 3, 4] or (lengths == [1, 3, 3, 4] and groups[0] == "1")


# A unit right after a run of numbers makes them sizes ("250 500 1000 g bags").
_UNIT_AFTER = re.compile(r"\s?(?:mg|g|kg|ml|cl|l|mm|cm|m|oz|lb|lbs|in|inch|inches|ft|w|v|mah|gb|tb)\b", re.IGNORECASE)


def _measures(text: str, match: re.Match[str]) -> bool:
    """Tell whether a run of digits measures something: decimals written from their point (".010 .013 .017",
    as string gauges are), or numbers a unit follows."""
    candidate = match.group(0)
    before = text[max(0, match.start() - 2) : match.start()]
    if (before.endswith(".") and not before[:1].isalpha() and candidate[:1].isdigit()) or re.search(
        r"\s\.\d", candidate
    ):
        return True
    return _UNIT_AFTER.match(text, match.end()) is not None


def _is_rising_run(candidate: str) -> bool:
    """Tell whether a text lists three or more numbers that rise overall and never fall or rise by more than 2.

    Sizes and years are written so ("38 39 40 41", "00 0 2 4 6 8", "2019-2020-2021", "36/38/40/42").
    """
    tokens = re.split(r"[\s/-]+", candidate.strip())
    if len(tokens) < 3 or not all(re.fullmatch(r"\d+(?:\.\d+)?", token) for token in tokens):
        return False
    values = [float(token) for token in tokens]
    steps_ok = all(0 <= later - earlier <= 2 for earlier, later in itertools.pairwise(values))
    return steps_ok and values[-1] > values[0]


def _is_range_run(candidate: str) -> bool:
    """Tell whether a text lists two or more rising ranges, each starting where the last ended or just after.

    Baby and children's sizes are written so ("0-3 3-6 6-12 12-18", "4-5 6-7 8-9").
    """
    tokens = candidate.split()
    ranges = [re.fullmatch(r"(\d+)-(\d+)", token) for token in tokens]
    if len(ranges) < 2 or not all(ranges):
        return False
    bounds = [(int(match.group(1)), int(match.group(2))) for match in ranges if match]
    rising = all(low < high for low, high in bounds)
    joined = all(later[0] - earlier[1] in (0, 1) for earlier, later in itertools.pairwise(bounds))
    return rising and joined


def _is_printed_gtin(groups: list[str]) -> bool:
    """Tell whether digit groups are a GTIN written whole or grouped as under a barcode ("0 12345 67890 5").

    An ISBN-13 ("978-0-306-40615-7") is an EAN-13 in any grouping.
    """
    digits = "".join(groups)
    grouping = tuple(len(group) for group in groups)
    if len(groups) == 1 or grouping in _GTIN_GROUPINGS or (len(digits) == 13 and digits.startswith(("978", "979"))):
        return _is_gtin(digits)
    return False


def _is_isbn10(groups: list[str]) -> bool:
    """Tell whether digit groups are an ISBN-10 in its four parts ("0-306-40615-2") with a valid check digit."""
    digits = "".join(groups)
    if len(groups) != 4 or len(digits) != 10 or len(groups[-1]) != 1:
        return False
    return sum((10 - index) * int(digit) for index, digit in enumerate(digits)) % 11 == 0


def _is_gtin(digits: str) -> bool:
    """Tell whether digits form a GTIN (EAN or UPC) whose last digit is the GS1 check digit."""
    if len(digits) not in _GTIN_LENGTHS:
        return False
    weighted = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(digits[:-1])))
    return (10 - weighted % 10) % 10 == int(digits[-1])
