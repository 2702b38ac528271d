"""Currency marks that spreadsheets write into price cells: "49,90 €", "$19.99", "EUR 1.249,00".

A cell formatted as currency in Excel or LibreOffice is saved to CSV as it is shown, with the currency's
symbol or code before or after the number. The mark is only read to check it against the row's currency
column, never to choose the currency.
"""

import re

import pycountry

# Currency symbols and the ISO 4217 currencies a price shown with each may be in. A symbol shared by
# several currencies ("$", "kr") agrees with each of them, because a spreadsheet shows the local symbol.
SYMBOL_CURRENCIES: dict[str, frozenset[str]] = {
    "€": frozenset({"EUR"}),
    "£": frozenset({"GBP", "GIP", "FKP", "SHP"}),
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP", "UYU"}),
    "US$": frozenset({"USD"}),
    "C$": frozenset({"CAD"}),
    "CA$": frozenset({"CAD"}),
    "A$": frozenset({"AUD"}),
    "AU$": frozenset({"AUD"}),
    "NZ$": frozenset({"NZD"}),
    "HK$": frozenset({"HKD"}),
    "S$": frozenset({"SGD"}),
    "MX$": frozenset({"MXN"}),
    "R$": frozenset({"BRL"}),
    "¥": frozenset({"JPY", "CNY"}),
    "￥": frozenset({"JPY", "CNY"}),
    "円": frozenset({"JPY"}),
    "₩": frozenset({"KRW"}),
    "₹": frozenset({"INR"}),
    "₽": frozenset({"RUB"}),
    "₺": frozenset({"TRY"}),
    "₪": frozenset({"ILS"}),
    "₫": frozenset({"VND"}),
    "฿": frozenset({"THB"}),
    "₱": frozenset({"PHP"}),
    "₴": frozenset({"UAH"}),
    "zł": frozenset({"PLN"}),
    "Kč": frozenset({"CZK"}),
    "Ft": frozenset({"HUF"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "kr.": frozenset({"DKK", "ISK"}),
    "Fr.": frozenset({"CHF"}),
    "lei": frozenset({"RON"}),
}

_SPACE = r"[\s\u00a0\u202f]*"
# A number with an optional minus sign, digit groups and decimal mark, and a mark of other characters before or
# after it. Which of "." and "," is the decimal mark is left to the file's number cells.
_MARKED_NUMBER = re.compile(
    rf"^(?P<before>[^\d\s.,+-][^\d]*?)?{_SPACE}(?P<number>-?\d[\d\s\u00a0\u202f.,]*?){_SPACE}"
    rf"(?P<after>[^\d\s.,+-][^\d]*?)?$"
)
_CODE = re.compile(r"[A-Za-z]{3}")


def split_currency_mark(text: str) -> tuple[str, str] | None:
    """Split "49,90 €" into its number and currency mark ("49,90", "€"); None when it has no one mark."""
    match = _MARKED_NUMBER.match(text.strip())
    if match is None:
        return None
    before, after = match.group("before"), match.group("after")
    if (before is None) == (after is None):
        return None
    mark = (before or after or "").strip()
    return match.group("number"), mark


def mark_currencies(mark: str) -> frozenset[str]:
    """Return the ISO 4217 currencies a price mark may stand for: an ISO code, or a known symbol."""
    if _CODE.fullmatch(mark):
        return frozenset({mark.upper()}) if pycountry.currencies.get(alpha_3=mark.upper()) else frozenset()
    return SYMBOL_CURRENCIES.get(mark, frozenset())


def marks_of(currency: str) -> list[str]:
    """List the marks a price in `currency` may carry: its code and every symbol used for it."""
    return [currency] + [symbol for symbol, currencies in SYMBOL_CURRENCIES.items() if currency in currencies]
