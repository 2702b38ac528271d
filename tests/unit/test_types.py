import pytest
from pydantic import TypeAdapter, ValidationError
from spec2listing.types import CurrencyCode, HexColor, Sku, hex_to_rgb, key_segment_problem

hex_color = TypeAdapter(HexColor)
sku = TypeAdapter(Sku)
currency = TypeAdapter(CurrencyCode)


@pytest.mark.parametrize(
    ("given", "stored"),
    [("#4b5e2a", "#4B5E2A"), ("4B5E2A", "#4B5E2A"), ("#abc", "#AABBCC"), (" #C0C0C0 ", "#C0C0C0")],
)
def test_hex_color_normalized(given: str, stored: str) -> None:
    assert hex_color.validate_python(given) == stored


@pytest.mark.parametrize("given", ["#GG11ZZ", "#12345", "red"])
def test_hex_color_rejects_non_hex(given: str) -> None:
    with pytest.raises(ValidationError, match="not a hex colour"):
        hex_color.validate_python(given)


@pytest.mark.parametrize("given", ["", "  "])
def test_empty_hex_color_reported_missing(given: str) -> None:
    with pytest.raises(ValidationError, match="missing hex colour"):
        hex_color.validate_python(given)


def test_hex_to_rgb() -> None:
    assert hex_to_rgb("#4B5E2A") == (75, 94, 42)


@pytest.mark.parametrize("given", ["NP-RDG-TR-01", "a.b_c-1", "X"])
def test_sku_accepts_key_safe_text(given: str) -> None:
    assert sku.validate_python(given) == given


@pytest.mark.parametrize("given", ["", "has space", "../escape", "a/b", "-leading", "x" * 65])
def test_sku_rejects_unsafe_text(given: str) -> None:
    with pytest.raises(ValidationError):
        sku.validate_python(given)


def test_currency_upper_cased() -> None:
    assert currency.validate_python("eur") == "EUR"
    with pytest.raises(ValidationError):
        currency.validate_python("EURO")


def test_key_segment_limited_in_bytes_not_characters() -> None:
    # 110 accented letters are 220 bytes in UTF-8: too long for a local folder with its temporary names.
    assert key_segment_problem("é" * 90 + ".json") is None
    assert key_segment_problem("é" * 110 + ".json") == (
        "it is longer than 200 bytes in UTF-8, which a local folder may not store"
    )
