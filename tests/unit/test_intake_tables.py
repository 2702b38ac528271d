"""CSV as people and spreadsheets write it: quotes, row widths, decimal marks and encodings."""

from decimal import Decimal

import pytest
from spec2listing.intake import parse_upload
from spec2listing.intake.options import ReadOptions

CATALOG = "sku,name,brand,category,price,currency,summary\n"
SHOPIFY = "Handle,Title,Body (HTML),Vendor,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
EUR = ReadOptions(currency="EUR")


def _errors(upload) -> list:
    return [error for rejection in upload.rejections for error in rejection.errors]


# ---------- quotes ----------


def test_unclosed_quote_rejects_file_naming_line() -> None:
    rows = (
        'C1,Mug,Acme,Kitchen,10.00,EUR,"Stoneware mug\n'
        "C2,Mug 2,Acme,Kitchen,11.00,EUR,y\n"
        "C3,Mug 3,Acme,Kitchen,12.00,EUR,z\n"
    )
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.path == "line 2"
    assert error.message == "the quoted cell that starts on line 2 is never closed"
    assert "Stoneware mug" in error.value
    assert "closing quote" in error.expected


def test_stray_quote_rejects_file_naming_line() -> None:
    rows = 'A1,Mug,Acme,Kitchen,10.00,EUR,ok\nA2,Tall Mug,Acme,Kitchen,10.00,EUR,"A mug 12" tall\n'
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.path == "line 3"
    assert error.message == "a quote inside the quoted cell on line 3 is not doubled"
    assert '""' in error.expected


def test_doubled_quote_and_line_breaks_kept() -> None:
    rows = 'A1,Mug,Acme,Kitchen,10.00,EUR,"A mug 12"" tall,\nglazed"\nA2,Cup,Acme,Kitchen,8.00,EUR,plain\n'
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    specs = {spec.sku: spec for _, spec in upload.specs}
    assert upload.rejections == []
    assert specs["A1"].summary == 'A mug 12" tall,\nglazed'
    assert set(specs) == {"A1", "A2"}


def test_rows_numbered_as_records_not_lines() -> None:
    # A summary over three lines is one row, as a spreadsheet shows it, so the bad price is on row 3.
    rows = 'A1,Mug,Acme,Kitchen,10.00,EUR,"Glazed\nstoneware\nmug"\nA2,Cup,Acme,Kitchen,cheap,EUR,plain\n'
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    (error,) = _errors(upload)
    assert error.path == "row 3, column price"
    assert [origin for origin, _ in upload.specs] == ["row 2"]


def test_quote_closed_rows_later_rejected() -> None:
    rows = (
        'C1,Mug,Acme,Kitchen,10.00,EUR,"Stoneware mug\n'
        "C2,Mug 2,Acme,Kitchen,11.00,EUR,y\n"
        'C3,Mug 3,Acme,Kitchen,12.00,EUR,Height 12"\n'
        "C4,Mug 4,Acme,Kitchen,13.00,EUR,z\n"
    )
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.path == "line 2"
    assert "runs to line 4 and contains whole rows" in error.message


def test_quoted_prose_list_read() -> None:
    # The second line of the summary splits into seven cells, the header's width, but reads as prose.
    rows = (
        'C1,Mug,Acme,Kitchen,19.90,EUR,"Comes in:\nred, green, blue, black, white, grey, pink\nDishwasher safe."\n'
        "C2,Bowl,Acme,Kitchen,9.90,EUR,Plain\n"
    )
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())

    specs = {spec.sku: spec for _, spec in upload.specs}
    assert upload.rejections == []
    assert specs["C1"].summary == "Comes in:\nred, green, blue, black, white, grey, pink\nDishwasher safe."
    assert set(specs) == {"C1", "C2"}


@pytest.mark.parametrize(
    "line", ["38,39,40,41,42,43,44", "iPhone 15,iPhone 15 Pro,iPhone 14,iPhone 13,iPhone 12,iPhone 11,iPhone SE"]
)
def test_quoted_line_unlike_the_rows_read(line: str) -> None:
    # The line inside the summary has the header's width, but a number or text where every row has the other.
    rows = f'R1,Trail Runner,Acme,Shoes,119.00,EUR,"Fits:\r\n{line}\r\nVegan."\r\n'
    rows += "R2,Road Runner,Acme,Shoes,99.00,EUR,x\r\n"
    upload = parse_upload("shoes.csv", (CATALOG + rows).encode())

    specs = {spec.sku: spec for _, spec in upload.specs}
    assert upload.rejections == []
    assert line in specs["R1"].summary
    assert set(specs) == {"R1", "R2"}


def test_quote_error_in_semicolon_file_names_its_line() -> None:
    rows = "A1;Mug;Acme;Kitchen;10,00;EUR;plain\n"
    rows += 'A2;Vase;Acme;Kitchen;12,00;EUR;"12" tall"\nA3;Cup;Acme;Kitchen;8,00;EUR;x\n'
    (error,) = _errors(parse_upload("mugs.csv", (CATALOG.replace(",", ";") + rows).encode()))
    assert error.path == "line 3"
    assert error.message == "a quote inside the quoted cell on line 3 is not doubled"


def test_quote_closed_over_rows_with_numeric_skus_rejected() -> None:
    # The swallowed rows differ from the one-line rows only by their numeric SKUs, which a catalog may mix.
    rows = (
        "T1,Tee,Acme,Shirts,10.00,EUR,plain\n"
        'T2,"Tee 2-pack,Acme,Shirts,18.00,EUR,two\n'
        "400123,Tee,Acme,Shirts,11.00,EUR,x\n"
        '400124,Tee,Acme,Shirts,12.00,EUR,Print 12x16"\n'
        "T6,Tee,Acme,Shirts,13.00,EUR,z\n"
    )
    upload = parse_upload("tees.csv", (CATALOG + rows).encode())
    assert upload.specs == []
    (error,) = _errors(upload)
    assert "runs to line 5 and contains whole rows" in error.message


def test_quote_closed_later_over_spaced_rows_rejected() -> None:
    rows = (
        'A-1,"Mug,Acme,Kitchen,9.50,EUR,x\n'
        "A-2, Bowl, Acme, Kitchen, 12.00, EUR, y\n"
        'A-3, Plate, Acme, Kitchen, 7.00, EUR, z"\n'
    )
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())
    assert upload.specs == []
    (error,) = _errors(upload)
    assert "runs to line 4 and contains whole rows" in error.message


def test_oversized_cell_rejects_only_its_product() -> None:
    rows = f"H1,Mug,Acme,Kitchen,19.90,EUR,{'word ' * 40_000}\nH2,Bowl,Acme,Kitchen,9.90,EUR,ok\n"
    upload = parse_upload("mugs.csv", (CATALOG + rows).encode())

    assert [spec.sku for _, spec in upload.specs] == ["H2"]
    (rejection,) = upload.rejections
    assert rejection.sku == "H1"
    (error,) = rejection.errors
    assert error.path == "row 2, column summary"
    assert error.expected == "at most 5000 characters"


def test_empty_unnamed_columns_dropped() -> None:
    text = "sku,name,brand,,category,price,currency,,\nC1,Mug,Acme,,Kitchen,19.90,EUR,,\nC2,Bowl,Acme\n"
    upload = parse_upload("mugs.csv", text.encode())

    (spec,) = [spec for _, spec in upload.specs]
    assert (spec.sku, spec.category, spec.price.amount) == ("C1", "Kitchen", Decimal("19.90"))
    (rejection,) = upload.rejections
    assert rejection.sku == "C2", "a short row is still read and rejected for its missing cells"


def test_unnamed_column_with_value_rejected() -> None:
    text = "sku,name,brand,category,price,currency,\nC1,Mug,Acme,Kitchen,19.90,EUR,dishwasher safe\n"
    (error,) = _errors(parse_upload("mugs.csv", text.encode()))

    assert error.path == "row 2, column 7"
    assert error.value == "'dishwasher safe'"
    assert error.message == "column 7 has no name in the header but contains values"
    assert error.expected == "a column name in the header for column 7, or the column deleted"


def test_shopify_missing_columns_named_as_exported() -> None:
    header = "Handle,Title,Type,Variant SKU,Variant Price,Image Src\n"
    rows = "tee,Tee,Shirts,T-1,19.00,\nphoto,,,,,https://example.com/1.jpg\n"
    upload = parse_upload("products_export.csv", (header + rows).encode(), EUR)

    paths = {rejection.sku: [error.path for error in rejection.errors] for rejection in upload.rejections}
    assert paths["tee"] == ["row 2, column Vendor (not in the header)"]
    assert "row 3, column Variant Price" in paths["photo"]


def test_shopify_unclosed_quote_rejects_file() -> None:
    rows = (
        'a,A,"<p>Quote start</p>,Acme,Shirts,Size,S,A-1,10.00\n'
        "b,B,<p>b</p>,Acme,Shirts,Size,S,B-1,11.00\n"
        "c,C,<p>c</p>,Acme,Shirts,Size,S,C-1,12.00\n"
    )
    upload = parse_upload("products_export.csv", (SHOPIFY + rows).encode(), EUR)
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.message == "the quoted cell that starts on line 2 is never closed"


def test_multiline_html_body_read() -> None:
    rows = 'tee,Tee,"<p>Soft tee,\nwarm, light</p>\n<ul><li>Cotton</li></ul>",Acme,Shirts,Size,S,T-1,10.00\n'
    upload = parse_upload("products_export.csv", (SHOPIFY + rows).encode(), EUR)
    assert upload.rejections == []
    (origin_spec,) = upload.specs
    assert origin_spec[1].features == ["Cotton"]


# ---------- row widths ----------


def test_long_row_rejects_whole_sku() -> None:
    data = (
        "sku,name,brand,category,price,currency,color,color_hex,variant_sku\n"
        "B1,Beanie,Fj,Hats,29.00,EUR,Navy,#000080,B1-N\n"
        "B1,Beanie,Fj,Hats,29.00,EUR,Red, dark,#8B0000,B1-R\n"
        "B1,Beanie,Fj,Hats,29.00,EUR,Grey,#808080,B1-G\n"
        "C1,Cap,Fj,Hats,19.00,EUR,Grey,#808080,C1-G\n"
    )
    upload = parse_upload("hats.csv", data.encode())
    assert [spec.sku for _, spec in upload.specs] == ["C1"]
    (rejection,) = upload.rejections
    assert rejection.sku == "B1"
    assert rejection.origin == "rows 2, 3, 4"
    (error,) = rejection.errors
    assert error.path == "row 3"
    assert "10 cells but the header has 9" in error.message


def test_semicolon_kept_despite_long_row() -> None:
    data = (
        "sku;name;brand;category;price;currency;materials;color;color_hex\n"
        "MUG-1;Becher;Acme;K\u00fcche;9,90;EUR;Steinzeug;Rot;#CC0000\n"
        "MUG-2;Becher gro\u00df;Acme;K\u00fcche;12,90;EUR;Steinzeug; Glasur;Blau;#0000CC\n"
    )
    upload = parse_upload("becher.csv", data.encode())
    assert upload.dialect["delimiter"] == "semicolon"
    assert [spec.sku for _, spec in upload.specs] == ["MUG-1"]
    (rejection,) = upload.rejections
    assert rejection.sku == "MUG-2"
    (error,) = rejection.errors
    assert error.path == "row 3"
    assert error.message.startswith("the row has 10 cells but the header has 9")


def test_short_row_padded_like_excel_writes_it() -> None:
    upload = parse_upload("mugs.csv", (CATALOG + "B1,Mug,Acme,Kitchen,10.00,EUR\n").encode())
    assert upload.rejections == []
    (origin_spec,) = upload.specs
    assert origin_spec[1].summary is None


def test_shopify_long_row_rejects_whole_handle() -> None:
    rows = (
        "cap,Cap,<p>Cap</p>,Acme,Hats,Color,Navy,CAP-N,10.00\n"
        "cap,,,,,,Red, dark,CAP-R,10.00\n"
        "tee,Tee,<p>Tee</p>,Acme,Shirts,Color,Navy,TEE-N,12.00\n"
    )
    upload = parse_upload("products_export.csv", (SHOPIFY + rows).encode(), EUR)
    assert [spec.sku for _, spec in upload.specs] == ["tee"]
    (rejection,) = upload.rejections
    assert rejection.sku == "cap"
    assert rejection.origin == "rows 2-3"
    assert rejection.errors[0].path == "row 3"


# ---------- encodings ----------

# Product text in the languages Windows-1252 serves, with its typographic punctuation.
WESTERN_TEXTS = [
    "Wollmütze Größe L, gestrickt in Köln; Straße 5 – 29,90 €",
    "Men’s Merino Crew, “soft” and warm… 100% wool",
    "Café crème à emporter, l’eau chaude à 90 °C",
    "Mochila de montaña, tamaño único, ¡oferta! 1½ kg",
    "Borraccia in acciaio: è leggera, 0,5 l — però robusta",
    "Caneca de cerâmica, não é frágil, coração à venda",
    "Kaffekopp i stengods, blå och grön, 2 st • 250 ml",
    "Gore-Tex® Jacke, 20 m² Stoff, Œuvre naïve",
    "Col·lecció de tassa, pell i ceràmica",
    "Becher „Klassik“ mit ‚Henkel‘, 0,3 l",
    "Padded sleeve for 15.6” laptops, capacity—350 ml",
    "The “Commuter\nedition” keeps coffee hot",
    "Flacher Teller aus Porzellan, Ø 27 cm, Fuß ø 8 mm",
]


def _catalog_bytes(summary: str, encoding: str) -> bytes:
    return (CATALOG + f'A1,Mug,Acme,Kitchen,10.00,EUR,"{summary}"\n').encode(encoding)


@pytest.mark.parametrize("summary", WESTERN_TEXTS)
def test_windows_1252_text_detected(summary: str) -> None:
    upload = parse_upload("mugs.csv", _catalog_bytes(summary, "cp1252"))
    assert upload.rejections == [], [str(e) for r in upload.rejections for e in r.errors]
    assert upload.dialect["encoding"] == "cp1252"
    assert upload.specs[0][1].summary == summary


# The same texts with only characters that Mac Roman and code page 850 can encode.
PORTABLE_TEXTS = [
    text.translate(str.maketrans(dict.fromkeys("’‘‚“”„", "'") | {"…": "...", "–": "-", "—": "-", "€": "EUR"}))
    .replace("•", "*")
    .replace("½", ".5")
    .replace("²", "2")
    .replace("Œ", "Oe")
    for text in WESTERN_TEXTS
]


@pytest.mark.parametrize("encoding", ["mac_roman", "cp850"])
@pytest.mark.parametrize("summary", PORTABLE_TEXTS)
def test_other_code_pages_never_read_as_windows_1252(encoding: str, summary: str) -> None:
    data = _catalog_bytes(summary, encoding)
    upload = parse_upload("mugs.csv", data)
    if upload.specs:
        assert upload.specs[0][1].summary == summary
        return
    (error,) = _errors(upload)
    assert "option encoding" in error.expected
    read = parse_upload("mugs.csv", data, ReadOptions(encoding=encoding))
    assert read.specs[0][1].summary == summary


def test_mac_roman_word_read_both_ways_rejected() -> None:
    upload = parse_upload("scarves.csv", _catalog_bytes("Schal Köln", "mac_roman"))
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.message == "the file is not UTF-8, and it reads as different plausible text in two encodings"
    assert "'Kšln' in Windows-1252 and 'Köln' in Mac Roman" in error.value
    assert "mac_roman" in error.expected


def test_mac_roman_garbled_reading_names_mac_roman() -> None:
    upload = parse_upload("scarves.csv", _catalog_bytes("Größe M, aus Österreich", "mac_roman"))
    (error,) = _errors(upload)
    assert error.message.endswith("it reads as plausible Mac Roman text")
    assert error.value.startswith("'Grš§e' when read as Windows-1252")


# Letters at the edge of a word that Windows-1252 reads as its punctuation.
@pytest.mark.parametrize(
    ("summary", "encoding", "windows_word"),
    [
        ("Äpfelschale", "mac_roman", "€pfelschale"),
        ("Ölkanne", "mac_roman", "…lkanne"),
        ("Tasse Café", "cp850", "Caf‚"),
        ("Vas Malmö", "cp850", "Malm”"),
        ("Tasse à 10", "cp850", "…"),
    ],
)
def test_word_edge_letters_not_read_as_punctuation(summary: str, encoding: str, windows_word: str) -> None:
    upload = parse_upload("mugs.csv", _catalog_bytes(summary, encoding))

    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.message == "the file is not UTF-8, and it reads as different plausible text in two encodings"
    assert error.value.startswith(f"{windows_word!r} in Windows-1252")
    assert encoding in error.expected


def test_cp850_sharp_s_not_read_as_a_acute() -> None:
    upload = parse_upload("streets.csv", _catalog_bytes("Straße", "cp850"))
    assert upload.specs == []
    (error,) = _errors(upload)
    assert "'Straáe' in Windows-1252 and 'Straße' in DOS code page 850" in error.value


@pytest.mark.parametrize("summary", ["Krug", "Krug für 29,90 €"])
def test_utf16_without_bom_names_option(summary: str) -> None:
    data = _catalog_bytes(summary, "utf-16-le")
    (error,) = _errors(parse_upload("mugs.csv", data))
    assert error.message == "the file looks like UTF-16 text without a byte order mark"
    assert error.expected.startswith("option encoding utf-16-le")
    read = parse_upload("mugs.csv", data, ReadOptions(encoding="utf-16-le"))
    assert read.dialect["encoding"] == "utf-16-le"
    assert read.specs[0][1].summary == summary


def test_json_not_utf8_names_option() -> None:
    data = '{"sku": "A", "name": "Tasse Caf\u00e9"}'.encode("cp1252")
    (error,) = _errors(parse_upload("cafe.json", data))
    assert error.message == "the file is not valid UTF-8"
    assert "option encoding" in error.expected


def test_codec_error_without_offset_names_the_file() -> None:
    # punycode is a text encoding, but it fails on most JSON with a plain UnicodeError.
    upload = parse_upload("spec.json", b'{"sku": 1}', ReadOptions(encoding="punycode"))

    (rejection,) = upload.rejections
    (error,) = rejection.errors
    assert (error.file, error.path, error.message) == ("spec.json", "(file)", "the file is not valid punycode")


@pytest.mark.parametrize(
    ("price", "currency", "amount"),
    [
        ("49,90 €", "EUR", "49.90"),
        ("€ 1.249,00", "EUR", "1249.00"),
        ("1\u202f249,90\u00a0€", "EUR", "1249.90"),
        ("$19.99", "USD", "19.99"),
        ("$19.99", "CAD", "19.99"),
        ("£12.50", "gbp", "12.50"),
        ("EUR 49,90", "EUR", "49.90"),
        ("49,90 eur", "EUR", "49.90"),
        ("12,00 kr", "SEK", "12.00"),
    ],
)
def test_price_with_its_currency_mark_read(price: str, currency: str, amount: str) -> None:
    data = f"sku;name;brand;category;price;currency\nA-1;Mug;Acme;Kitchen;{price};{currency}\n"
    upload = parse_upload("catalog.csv", data.encode("utf-8"))
    assert upload.rejections == []
    ((_, spec),) = upload.specs
    assert str(spec.price.amount) == amount


def test_euro_sign_in_windows_1252_price_read() -> None:
    data = "sku;name;brand;category;price;currency\nKS-1;Brett;Holz;Küche;49,90 €;EUR\n".encode("cp1252")
    ((_, spec),) = parse_upload("catalog.csv", data).specs
    assert str(spec.price.amount) == "49.90"


@pytest.mark.parametrize(
    ("price", "currency", "message", "expected"),
    [
        (
            "49,90 €",
            "USD",
            "the price is marked '€' (EUR), but column currency is USD",
            "the price with USD, $, US$ or no mark, or EUR in column currency",
        ),
        (
            "19.99 USD",
            "EUR",
            "the price is marked 'USD', but column currency is EUR",
            "the price with EUR, € or no mark, or USD in column currency",
        ),
        (
            "49,90 €",
            "",
            "the price is marked '€' (EUR), but column currency is empty",
            "the price with no mark, or EUR in column currency",
        ),
        (
            "49,90 Euro",
            "EUR",
            "the price is marked 'Euro', which is not a currency symbol or ISO 4217 code",
            "the price with EUR, € or no mark",
        ),
    ],
)
def test_price_mark_of_other_currency_rejected(price: str, currency: str, message: str, expected: str) -> None:
    data = f"sku;name;brand;category;price;currency\nA-1;Mug;Acme;Kitchen;{price};{currency}\n"
    upload = parse_upload("catalog.csv", data.encode("utf-8"))
    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.path == "row 2, column price"
    assert error.value == repr(price)
    assert error.message == message
    assert error.expected == expected
