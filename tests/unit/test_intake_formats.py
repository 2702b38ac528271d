"""Shopify exports and webhooks, Akeneo products, JSON Lines and spreadsheet CSV, read into specs."""

import codecs
import csv
import io
import json
import re
import unicodedata
from decimal import Decimal

import pytest
from spec2listing.intake import parse_upload
from spec2listing.intake.markup import description_text
from spec2listing.intake.options import ReadOptions, read_options

from tests.support import EXAMPLES, load_event

FORMATS = EXAMPLES / "formats"
SHOPIFY_EXPORT = FORMATS / "shopify-products-export.csv"
AKENEO_PAGE = FORMATS / "akeneo-products-page.json"
SPREADSHEET = FORMATS / "spreadsheet-catalog-de.csv"
EUR = ReadOptions(currency="EUR")
AKENEO_OPTIONS = ReadOptions(locale="en_GB", channel="ecommerce", currency="GBP")


def _specs(upload):
    assert upload.rejections == [], [str(error) for rejection in upload.rejections for error in rejection.errors]
    return {spec.sku: spec for _, spec in upload.specs}


def _errors(upload):
    return [error for rejection in upload.rejections for error in rejection.errors]


def _csv(rows, *, delimiter=",", newline="\n") -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue()


# ---------- Shopify product CSV export ----------


def test_shopify_export_groups_rows_by_handle() -> None:
    upload = parse_upload(SHOPIFY_EXPORT.name, SHOPIFY_EXPORT.read_bytes(), EUR)
    specs = _specs(upload)
    assert upload.format == "shopify-csv"
    assert set(specs) == {"merino-crew-sweater", "wool-wash-250", "ribbed-beanie"}
    sweater = specs["merino-crew-sweater"]
    assert sweater.name == "Fjellstad Merino Crew Sweater"
    assert sweater.brand == "Fjellstad"
    assert sweater.category == "Apparel & Accessories > Clothing > Shirts & Tops"
    assert sweater.price.amount == Decimal("119.00")
    assert sweater.price.currency == "EUR"
    # Its sizes weigh 410 g and 430 g, so it has a weight range in place of one weight.
    assert sweater.weight is None
    assert sweater.specs["weight"] == "410-430 g"


def test_shopify_body_html_becomes_summary_and_features() -> None:
    sweater = _specs(parse_upload(SHOPIFY_EXPORT.name, SHOPIFY_EXPORT.read_bytes(), EUR))["merino-crew-sweater"]
    assert sweater.summary == "Soft merino crew neck, knitted in Norway\u2019s fjord country & finished by hand."
    assert sweater.features == [
        "Naturally odour-resistant merino",
        "Machine washable at 30 \u00b0C",
        "Ribbed cuffs & hem",
    ]


def test_markup_table_and_definition_cells_kept_apart() -> None:
    body = (
        "<p>Soft &amp; light.</p><table><tr><th>Size</th><th>Chest</th></tr><tr><td>S</td><td>90</td></tr>"
        "</table><dl><dt>Care</dt><dd>Wash cold</dd></dl>"
    )
    text = description_text(body)
    assert text.summary == "Soft & light. Care: Wash cold"
    # A table's rows become items, each named by its first cell and the header row.
    assert text.items == ["S: Chest 90"]


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("<h2>Stay dry</h2><p>Waterproof 10 000 mm, taped seams.</p>", "Stay dry. Waterproof 10 000 mm, taped seams."),
        (
            "<p>Material: Cotton<br>Wash at 30 °C<br>Made in Portugal</p>",
            "Material: Cotton. Wash at 30 °C. Made in Portugal",
        ),
        ("<p>It said \u201cok.\u201d</p><p>Next</p>", "It said \u201cok.\u201d Next"),
        ("Hand-thrown mug", "Hand-thrown mug"),
    ],
)
def test_markup_lines_joined_as_sentences(body: str, summary: str) -> None:
    assert description_text(body).summary == summary


def test_markup_table_without_header_gives_key_and_values() -> None:
    body = (
        "<table><tbody><tr><td>Driver</td><td>11 mm</td></tr><tr><td>Frequency</td><td>20 Hz – 20 kHz</td></tr>"
        "<tr><td>Colours</td><td>Black</td><td></td><td>White</td></tr></tbody></table>"
    )
    assert description_text(body).items == ["Driver: 11 mm", "Frequency: 20 Hz – 20 kHz", "Colours: Black, White"]


def test_shopify_colour_option_gives_variants_and_sizes_specs() -> None:
    specs = _specs(parse_upload(SHOPIFY_EXPORT.name, SHOPIFY_EXPORT.read_bytes(), EUR))
    sweater = specs["merino-crew-sweater"]
    assert [(v.sku, v.color, v.color_hex) for v in sweater.variants] == [
        ("merino-crew-sweater-navy", "Navy", "#000080"),
        ("merino-crew-sweater-forest-green", "Forest Green", "#228B22"),
    ]
    assert sweater.specs == {"size": "S, M", "weight": "410-430 g"}
    beanie = specs["ribbed-beanie"]
    assert [(v.sku, v.color, v.color_hex) for v in beanie.variants] == [
        ("FJ-BNE-GRY", "Heather Grey", "#8C8F93"),
        ("FJ-BNE-RST", "Rust", "#C46B3C"),
    ]


def test_shopify_default_title_product_has_no_variants() -> None:
    wash = _specs(parse_upload(SHOPIFY_EXPORT.name, SHOPIFY_EXPORT.read_bytes(), EUR))["wool-wash-250"]
    assert wash.variants == []
    assert wash.specs == {}
    assert wash.price.amount == Decimal("14.50")
    assert wash.summary == "Gentle lanolin wash for merino & other fine wool. Biodegradable formula."


def test_shopify_export_with_and_without_bom_read_alike() -> None:
    data = SHOPIFY_EXPORT.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    with_bom = parse_upload("export.csv", data, EUR)
    without_bom = parse_upload("export.csv", data[len(codecs.BOM_UTF8) :], EUR)
    assert _specs(with_bom) == _specs(without_bom)


def test_shopify_current_headers_read_like_classic_ones() -> None:
    header = ["Title", "URL handle", "Description", "Vendor", "Product category", "Type", "SKU", "Price"]
    options = ["Option1 name", "Option1 value", "Weight value (grams)", "Weight unit for display", "Product image URL"]
    first = ["Trail Cap", "trail-cap", "<p>Light cap.</p>", "Northpeak", "", "Hats", "NP-CAP-BLK", "25.00"]
    rows = [
        [*header, *options],
        [*first, "Color", "Black", "60", "g", "https://cdn.example.com/cap.jpg"],
        ["", "trail-cap", "", "", "", "", "NP-CAP-TEA", "27.00", "", "Teal", "60", "g", ""],
    ]
    cap = _specs(parse_upload("products.csv", _csv(rows).encode(), EUR))["trail-cap"]
    assert cap.category == "Hats"
    assert cap.price.amount == Decimal("25.00")
    assert [(v.sku, v.color_hex) for v in cap.variants] == [("NP-CAP-BLK", "#000000"), ("NP-CAP-TEA", "#008080")]


def test_shopify_without_currency_rejected_naming_option() -> None:
    upload = parse_upload(SHOPIFY_EXPORT.name, SHOPIFY_EXPORT.read_bytes())
    (error,) = _errors(upload)
    assert upload.specs == []
    assert error.path == "option currency"
    assert "currency" in error.expected


def test_shopify_unknown_colour_name_points_at_cell() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"],
        ["cap", "Cap", "Acme", "Hats", "Color", "Heather Grey", "CAP-1", "10.00"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Option1 Value"
    assert error.value == "'Heather Grey'"
    assert "#8C8F93" in error.expected


def test_shopify_options_named_alike_rejected() -> None:
    header = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value"]
    rows = [
        [*header, "Variant SKU", "Variant Price"],
        ["cap", "Cap", "Acme", "Hats", "Size", "S", "SIZE", "Small", "CAP-1", "10.00"],
        ["cap", "", "", "", "", "M", "", "Medium", "CAP-2", "10.00"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Option2 Name"
    assert error.message == "the option has the name of option 'Size', differing only in case or spaces"


SHOPIFY_HEADER = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name"]
SHOPIFY_HEADER += ["Option2 Value", "Variant SKU", "Variant Price"]


@pytest.mark.parametrize(
    ("second_row", "error"),
    [
        (
            ["tee", "", "", "", "", "", "", "M", "T-X-M", "15.00"],
            "row 3, column Option1 Value: no Color for this variant",
        ),
        (
            ["tee", "", "", "", "", "Navy", "", "S", "T-N-S2", "2.00"],
            "row 3, column Option1 Value: the variant repeats the option values of variant T-N-S",
        ),
    ],
)
def test_shopify_variant_rows_that_cannot_be_told_apart(second_row, error) -> None:
    rows = [
        SHOPIFY_HEADER,
        ["tee", "Tee", "Acme", "Shirts", "Color", "Navy", "Size", "S", "T-N-S", "20.00"],
        second_row,
    ]
    assert [
        f"{item.path}: {item.message}" for item in _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    ] == [error]


def test_shopify_weight_unit_error_names_its_column() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price", "Variant Grams", "Variant Weight Unit"],
        ["cap", "Cap", "Acme", "Hats", "CAP-1", "10.00", "200", "stone"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Variant Weight Unit"
    assert error.value == "'stone'"


SIZED_HEADER = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU"]
SIZED_HEADER += ["Variant Price", "Variant Grams", "Variant Weight Unit"]


@pytest.mark.parametrize(
    ("grams", "unit", "expected"),
    [
        (("350", "360"), ("g", "g"), "350-360 g"),
        (("340", "363"), ("lb", "lb"), "0.75-0.8 lb"),
        (("900", "1200"), ("kg", "kg"), "0.9-1.2 kg"),
        (("900", "1200"), ("g", "kg"), "900-1200 g"),
        (("410", "430"), ("oz", "oz"), "14.5-15.2 oz"),
    ],
)
def test_shopify_variant_weights_differing_give_range(
    grams: tuple[str, str], unit: tuple[str, str], expected: str
) -> None:
    rows = [
        SIZED_HEADER,
        ["tee", "Tee", "Acme", "Shirts", "Size", "S", "TEE-S", "10.00", grams[0], unit[0]],
        ["tee", "", "", "", "", "L", "TEE-L", "10.00", grams[1], unit[1]],
    ]
    (tee,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert tee.weight is None
    assert tee.specs["weight"] == expected


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("L", "l"),
        ("mL", "ml"),
        ("Fl. Oz", "fl oz"),
        ("KG", "kg"),
        ("lbs", "lb"),
        ("Liter", "l"),
        ("grams", "g"),
        ("cl", "cl"),
        ("kgs", "kg"),
        ("gr", "g"),
        ("Ltrs", "l"),
        ("cc", "ml"),
    ],
)
def test_units_read_as_labels_write_them(written, unit) -> None:
    spec = json.loads((EXAMPLES / "stoneware-mug.json").read_text())
    field = "weight" if unit in ("g", "kg", "lb") else "volume"
    spec[field] = {"value": 2, "unit": written}
    (parsed,) = _specs(parse_upload("mug.json", json.dumps(spec).encode())).values()
    assert getattr(parsed, field).unit == unit


@pytest.mark.parametrize(
    ("first_row", "second_row", "errors"),
    [
        (
            ["tee", "Tee", "Acme", "Shirts", "Color", "Navy", "Trim", "Red", "T-N", "20.00"],
            ["tee", "", "", "", "Trim", "White", "Color", "Red", "T-R", "20.00"],
            [
                "row 3, column Option1 Name: differs from the option name on row 2 ('Color')",
                "row 3, column Option2 Name: differs from the option name on row 2 ('Trim')",
            ],
        ),
        (
            ["tee", "Tee", "Acme", "Shirts", "", "Navy", "", "", "T-N", "20.00"],
            ["tee", "", "", "", "Color", "Red", "", "", "T-R", "20.00"],
            [
                "row 2, column Option1 Value: a value for option 1, which has no name",
                "row 3, column Option1 Name: differs from the option name on row 2 ('')",
            ],
        ),
    ],
)
def test_shopify_option_names_only_from_the_first_row(first_row, second_row, errors) -> None:
    upload = parse_upload("export.csv", _csv([SHOPIFY_HEADER, first_row, second_row]).encode(), EUR)
    assert [f"{error.path}: {error.message}" for error in _errors(upload)] == errors


def test_shopify_generated_sku_avoids_other_handles() -> None:
    rows = [
        SHOPIFY_HEADER,
        ["tee", "Tee", "Acme", "Shirts", "Color", "Navy", "Size", "S", "T-N-S", "20.00"],
        ["tee", "", "", "", "", "Navy", "", "M", "T-N-M", "20.00"],
        ["tee-navy", "Navy Tee", "Acme", "Shirts", "", "", "", "", "TN-1", "20.00"],
    ]
    specs = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR))
    (variant,) = specs["tee"].variants
    assert variant.sku.startswith("tee-navy-")
    assert "tee-navy" in specs


def _webhook_product(**changes) -> bytes:
    variant = {"price": "20.00", "option2": "S", "grams": 200}
    product = {
        "id": 1,
        "title": "Cotton Tee",
        "handle": "tee",
        "vendor": "Acme",
        "product_type": "Shirts",
        "status": "active",
        "options": [{"name": "Color", "position": 1}, {"name": "Size", "position": 2}],
        "variants": [{**variant, "sku": "T-N", "option1": "Navy"}, {**variant, "sku": "T-R", "option1": "Red"}],
    }
    return json.dumps({**product, **changes}).encode()


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ([{"name": "Color", "position": "1"}, {"name": "Size"}], None),
        ([{"name": "Color", "position": [1]}, {"name": "Size"}], "options[0].position: not a whole number"),
        (
            [{"name": "Color", "position": {}}, {"name": "Size", "position": 2}],
            "options[0].position: not a whole number",
        ),
    ],
)
def test_shopify_option_positions_of_any_type(options, error) -> None:
    upload = parse_upload("product.json", _webhook_product(options=options), EUR)
    if error is None:
        assert [variant.color for variant in _specs(upload)["tee"].variants] == ["Navy", "Red"]
    else:
        assert [f"{item.path}: {item.message}" for item in _errors(upload)] == [error]


def test_shopify_transparent_colour_rejected_with_fix() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"],
        ["bottle", "Bottle", "Acme", "Bottles", "Color", "Transparent", "B-1", "10.00"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Option1 Value"
    assert error.message == "a see-through colour has no hex code to render or check images with"
    assert "'Transparent #E8EEF0'" in error.expected
    rows[1][5] = "Transparent #E8EEF0"
    (bottle,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert [(v.color, v.color_hex) for v in bottle.variants] == [("Transparent", "#E8EEF0")]


def _shopify_hats(option_name: str) -> bytes:
    header = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value"]
    rows = [
        [*header, "Variant SKU", "Variant Price"],
        ["hat", "Hat", "Acme", "Hats", option_name, "Navy", "Size", "S", "HAT-N", "10.00"],
        ["hat", "", "", "", "", "Red", "", "S", "HAT-R", "10.00"],
    ]
    return _csv(rows).encode()


@pytest.mark.parametrize(
    "name",
    [
        "Color",
        "COLOUR",
        "Colors",
        "Colours",
        "Color/Pattern",
        "Colour / Pattern",
        "Farbe",
        "Couleur",
        "Colore",
        "Kleur",
        "F\u00e4rg",
        "Farge",
        "Farve",
        "V\u00e4ri",
        "Kolor",
        "Cor",
        "Colores",
    ],
)
def test_shopify_colour_option_names_give_variants(name: str) -> None:
    (hat,) = _specs(parse_upload("export.csv", _shopify_hats(name), EUR)).values()

    assert [(v.sku, v.color, v.color_hex) for v in hat.variants] == [
        ("HAT-N", "Navy", "#000080"),
        ("HAT-R", "Red", "#FF0000"),
    ]
    assert hat.specs == {"size": "S"}


def test_shopify_colour_values_under_unknown_name_rejected() -> None:
    upload = parse_upload("export.csv", _shopify_hats("Shade"), EUR)

    assert upload.specs == []
    (error,) = _errors(upload)
    assert error.path == "row 2, column Option1 Name"
    assert error.value == "'Shade'"
    assert "Navy, Red" in error.message
    assert "option color_option=Shade" in error.expected
    assert "color_option=none" in error.expected


def test_shopify_color_option_names_colour_option() -> None:
    options = ReadOptions(currency="EUR", color_option="shade")
    (hat,) = _specs(parse_upload("export.csv", _shopify_hats("Shade"), options)).values()

    assert [v.sku for v in hat.variants] == ["HAT-N", "HAT-R"]
    assert hat.specs == {"size": "S"}


@pytest.mark.parametrize("name", ["Metal", "Flavour", "Finish", "Pattern"])
def test_shopify_metal_option_read_as_spec(name: str) -> None:
    (hat,) = _specs(parse_upload("export.csv", _shopify_hats(name), EUR)).values()

    assert hat.variants == []
    assert hat.specs == {name.lower(): "Navy, Red", "size": "S"}


def test_shopify_color_option_wins_over_colour_name() -> None:
    header = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value"]
    rows = [
        [*header, "Variant SKU", "Variant Price"],
        ["hat", "Hat", "Acme", "Hats", "Color", "Navy", "Shade", "Teal", "HAT-T", "10.00"],
        ["hat", "", "", "", "", "Navy", "", "Olive", "HAT-O", "10.00"],
    ]
    options = ReadOptions(currency="EUR", color_option="Shade")
    (hat,) = _specs(parse_upload("export.csv", _csv(rows).encode(), options)).values()

    assert [(v.sku, v.color) for v in hat.variants] == [("HAT-T", "Teal"), ("HAT-O", "Olive")]
    assert hat.specs == {"color": "Navy"}


def test_shopify_color_option_none_keeps_spec() -> None:
    options = ReadOptions(currency="EUR", color_option="none")
    (hat,) = _specs(parse_upload("export.csv", _shopify_hats("Shade"), options)).values()

    assert hat.variants == []
    assert hat.specs == {"shade": "Navy, Red", "size": "S"}


def test_shopify_json_colour_values_under_unknown_name() -> None:
    product = {
        "handle": "hat",
        "title": "Hat",
        "vendor": "Acme",
        "product_type": "Hats",
        "options": [{"name": "Size", "position": 2}, {"name": "Tint", "position": 1}],
        "variants": [{"sku": "HAT-N", "price": "10.00", "option1": "Navy", "option2": "S"}],
    }
    (error,) = _errors(parse_upload("hat.json", json.dumps({"product": product}).encode(), EUR))
    assert error.path == "product.options[1].name"
    assert error.value == "'Tint'"
    product["options"][1]["name"] = "Farge"
    (hat,) = _specs(parse_upload("hat.json", json.dumps({"product": product}).encode(), EUR)).values()
    assert [v.color for v in hat.variants] == ["Navy"]


def test_shopify_generated_skus_unique_for_non_latin_colours() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value"],
        ["ru-hat", "Hat", "Acme", "Hats", "Color", "\u0427\u0451\u0440\u043d\u044b\u0439 #111111", "Size", "S"],
        ["ru-hat", "", "", "", "", "\u0427\u0451\u0440\u043d\u044b\u0439 #111111", "", "M"],
        ["ru-hat", "", "", "", "", "\u0411\u0435\u043b\u044b\u0439 #EEEEEE", "", "S"],
        ["ru-hat", "", "", "", "", "\u0411\u0435\u043b\u044b\u0439 #EEEEEE", "", "M"],
    ]
    rows[0] += ["Variant SKU", "Variant Price"]
    for row in rows[1:]:
        row += ["", "10.00"]
    (hat,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()

    skus = [variant.sku for variant in hat.variants]
    assert len(set(skus)) == 2
    for sku in skus:
        assert re.fullmatch(r"ru-hat-[0-9a-f]{6}", sku)


def test_shopify_generated_sku_error_names_its_cells() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"],
        ["hat 1", "Hat", "Acme", "Hats", "Color", "Navy", "", "10.00"],
    ]
    errors = {error.path: error for error in _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))}

    variant = errors["row 2, column Option1 Value"]
    assert variant.value == "'hat 1-navy'"
    assert variant.message.startswith("not a valid sku; this value was generated from row 2, column Handle")
    assert "because row 2, column Variant SKU is blank" in variant.message
    assert variant.expected.endswith("; or a sku at row 2, column Variant SKU")


def test_shopify_odd_handle_gives_sku() -> None:
    long_handle = "mens-merino-wool-crew-neck-sweater-limited-edition-in-forest-green-2026"
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"],
        [long_handle, "Sweater", "Acme", "Knitwear", "Color", "Navy", "", "89.00"],
        ["kaffeebecher-grün", "Kaffeebecher", "Acme", "Mugs", "Color", "Green", "KB-GREEN", "12.00"],
    ]
    specs = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR))

    sweater_sku, mug_sku = list(specs)
    assert len(sweater_sku) == 64
    assert re.fullmatch(r"mens-merino-wool-crew-neck-sweater-limited-edition-in-for-[0-9a-f]{6}", sweater_sku)
    assert re.fullmatch(r"kaffeebecher-grun-[0-9a-f]{6}", mug_sku)
    # The same handle gives the same sku in the next upload, so the product's history carries over.
    assert list(_specs(parse_upload("export.csv", _csv(rows).encode(), EUR))) == [sweater_sku, mug_sku]
    (generated_variant,) = specs[sweater_sku].variants
    assert generated_variant.sku.startswith("mens-merino-")
    assert len(generated_variant.sku) <= 64
    rows.append(["../../etc", "Hat", "Acme", "Hats", "Color", "Navy", "HAT-1", "10.00"])
    (path_error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert (path_error.path, path_error.value) == ("row 4, column Handle", "'../../etc'")


def test_decomposed_text_read_as_composed() -> None:
    header = "sku,name,brand,category,price,currency,variant_sku,color,color_hex\n"
    row = "M-1,Café Mug,Acme,Kitchen,9.50,EUR,{sku},Crème,#F3E5C0\n"
    composed = header + row.format(sku="M-1-CR") + row.format(sku="M-1-CR2")
    # The second row writes "Crème" with "e" and a combining grave accent, the first with "è".
    mixed = composed.replace("M-1-CR2,Crème", "M-1-CR2," + unicodedata.normalize("NFD", "Crème"))
    assert mixed != composed

    def read(text: str):
        upload = parse_upload("mugs.csv", text.encode())
        return [(origin, spec) for origin, spec in upload.specs], [str(error) for error in _errors(upload)]

    assert read(mixed) == read(composed)
    specs, _ = read(unicodedata.normalize("NFD", composed))
    assert all(spec.name == "Café Mug" for _, spec in specs)


def test_shopify_title_entities_decoded() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price"],
        ["socks", "Hiking Socks &ndash; 3 Pack", "Smith &amp; Sons", "Socks", "SOCK-3", "12.00"],
    ]
    (socks,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert (socks.name, socks.brand) == ("Hiking Socks – 3 Pack", "Smith & Sons")


def test_shopify_export_with_older_type_columns() -> None:
    header = ["Handle", "Title", "Vendor", "Standard Product Type", "Custom Product Type", "Variant SKU"]
    header.append("Variant Price")
    rows = [header, ["hat", "Hat", "Acme", "Apparel & Accessories > Hats", "Beanies", "HAT-1", "10.00"]]
    (hat,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert hat.category == "Apparel & Accessories > Hats"
    # Beside the current column, the older one is left unread.
    rows = [[*header, "Product Category"], [*rows[1], "Apparel & Accessories > Clothing Accessories > Hats"]]
    (hat,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert hat.category == "Apparel & Accessories > Clothing Accessories > Hats"


def test_shopify_missing_category_names_both_columns() -> None:
    header = ["Handle", "Title", "Vendor", "Product Category", "Type", "Variant SKU", "Variant Price"]
    rows = [header, ["vase", "Vase", "Acme", "", "", "VASE-1", "34.00"]]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Type"
    assert error.message == "missing required field"
    assert "row 2, column Product Category" in error.expected
    assert "row 2, column Type" in error.expected


def test_shopify_json_category_errors_name_their_key() -> None:
    product = {"handle": "scarf", "title": "Scarf", "vendor": "Acme", "variants": [{"sku": "S-1", "price": "9.00"}]}
    (error,) = _errors(parse_upload("scarf.json", json.dumps({"product": product}).encode(), EUR))
    assert error.path == "product.product_type"
    assert "product.category" in error.expected
    product["category"] = {"full_name": "Scarves > " * 60}
    (error,) = _errors(parse_upload("scarf.json", json.dumps({"product": product}).encode(), EUR))
    assert error.path == "product.category"


def test_shopify_product_field_on_later_row_must_agree() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price"],
        ["cap", "Cap", "Acme", "Hats", "CAP-1", "10.00"],
        ["cap", "Other Cap", "", "", "CAP-2", "10.00"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 3, column Title"
    assert "row 2" in error.message


def test_shopify_image_row_before_product_row_skipped() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price", "Image Src"],
        ["cap", "", "", "", "", "", "https://example.invalid/cap-back.jpg"],
        ["cap", "Cap", "Acme", "Hats", "CAP-1", "10.00", "https://example.invalid/cap.jpg"],
    ]
    cap = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR))["cap"]
    assert (cap.name, cap.brand, cap.category) == ("Cap", "Acme", "Hats")
    assert cap.price.amount == Decimal("10.00")


def test_shopify_export_columns_accepted_unknown_rejected() -> None:
    header = ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price"]
    extra = ["Google Shopping / Gender", "Price / Europe", "Fabric (product.metafields.custom.fabric)", "Status"]
    good = _csv(
        [header + extra, ["cap", "Cap", "Acme", "Hats", "CAP-1", "10.00", "unisex", "11.00", "cotton", "active"]]
    )
    assert _specs(parse_upload("export.csv", good.encode(), EUR))
    bad = _csv([[*header, "Variant Colour"], ["cap", "Cap", "Acme", "Hats", "CAP-1", "10.00", "red"]])
    (error,) = _errors(parse_upload("export.csv", bad.encode(), EUR))
    assert error.path == "(header).Variant Colour"
    assert error.message == "unknown column for a Shopify product export"


def test_shopify_row_without_handle_rejects_that_row() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price"],
        ["cap", "Cap", "Acme", "Hats", "C", "10.00"],
        ["", "Hat", "Acme", "Hats", "H", "12.00"],
    ]
    upload = parse_upload("export.csv", _csv(rows).encode(), EUR)

    assert [spec.sku for _, spec in upload.specs] == ["cap"]
    (rejection,) = upload.rejections
    assert rejection.origin == "row 3"
    assert rejection.errors[0].path == "row 3, column Handle"


def test_shopify_bad_price_names_row_and_column() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price"],
        ["cap", "Cap", "Acme", "Hats", "C", "ten"],
    ]
    (error,) = _errors(parse_upload("export.csv", _csv(rows).encode(), EUR))
    assert error.path == "row 2, column Variant Price"
    assert error.message == "not a number"


@pytest.mark.parametrize("price", ["NaN", "sNaN", "Infinity"])
def test_shopify_non_finite_price_rejected(price: str) -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"],
        ["cup", "Cup", "Acme", "Cups", "Color", "Red", "CUP-R", price],
        ["cup", "", "", "", "", "Navy", "CUP-N", "12.00"],
        ["saucer", "Saucer", "Acme", "Cups", "", "", "SAU", "5.00"],
    ]
    upload = parse_upload("export.csv", _csv(rows).encode(), EUR)
    (error,) = _errors(upload)
    assert (error.path, error.value) == ("row 2, column Variant Price", repr(price))
    assert [spec.sku for _, spec in upload.specs] == ["saucer"]


def test_shopify_seo_description_entities_decoded() -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price", "SEO Description"],
        ["cup", "Cup", "Acme", "Cups", "C-1", "9.00", "Cups &amp; saucers from &quot;Acme&quot;"],
    ]
    (cup,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert cup.summary == 'Cups & saucers from "Acme"'


def test_shopify_colour_case_merged() -> None:
    header = ["Handle", "Title", "Vendor", "Type", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value"]
    rows = [
        [*header, "Variant SKU", "Variant Price"],
        ["sock", "Sock", "Acme", "Socks", "Color", "Navy", "Size", "S", "SK-N-S", "9.00"],
        ["sock", "", "", "", "", "navy ", "", "M", "SK-N-M", "9.00"],
    ]
    (sock,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert [(variant.sku, variant.color) for variant in sock.variants] == [("sock-navy", "Navy")]
    assert sock.specs["size"] == "S, M"


SHOPIFY_STATUSES = _csv(
    [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price", "Status"],
        ["draft-hat", "Draft Hat", "Acme", "Hats", "H-1", "9.00", "draft"],
        ["old-scarf", "Old Scarf", "Acme", "Scarves", "S-1", "15.00", "archived"],
        ["cap", "Cap", "Acme", "Hats", "C-1", "12.00", "active"],
    ]
).encode()


def test_shopify_archived_product_rejected_draft_read() -> None:
    upload = parse_upload("export.csv", SHOPIFY_STATUSES, EUR)

    assert [spec.sku for _, spec in upload.specs] == ["draft-hat", "cap"]
    (rejection,) = upload.rejections
    assert rejection.sku == "old-scarf"
    (error,) = rejection.errors
    assert error.path == "row 3, column Status"
    assert error.value == "'archived'"
    assert error.message == "the product is archived in Shopify, so no listing is made for it"
    assert "option include_inactive=true" in error.expected


def test_shopify_archived_product_read_when_included() -> None:
    upload = parse_upload("export.csv", SHOPIFY_STATUSES, ReadOptions(currency="EUR", include_inactive=True))

    assert upload.rejections == []
    assert [spec.sku for _, spec in upload.specs] == ["draft-hat", "old-scarf", "cap"]


def test_shopify_json_archived_status_rejected() -> None:
    product = {
        "handle": "scarf",
        "title": "Scarf",
        "vendor": "Acme",
        "product_type": "Scarves",
        "status": "archived",
        "variants": [{"sku": "S-1", "price": "15.00"}],
    }
    (error,) = _errors(parse_upload("scarf.json", json.dumps({"product": product}).encode(), EUR))
    assert error.path == "product.status"
    assert error.value == "'archived'"
    product["status"] = "draft"
    assert _specs(parse_upload("scarf.json", json.dumps({"product": product}).encode(), EUR))


# ---------- Shopify product JSON (webhook, REST) ----------


def test_shopify_json_without_variants_names_the_list() -> None:
    product = {"handle": "scarf", "title": "Scarf", "vendor": "Acme", "product_type": "Scarves", "variants": []}
    (error,) = _errors(parse_upload("scarf.json", json.dumps({"products": [product]}).encode(), EUR))
    assert (error.path, error.message, error.value) == ("products[0].variants", "no variants", "[]")


def test_shopify_webhook_payload_read() -> None:
    payload = load_event("pim-spec-changed-shopify-webhook")["detail"]["spec"]
    upload = parse_upload("webhook.json", json.dumps(payload).encode(), ReadOptions(currency="USD"))
    (spec,) = _specs(upload).values()
    assert upload.format == "shopify-json"
    assert spec.sku == payload["handle"]
    assert spec.price.currency == "USD"
    assert spec.variants
    assert all(variant.color_hex.startswith("#") for variant in spec.variants)


def test_shopify_rest_wrapper_and_bad_variant_price() -> None:
    product = {
        "handle": "cap",
        "title": "Cap",
        "vendor": "Acme",
        "product_type": "Hats",
        "body_html": "",
        "options": [{"name": "Color", "position": 1}],
        "variants": [
            {"sku": "C-1", "price": "9.50", "option1": "Red"},
            {"sku": "C-2", "price": "n/a", "option1": "Blue"},
        ],
    }
    upload = parse_upload("rest.json", json.dumps({"product": product}).encode(), EUR)
    (error,) = _errors(upload)
    assert error.path == "product.variants[1].price"
    product["variants"][1]["price"] = "8.00"
    (spec,) = _specs(parse_upload("rest.json", json.dumps({"product": product}).encode(), EUR)).values()
    assert spec.price.amount == Decimal("8.00")


# ---------- Akeneo ----------


def test_akeneo_page_needs_locale_channel_and_currency() -> None:
    errors = _errors(parse_upload(AKENEO_PAGE.name, AKENEO_PAGE.read_bytes()))
    expected = {error.expected.split(":")[0] for error in errors}
    assert expected == {"option locale", "option channel", "option currency"}
    by_path = {error.path: error for error in errors}
    assert by_path["_embedded.items[0].values.name"].value == "de_DE, en_GB"


def test_akeneo_locale_given_settles_channel() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"]["description"] = [
        {"locale": "en_GB", "scope": "ecommerce", "data": "<p>For the web shop.</p>"},
        {"locale": "de_DE", "scope": "print", "data": "<p>Für den Katalog.</p>"},
    ]
    options = ReadOptions(locale="en_GB", currency="GBP")
    (spec,) = _specs(parse_upload("bowl.json", json.dumps(product).encode(), options)).values()

    assert spec.summary == "For the web shop."


def test_akeneo_product_model_becomes_one_spec_with_variants() -> None:
    upload = parse_upload(AKENEO_PAGE.name, AKENEO_PAGE.read_bytes(), AKENEO_OPTIONS)
    specs = _specs(upload)
    assert upload.format == "akeneo-json"
    assert set(specs) == {"kr_travel_mug", "KR-BWL-15"}
    mug = specs["kr_travel_mug"]
    assert mug.name == "Kiln & Reed Travel Mug 400 ml"
    assert mug.brand == "Kiln & Reed"
    assert mug.price.amount == Decimal("28.00")
    assert mug.price.currency == "GBP"
    assert [(v.sku, v.color, v.color_hex) for v in mug.variants] == [
        ("KR-TRV-400-SEA", "Sea Glass", "#7FA9A0"),
        ("KR-TRV-400-SLT", "Slate Grey", "#708090"),
    ]
    assert mug.summary == "Double-walled stoneware travel mug with a cork sleeve & a leak-proof lid."
    assert mug.features == ["Keeps drinks hot for 2 hours", "Dishwasher safe without the lid"]


def test_akeneo_sizes_of_one_colour_make_one_variant() -> None:
    page = json.loads(AKENEO_PAGE.read_text())
    items = page["_embedded"]["items"]
    sea = next(item for item in items if item["identifier"] == "KR-TRV-400-SEA")
    larger = {**sea, "identifier": "KR-TRV-600-SEA", "values": {**sea["values"]}}
    for item, size in ((sea, "400_ml"), (larger, "600_ml")):
        item["values"]["size"] = [{"locale": None, "scope": None, "data": size}]
    items.insert(1, larger)

    mug = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert [(variant.sku, variant.color) for variant in mug.variants] == [
        ("kr_travel_mug-sea-glass", "Sea Glass"),
        ("KR-TRV-400-SLT", "Slate Grey"),
    ]
    assert mug.specs["size"] == "400 ml, 600 ml"


def _sea_sizes(**changes: dict) -> dict:
    """Return the example page with a second size of the sea glass travel mug, changed as given."""
    page = json.loads(AKENEO_PAGE.read_text())
    items = page["_embedded"]["items"]
    sea = next(item for item in items if item["identifier"] == "KR-TRV-400-SEA")
    values = {**sea["values"], **changes}
    items.insert(1, {**sea, "identifier": "KR-TRV-600-SEA", "values": values})
    return page


def _mug_variants(page: dict) -> list[tuple[str, str, str]]:
    mug = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    return [(variant.sku, variant.color, variant.color_hex) for variant in mug.variants]


def test_akeneo_size_without_colour_hex_joins_its_colour() -> None:
    page = _sea_sizes(color_hex=[])
    assert _mug_variants(page)[0] == ("kr_travel_mug-sea-glass", "Sea Glass", "#7FA9A0")


def test_akeneo_colour_in_two_materials_makes_two_variants() -> None:
    page = _sea_sizes()
    for item in page["_embedded"]["items"][:2]:
        copy = {**item, "identifier": item["identifier"] + "-W", "values": {**item["values"]}}
        copy["values"]["material"] = [{"locale": None, "scope": None, "data": "wood"}]
        page["_embedded"]["items"].append(copy)
    skus = [sku for sku, _, _ in _mug_variants(page)]
    assert skus[:1] + skus[-1:] == ["kr_travel_mug-sea-glass", "kr_travel_mug-sea-glass-wood"]
    assert len(set(skus)) == len(skus)
    mug = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert mug.materials == ["Stoneware", "Cork", "wood"]


def test_akeneo_generated_sku_avoids_identifiers() -> None:
    page = _sea_sizes()
    bowl = next(item for item in page["_embedded"]["items"] if item["identifier"] == "KR-BWL-15")
    bowl["identifier"] = "kr_travel_mug-sea-glass"
    upload = parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS)
    specs = _specs(upload)
    assert "kr_travel_mug-sea-glass" in specs
    assert specs["kr_travel_mug"].variants[0].sku.startswith("kr_travel_mug-sea-glass-")


def test_akeneo_metrics_converted_and_identifiers_left_out() -> None:
    mug = _specs(parse_upload(AKENEO_PAGE.name, AKENEO_PAGE.read_bytes(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert (mug.volume.value, mug.volume.unit) == (400, "ml")
    assert (mug.weight.value, mug.weight.unit) == (0.38, "kg")
    assert mug.dimensions is not None
    assert (mug.dimensions.width, mug.dimensions.height, mug.dimensions.unit) == (90, 155, "mm")
    assert mug.specs == {"dishwasher_safe": True}


def test_akeneo_table_attribute_written_as_rows() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"]["nutrition"] = [
        {
            "locale": None,
            "scope": None,
            "data": [{"nutrient": "salt", "per_100g": "1.2"}, {"nutrient": "sugar", "per_100g": "5"}],
        }
    ]
    (spec,) = _specs(parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS)).values()

    assert spec.specs["nutrition"] == "Nutrient: Salt, Per 100g: 1.2; Nutrient: Sugar, Per 100g: 5"


def test_akeneo_locale_option_picks_labels_and_text() -> None:
    product = (FORMATS / "akeneo-product.json").read_bytes()
    options = ReadOptions(locale="de_DE", channel="ecommerce", currency="EUR")
    (bowl,) = _specs(parse_upload("bowl.json", product, options)).values()
    assert bowl.name == "Kiln & Reed Servierschale 15 cm"
    assert bowl.price.amount == Decimal("36.00")
    assert bowl.materials == ["Steinzeug", "bleifreie Glasur"]
    assert bowl.variants[0].color == "Meerglas"
    assert bowl.summary == "Flache Servierschale aus Steinzeug mit Reaktivglasur."


@pytest.mark.parametrize(
    ("code", "entries"),
    [
        ("description", [{"locale": "de_DE", "scope": "ecommerce", "data": "Flache Servierschale."}]),
        ("color", [{"locale": None, "scope": "print", "data": "sea_glass"}]),
        ("weight", [{"locale": None, "scope": "print", "data": {"amount": "540", "unit": "GRAM"}}]),
    ],
)
def test_akeneo_value_only_in_other_context_rejected(code: str, entries: list) -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"][code] = entries
    upload = parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS)
    assert upload.specs == []
    (error,) = _errors(upload)
    context = f"{entries[0]['locale'] or '-'}/{entries[0]['scope']}"
    assert error.path == f"values.{code}"
    assert error.message == "no value for locale en_GB and channel ecommerce"
    assert error.value == repr(f"values for locale/channel {context}")
    assert "options locale and channel" in error.expected


def _labelled_colour(labels: dict[str, str]) -> dict:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    linked = {"attribute": "color", "code": "sea_glass", "labels": labels}
    product["values"]["color"] = [{"locale": None, "scope": None, "data": "sea_glass", "linked_data": linked}]
    product["values"]["name"] = [{"locale": None, "scope": None, "data": "Serving Bowl"}]
    product["values"]["description"] = [{"locale": None, "scope": None, "data": "Stoneware bowl."}]
    product["values"]["material"] = [{"locale": None, "scope": None, "data": "Stoneware"}]
    return product


def test_akeneo_shared_label_read_without_locale() -> None:
    product = _labelled_colour({"en_GB": "Sea Glass", "de_DE": "Sea Glass"})
    options = ReadOptions(channel="ecommerce", currency="GBP")
    (bowl,) = _specs(parse_upload("bowl.json", json.dumps(product).encode(), options)).values()
    assert bowl.variants[0].color == "Sea Glass"


def test_akeneo_labels_differing_by_locale_need_locale() -> None:
    product = _labelled_colour({"en_GB": "Sea Glass", "de_DE": "Meerglas"})
    options = ReadOptions(channel="ecommerce", currency="GBP")
    (error,) = _errors(parse_upload("bowl.json", json.dumps(product).encode(), options))
    assert error.path == "values.color[0].linked_data"
    assert error.message == "option labels differ by locale"
    assert error.value == "en_GB: Sea Glass, de_DE: Meerglas"
    assert error.expected.startswith("option locale")


def test_akeneo_missing_currency_and_unit_reported() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"]["weight"][0]["data"]["unit"] = "STONE"
    options = ReadOptions(locale="en_GB", channel="ecommerce", currency="USD")
    errors = {error.path: error for error in _errors(parse_upload("bowl.json", json.dumps(product).encode(), options))}
    assert errors["values.price[0].data"].message == "no price in USD"
    assert errors["values.weight[0].data"].message == "unsupported weight unit"
    assert errors["values.weight[0].data"].value == "'STONE'"


def _akeneo_metric(amount: str, unit: str) -> list[dict]:
    return [{"locale": None, "scope": None, "data": {"amount": amount, "unit": unit}}]


@pytest.mark.parametrize(
    ("field", "amount", "unit", "expected"),
    [
        ("volume", "1", "GALLON", (128, "fl oz")),
        ("volume", "1", "LIQUID_GALLON", (128, "fl oz")),
        ("volume", "2", "PINT", (32, "fl oz")),
        ("volume", "1", "QUART_US", (32, "fl oz")),
        ("volume", "2400", "CUBIC_INCH", (39.329, "l")),
        ("volume", "1", "CUBIC_FOOT", (28.317, "l")),
        ("volume", "1", "CUBIC_YARD", (764.555, "l")),
        ("volume", "0.5", "HECTOLITER", (50, "l")),
        ("volume", "250", "MICROLITER", (0.25, "ml")),
        ("weight", "1.2", "TON", (1200, "kg")),
        ("weight", "500", "MICROGRAM", (0.0005, "g")),
    ],
)
def test_akeneo_standard_units_converted(field: str, amount: str, unit: str, expected: tuple) -> None:
    upload = parse_upload("bowl.json", _akeneo_bowl(**{field: _akeneo_metric(amount, unit)}), AKENEO_OPTIONS)
    (bowl,) = _specs(upload).values()
    measure = getattr(bowl, field)
    assert (measure.value, measure.unit) == expected


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        ("2", "YARD", (72, "in")),
        ("0.25", "MILE", (15840, "in")),
        ("1.5", "KILOMETER", (1500, "m")),
        ("40", "MIL", (0.04, "in")),
        ("500", "MICROMETER", (0.5, "mm")),
    ],
)
def test_akeneo_standard_length_units_converted(amount: str, unit: str, expected: tuple) -> None:
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl_with_sides(width=(amount, unit)), AKENEO_OPTIONS)).values()
    assert bowl.dimensions is not None
    assert (bowl.dimensions.width, bowl.dimensions.unit) == expected


def _akeneo_errors(change) -> list[str]:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    change(product)
    upload = parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS)
    assert upload.specs == []
    return [f"{error.path}: {error.message}" for error in _errors(upload)]


def test_akeneo_locale_that_is_no_code_rejected() -> None:
    errors = _akeneo_errors(lambda product: product["values"]["brand"][0].update(locale=["en_GB"]))
    assert errors == ["values.brand[0].locale: not a locale code"]


@pytest.mark.parametrize("enabled", ["false", 0, "yes"])
def test_akeneo_enabled_that_is_no_boolean_rejected(enabled) -> None:
    assert _akeneo_errors(lambda product: product.update(enabled=enabled)) == ["enabled: not true or false"]


@pytest.mark.parametrize("same", [True, False])
def test_akeneo_product_twice_in_a_page(same) -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    other = json.loads(json.dumps(product))
    if not same:
        other["values"]["name"][0]["data"] = "Another name"
    page = {"_embedded": {"items": [product, other]}}
    upload = parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS)
    if same:
        assert len(_specs(upload)) == 1
    else:
        assert [error.path for error in _errors(upload)] == [
            "_embedded.items[0].identifier",
            "_embedded.items[1].identifier",
        ]
        assert upload.specs == []


def test_akeneo_price_currency_given_twice_rejected() -> None:
    def twice(product):
        product["values"]["price"][0]["data"] += [{"amount": "2.00", "currency": "GBP"}]

    assert _akeneo_errors(twice) == ["values.price[0].data: a currency given twice"]


def test_akeneo_transparent_colour_code_rejected() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    del product["values"]["color_hex"]
    product["values"]["color"] = [{"locale": None, "scope": None, "data": "transparent"}]
    options = ReadOptions(locale="en_GB", channel="ecommerce", currency="GBP")
    (error,) = _errors(parse_upload("bowl.json", json.dumps(product).encode(), options))
    assert error.path == "values.color[0].data"
    assert error.message.startswith("a see-through colour has no hex code")
    assert error.expected.startswith("a color_hex attribute, ")


def _akeneo_bowl(**values: list[dict]) -> bytes:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"].update(values)
    return json.dumps(product).encode()


@pytest.mark.parametrize("data", [["Bowl", "Dish"], {"text": "Bowl"}, True])
def test_akeneo_name_that_is_not_text_rejected(data) -> None:
    upload = parse_upload(
        "bowl.json", _akeneo_bowl(name=[{"locale": None, "scope": None, "data": data}]), AKENEO_OPTIONS
    )
    (error,) = _errors(upload)
    assert error.path == "values.name[0].data"
    assert error.message == "not text"


def test_akeneo_capacity_in_another_quantity_stays_a_spec() -> None:
    capacity = [{"locale": None, "scope": None, "data": {"amount": "10000", "unit": "MILLIAMPEREHOUR"}}]
    (bank,) = _specs(parse_upload("bank.json", _akeneo_bowl(capacity=capacity), AKENEO_OPTIONS)).values()
    assert bank.volume is None
    assert bank.specs["capacity"] == "10000 mAh"
    # Named by option attributes, the attribute must be a volume, and the error states it.
    options = AKENEO_OPTIONS.model_copy(update={"attributes": {"volume": "capacity"}})
    (error,) = _errors(parse_upload("bank.json", _akeneo_bowl(capacity=capacity), options))
    assert (error.path, error.message) == ("values.capacity[0].data", "unsupported volume unit")


@pytest.mark.parametrize("data", ["2", 30, "30 l"])
def test_akeneo_plain_capacity_stays_spec(data) -> None:
    capacity = [{"locale": None, "scope": None, "data": data}]
    (tent,) = _specs(parse_upload("tent.json", _akeneo_bowl(capacity=capacity), AKENEO_OPTIONS)).values()
    assert tent.volume is None
    assert "capacity" in tent.specs


def test_akeneo_cleared_metric_skipped_like_other_empty_values() -> None:
    width = [{"locale": None, "scope": None, "data": {"amount": None, "unit": "CENTIMETER"}}]
    weight = [{"locale": None, "scope": None, "data": {"amount": "", "unit": "KILOGRAM"}}]
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl(width=width, weight=weight), AKENEO_OPTIONS)).values()
    assert bowl.weight is None
    assert "width" not in bowl.specs
    assert "weight" not in bowl.specs


@pytest.mark.parametrize("amount", ["NaN", "-Infinity"])
def test_akeneo_price_that_is_no_finite_number_rejected(amount: str) -> None:
    price = [{"locale": None, "scope": None, "data": [{"amount": amount, "currency": "GBP"}]}]
    (error,) = _errors(parse_upload("bowl.json", _akeneo_bowl(price=price), AKENEO_OPTIONS))
    assert error.path == "values.price[0].data"
    assert error.message == "not a finite number"


def test_akeneo_option_codes_humanized() -> None:
    upload = parse_upload(
        "bowl.json",
        _akeneo_bowl(
            rating=[{"locale": None, "scope": None, "data": "ip68"}],
            finish_code=[{"locale": None, "scope": None, "data": "high_gloss"}],
            closure=[{"locale": None, "scope": None, "data": "ykk_zip_5c"}],
        ),
        AKENEO_OPTIONS,
    )
    (spec,) = _specs(upload).values()
    assert spec.specs["rating"] == "ip68"
    assert spec.specs["finish_code"] == "High gloss"
    assert spec.specs["closure"] == "Ykk zip 5c"


def test_akeneo_missing_name_names_the_codes_looked_for() -> None:
    product = json.loads(_akeneo_bowl())
    del product["values"]["name"]
    errors = _errors(parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS))
    assert [(error.path, error.message) for error in errors] == [("values.name", "no attribute gives the name")]
    assert "name or title or product_name" in errors[0].expected
    assert "option attributes" in errors[0].expected


def test_akeneo_two_entries_for_one_locale_rejected() -> None:
    names = [
        {"locale": "en_GB", "scope": None, "data": "Serving Bowl"},
        {"locale": "de_DE", "scope": None, "data": "Servierschale"},
        {"locale": "en_GB", "scope": None, "data": "Second name"},
    ]
    (error,) = _errors(parse_upload("bowl.json", _akeneo_bowl(name=names), AKENEO_OPTIONS))
    assert error.path == "values.name"
    assert error.message.startswith("entries [0] and [2] both apply to locale en_GB")
    assert error.value == "'Serving Bowl', 'Second name'"


def test_akeneo_identical_entries_for_one_locale_read() -> None:
    names = [{"locale": "en_GB", "scope": None, "data": "Serving Bowl"}] * 2
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl(name=names), AKENEO_OPTIONS)).values()
    assert bowl.name == "Serving Bowl"


def test_akeneo_bad_colour_hex_names_its_attribute() -> None:
    upload = parse_upload(
        "bowl.json", _akeneo_bowl(color_hex=[{"locale": None, "scope": None, "data": "seaglass"}]), AKENEO_OPTIONS
    )
    (error,) = _errors(upload)
    assert error.path == "values.color_hex[0].data"
    assert error.message == "not a hex colour"


def test_akeneo_metric_specs_written_with_unit_symbols() -> None:
    metrics = {
        "max_temperature": ("220", "CELSIUS"),
        "battery": ("5000", "MILLIAMPEREHOUR"),
        "spin_speed": ("1200", "REVOLUTION_PER_MINUTE"),
        "floor_area": ("2.9", "SQUARE_METER"),
        "coverage": ("400", "SQUARE_FOOT"),
    }
    values = {
        code: [{"locale": None, "scope": None, "data": {"amount": amount, "unit": unit}}]
        for code, (amount, unit) in metrics.items()
    }
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl(**values), AKENEO_OPTIONS)).values()
    assert bowl.specs["max_temperature"] == "220 °C"
    assert bowl.specs["battery"] == "5000 mAh"
    assert bowl.specs["spin_speed"] == "1200 rpm"
    assert bowl.specs["floor_area"] == "2.9 m²"
    assert bowl.specs["coverage"] == "400 ft²"


@pytest.mark.parametrize(
    ("amount", "unit", "text"),
    [
        ("2", "YEAR", "2 years"),
        ("1", "YEAR", "1 year"),
        ("1.0", "MONTH", "1 month"),
        ("0.5", "DAY", "0.5 days"),
        ("3", "SQUARE_YARD", "3 square yards"),
        ("8", "LITER_PER_MINUTE", "8 liters per minute"),
        ("2", "DOZEN", "2 dozen"),
        ("2", "BOX", "2 boxes"),
        ("30", "MINUTE_OF_ARC", "30 minutes of arc"),
        ("120", "MMHG", "120 mmHg"),
        ("12", "PERCENT", "12 %"),
    ],
)
def test_akeneo_unit_words_plural_but_for_one(amount: str, unit: str, text: str) -> None:
    values = {"warranty": [{"locale": None, "scope": None, "data": {"amount": amount, "unit": unit}}]}
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl(**values), AKENEO_OPTIONS)).values()
    assert bowl.specs["warranty"] == text


def _akeneo_bowl_with_sides(**sides: tuple[str, str]) -> bytes:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    for side, (amount, unit) in sides.items():
        product["values"][side] = [{"locale": None, "scope": None, "data": {"amount": amount, "unit": unit}}]
    return json.dumps(product).encode()


@pytest.mark.parametrize(
    ("sides", "expected"),
    [
        # Mixed metric units: the smallest of them.
        (
            {"width": ("1.2", "METER"), "depth": ("455", "MILLIMETER"), "height": ("12.5", "CENTIMETER")},
            {"width": 1200, "depth": 455, "height": 125, "unit": "mm"},
        ),
        ({"width": ("1.2", "METER"), "height": ("3", "MILLIMETER")}, {"width": 1200, "height": 3, "unit": "mm"}),
        # 1 m has no exact value in inches.
        ({"width": ("1", "METER"), "height": ("10", "INCH")}, {"width": 1, "height": 0.254, "unit": "m"}),
        # 2,000,000 mm would exceed the measure cap.
        ({"width": ("2000", "METER"), "height": ("3", "MILLIMETER")}, {"width": 2000, "height": 0.003, "unit": "m"}),
        ({"width": ("15", "CENTIMETER"), "height": ("6.5", "CENTIMETER")}, {"width": 15, "height": 6.5, "unit": "cm"}),
    ],
)
def test_akeneo_mixed_length_units_exact(sides, expected) -> None:
    (bowl,) = _specs(parse_upload("bowl.json", _akeneo_bowl_with_sides(**sides), AKENEO_OPTIONS)).values()

    assert bowl.dimensions is not None
    assert bowl.dimensions.model_dump(exclude_none=True) == expected


def test_akeneo_zero_side_names_its_attribute() -> None:
    data = _akeneo_bowl_with_sides(width=("1.2", "METER"), height=("0", "MILLIMETER"))
    (error,) = _errors(parse_upload("bowl.json", data, AKENEO_OPTIONS))
    assert error.path == "values.height[0].data"
    assert error.value == "'0'"
    assert error.message == "too small"


def test_akeneo_too_large_side_names_its_attribute() -> None:
    data = _akeneo_bowl_with_sides(width=("2000000", "METER"), height=("3", "MILLIMETER"))
    (error,) = _errors(parse_upload("bowl.json", data, AKENEO_OPTIONS))
    assert error.path == "values.width[0].data"
    assert error.value == "'2000000'"
    assert error.message == "too large"


def test_akeneo_disabled_product_rejected() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["enabled"] = False
    data = json.dumps(product).encode()
    upload = parse_upload("bowl.json", data, AKENEO_OPTIONS)

    assert upload.specs == []
    (rejection,) = upload.rejections
    assert rejection.sku == product["identifier"]
    (error,) = rejection.errors
    assert error.path == "enabled"
    assert error.value == "false"
    assert error.message == "the product is disabled in Akeneo, so no listing is made for it"
    assert "option include_inactive=true" in error.expected
    included = ReadOptions(locale="en_GB", channel="ecommerce", currency="GBP", include_inactive=True)
    assert _specs(parse_upload("bowl.json", data, included))


def test_akeneo_disabled_variant_left_out_of_model() -> None:
    page = json.loads(AKENEO_PAGE.read_text())
    variant = next(item for item in page["_embedded"]["items"] if item.get("parent") == "kr_travel_mug")
    variant["enabled"] = False
    upload = parse_upload(AKENEO_PAGE.name, json.dumps(page).encode(), AKENEO_OPTIONS)

    mug = {spec.sku: spec for _, spec in upload.specs}["kr_travel_mug"]
    assert variant["identifier"] not in [v.sku for v in mug.variants]
    assert len(mug.variants) == 1
    (rejection,) = upload.rejections
    assert rejection.sku == variant["identifier"]
    assert rejection.errors[0].path.endswith(".enabled")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("values", None, "missing values"),
        ("values", [], "values is not an object"),
        ("parent", ["kr_travel_mug"], "parent is not a product model code"),
    ],
)
def test_akeneo_forced_format_bad_shapes_rejected(field, value, message) -> None:
    page = json.loads(AKENEO_PAGE.read_text())
    broken = page["_embedded"]["items"][0]
    broken[field] = value
    options = ReadOptions(format="akeneo", locale="en_GB", channel="ecommerce", currency="GBP")
    upload = parse_upload(AKENEO_PAGE.name, json.dumps(page).encode(), options)

    (rejection,) = upload.rejections
    assert rejection.sku == broken["identifier"]
    (error,) = rejection.errors
    assert error.path == f"_embedded.items[0].{field}"
    assert error.message == message
    assert upload.specs, "the other products of the page still make listings"


TEE_MODEL = {
    "code": "tshirt_model",
    "family": "clothing",
    "family_variant": "clothing_color",
    "parent": None,
    "categories": ["tshirts"],
    "values": {"name": [{"locale": None, "scope": None, "data": "Model Tee"}]},
}


def test_akeneo_product_model_rejected_by_code() -> None:
    page = {"_links": {}, "_embedded": {"items": [TEE_MODEL]}}
    (rejection,) = parse_upload("models.json", json.dumps(page).encode(), AKENEO_OPTIONS).rejections

    assert rejection.sku == "tshirt_model"
    assert rejection.origin == "_embedded.items[0]"
    (error,) = rejection.errors
    assert error.path == "_embedded.items[0].code"
    assert error.value == "'tshirt_model'"
    assert error.message == "product models are not read"
    assert error.expected.startswith("its variant products")
    assert "one listing with sku tshirt_model" in error.expected


def test_akeneo_sub_model_does_not_claim_root_listing() -> None:
    sub_model = dict(TEE_MODEL, code="tshirt_red", parent="tshirt_model")
    page = {"_links": {}, "_embedded": {"items": [TEE_MODEL, sub_model]}}
    upload = parse_upload("models.json", json.dumps(page).encode(), AKENEO_OPTIONS)

    assert [rejection.sku for rejection in upload.rejections] == ["tshirt_model", "tshirt_red"]
    assert all(rejection.errors[0].message == "product models are not read" for rejection in upload.rejections)


def test_akeneo_product_model_beside_its_variants() -> None:
    page = json.loads(AKENEO_PAGE.read_text())
    page["_embedded"]["items"].append(dict(TEE_MODEL, code="kr_travel_mug"))
    upload = parse_upload(AKENEO_PAGE.name, json.dumps(page).encode(), AKENEO_OPTIONS)

    assert {spec.sku for _, spec in upload.specs} == {"kr_travel_mug", "KR-BWL-15"}
    (rejection,) = upload.rejections
    assert rejection.sku is None
    assert "its variant products in this file make its listing" in rejection.errors[0].message


def test_akeneo_jsonl_lines_grouped_like_a_page() -> None:
    items = json.loads(AKENEO_PAGE.read_text())["_embedded"]["items"]
    data = "".join(json.dumps(item) + "\n" for item in items).encode()
    upload = parse_upload("products.jsonl", data, AKENEO_OPTIONS)
    assert upload.format == "akeneo-jsonl"
    assert set(_specs(upload)) == {"kr_travel_mug", "KR-BWL-15"}


# ---------- JSON Lines ----------


def test_jsonl_specs_read_line_by_line() -> None:
    upload = parse_upload("kitchen-specs.jsonl", (FORMATS / "kitchen-specs.jsonl").read_bytes())
    assert upload.format == "canonical-jsonl"
    assert [origin for origin, _ in upload.specs] == ["line 1", "line 2"]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_jsonl_read_with_any_line_ending(ending) -> None:
    lines = (FORMATS / "kitchen-specs.jsonl").read_text().splitlines()
    upload = parse_upload("specs.jsonl", ending.join(lines).encode())
    assert [origin for origin, _ in upload.specs] == ["line 1", "line 2"]


def test_jsonl_errors_name_the_line() -> None:
    lines = (FORMATS / "kitchen-specs.jsonl").read_text().splitlines()
    bad = json.loads(lines[1])
    bad["price"]["amount"] = "lots"
    data = "\n".join([lines[0], "", json.dumps(bad), "{not json"]).encode()
    upload = parse_upload("specs.ndjson", data)
    assert [spec.sku for _, spec in upload.specs] == ["KR-CUP-180"]
    paths = sorted(error.path for error in _errors(upload))
    assert paths == ["line 3: price.amount", "line 4 column 2"]


def test_jsonl_bad_line_rejects_only_that_line() -> None:
    good, _ = (FORMATS / "kitchen-specs.jsonl").read_text().splitlines()
    data = "\n".join([good, good.replace('"sku": "', '"sku": "X') + " trailing", "[1]", "[" * 100]).encode()
    upload = parse_upload("specs.jsonl", data)

    assert len(upload.specs) == 1
    assert [rejection.origin for rejection in upload.rejections] == ["line 2", "line 3", "line 4"]
    assert upload.rejections[0].errors[0].path.startswith("line 2 column ")
    assert upload.rejections[0].errors[0].value.endswith(" then 'trailing'")
    assert upload.rejections[1].errors[0].value == "'[1]'"
    assert upload.rejections[2].errors[0].value.endswith("then the end of the line")


def test_json_list_entry_not_object_names_entry() -> None:
    spec = json.loads((FORMATS / "kitchen-specs.jsonl").read_text().splitlines()[0])
    upload = parse_upload("specs.json", json.dumps([spec, "oops"]).encode())

    assert len(upload.specs) == 1
    (rejection,) = upload.rejections
    assert rejection.origin == "[1]"


def _jsonl_with_summary(summary: str) -> tuple[dict, bytes]:
    lines = (FORMATS / "kitchen-specs.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["summary"] = summary
    return first, (json.dumps(first, ensure_ascii=False) + "\r\n" + lines[1] + "\n").encode()


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_jsonl_keeps_unicode_line_separators_in_strings(separator: str) -> None:
    first, data = _jsonl_with_summary(f"Line one{separator}Line two")
    upload = parse_upload("specs.jsonl", data)
    specs = _specs(upload)
    assert [origin for origin, _ in upload.specs] == ["line 1", "line 2"]
    assert specs[first["sku"]].summary == f"Line one{separator}Line two"


def test_jsonl_next_line_control_rejected_on_its_line() -> None:
    _, data = _jsonl_with_summary("Line one\u0085Line two")
    upload = parse_upload("specs.jsonl", data)
    assert [origin for origin, _ in upload.specs] == ["line 2"]
    (error,) = _errors(upload)
    assert error.path == "line 1: summary"
    assert "U+0085 (control character)" in error.message


def test_jsonl_mixing_formats_needs_format_option() -> None:
    spec = (FORMATS / "kitchen-specs.jsonl").read_text().splitlines()[0]
    akeneo = json.dumps(json.loads((FORMATS / "akeneo-product.json").read_text()))
    (error,) = _errors(parse_upload("mixed.jsonl", f"{spec}\n{akeneo}\n".encode()))
    assert "mixes spec2listing specs (line 1) and Akeneo products (line 2)" in error.message
    assert "option format" in error.expected


# ---------- spreadsheet CSV ----------


def test_spreadsheet_csv_dialect_detected() -> None:
    data = SPREADSHEET.read_bytes()
    assert b"\r\n" in data
    upload = parse_upload(SPREADSHEET.name, data)
    specs = _specs(upload)
    assert upload.dialect == {"encoding": "cp1252", "delimiter": "semicolon", "decimal": "comma"}
    hat = specs["FJ-MTZ-01"]
    assert hat.name == "Fjellstad Wollm\u00fctze"
    assert hat.price.amount == Decimal("29.90")
    assert (hat.weight.value, hat.weight.unit) == (0.07, "kg")
    assert hat.features == ["Rippstrick", "Umschlag zum Falten"]
    assert [target.value for target in hat.targets] == ["amazon", "shopify"]
    assert specs["FJ-SCH-02"].price.amount == Decimal("1249.00")
    assert specs["FJ-SCH-02"].summary.endswith("1.249,00 \u20ac.")


def test_spreadsheet_csv_reads_like_its_utf8_comma_twin() -> None:
    text = SPREADSHEET.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    for row in rows[1:]:
        row[4] = row[4].replace(".", "").replace(",", ".")
        row[13] = row[13].replace(",", ".")
    twin = parse_upload("catalog.csv", _csv(rows).encode("utf-8"))
    assert twin.dialect == {"encoding": "utf-8", "delimiter": "comma", "decimal": "point"}
    assert _specs(twin) == _specs(parse_upload(SPREADSHEET.name, SPREADSHEET.read_bytes()))


CATALOG_HEADER = ["sku", "name", "brand", "category", "price", "currency"]


def test_decimal_mark_that_reads_both_ways_needs_option() -> None:
    data = _csv([CATALOG_HEADER, ["A-1", "Lamp", "Acme", "Lights", "1.500", "EUR"]], delimiter=";").encode()
    (error,) = _errors(parse_upload("lamps.csv", data))
    assert "decimal" in error.expected
    assert error.value == "row 2, column price '1.500'"
    (lamp,) = _specs(parse_upload("lamps.csv", data, ReadOptions(decimal="comma"))).values()
    assert lamp.price.amount == Decimal("1500")
    (lamp,) = _specs(parse_upload("lamps.csv", data, ReadOptions(decimal="point"))).values()
    assert lamp.price.amount == Decimal("1.5")


@pytest.mark.parametrize(("price", "other"), [("1.299", "29.90"), ("1,299", "29,90")])
def test_thousandths_price_needs_confirmed_mark(price: str, other: str) -> None:
    rows = [
        CATALOG_HEADER,
        ["A-1", "Lamp", "Acme", "Lights", other, "EUR"],
        ["B-1", "Shade", "Acme", "Lights", price, "EUR"],
    ]
    data = _csv(rows, delimiter=";").encode()
    parsed = parse_upload("lamps.csv", data)
    (error,) = _errors(parsed)
    assert error.path == "row 3, column price"
    assert "1299" in error.message
    assert "option decimal" in error.expected
    assert [spec.sku for _, spec in parsed.specs] == ["A-1"]
    mark = "point" if price == "1.299" else "comma"
    shade = _specs(parse_upload("lamps.csv", data, ReadOptions(decimal=mark)))["B-1"]
    assert shade.price.amount == Decimal("1.299")


@pytest.mark.parametrize(("price", "delimiter"), [("0.500", ","), ("0,500", ";")])
def test_leading_zero_proves_decimal_mark(price: str, delimiter: str) -> None:
    data = _csv([CATALOG_HEADER, ["A-1", "Lamp", "Acme", "Lights", price, "EUR"]], delimiter=delimiter).encode()
    (lamp,) = _specs(parse_upload("lamps.csv", data)).values()
    assert lamp.price.amount == Decimal("0.5")


def test_both_decimal_marks_in_one_file_rejected() -> None:
    rows = [
        CATALOG_HEADER,
        ["A-1", "Lamp", "Acme", "Lights", "12,50", "EUR"],
        ["B-1", "Shade", "Acme", "Lights", "8.75", "EUR"],
    ]
    (error,) = _errors(parse_upload("lamps.csv", _csv(rows, delimiter=";").encode()))
    assert error.message == "numbers use both a decimal point and a decimal comma"


def test_delimiter_that_cannot_be_told_needs_option() -> None:
    data = b"a,b;c,d\n1,2;3,4\n"
    (error,) = _errors(parse_upload("odd.csv", data))
    assert error.message == "cannot tell the delimiter: the header splits evenly on comma or semicolon"
    assert "option delimiter" in error.expected


def test_mac_roman_bytes_not_read_as_windows_1252() -> None:
    rows = [
        [*CATALOG_HEADER, "summary"],
        ["A-1", "Caf\u00e9 Mug", "Acme", "Kitchen", "9.50", "EUR", "Gr\u00fcn und sch\u00f6n"],
    ]
    data = _csv(rows).encode("mac_roman")
    (error,) = _errors(parse_upload("mugs.csv", data))
    assert error.message.startswith("the file is not UTF-8 and reads as garbled Windows-1252 text")
    assert "option encoding" in error.expected
    (mug,) = _specs(parse_upload("mugs.csv", data, ReadOptions(encoding="mac_roman"))).values()
    assert mug.name == "Caf\u00e9 Mug"


@pytest.mark.parametrize("utf8_text", ["Norway\u2019s", "Caf\u00e9", "10\u2013 20 \u20ac", "\u2713 Dishwasher safe"])
def test_utf8_lines_beside_windows_1252_bytes_rejected(utf8_text: str) -> None:
    data = _csv(
        [
            CATALOG_HEADER,
            ["A-1", f"{utf8_text} Mug", "Acme", "Kitchen", "9.50", "EUR"],
            ["A-2", "Cr\u00e8me Mug", "Acme", "Kitchen", "9.50", "EUR"],
        ]
    ).encode()
    data = data.replace("Cr\u00e8me".encode(), "Cr\u00e8me".encode("cp1252"))
    (error,) = _errors(parse_upload("mugs.csv", data))
    assert error.message == "the file mixes UTF-8 text with text in another encoding"
    assert error.path == "line 3"
    assert "line 2 has" in error.value


@pytest.mark.parametrize(
    "summary", ["Camisola \u201c100% L\u00c3\u201d", "Casaco \u00abL\u00c3\u00bb", "MA\u00c7\u00c3\u2026 suave"]
)
def test_windows_1252_capital_tilde_read(summary: str) -> None:
    rows = [
        [*CATALOG_HEADER, "summary"],
        ["A-1", "Camisola", "Acme", "Roupa", "9,50", "EUR", f"{summary}, feita \u00e0 m\u00e3o"],
    ]
    (spec,) = _specs(parse_upload("roupa.csv", _csv(rows, delimiter=";").encode("cp1252"))).values()
    assert spec.summary == f"{summary}, feita \u00e0 m\u00e3o"


# Product names as Excel saves them on Windows in other European locales, and the word an error quotes.
@pytest.mark.parametrize(
    ("name", "encoding", "quoted"),
    [
        ("Кружка синяя", "cp1251", "'\u00ca\u00f0\u00f3\u00e6\u00ea\u00e0' when read as Windows-1252"),
        ("Kırmızı Kupa", "cp1254", "'K\u0131rm\u0131z\u0131' in Windows-1254 (Turkish)"),
        ("Hrnek Černý", "cp1250", "'\u010cern\u00fd' in Windows-1250 (central European)"),
        ("Bögre Hőálló", "cp1250", "'H\u0151\u00e1ll\u00f3' in Windows-1250 (central European)"),
        ("Kubek Duży", "cp1250", "'Du\u00bfy' when read as Windows-1252"),
        ("Svíčka vonná", "cp1250", "in Windows-1250 (central European)"),
        ("Pamučni ručnik", "cp1250", "in Windows-1250 (central European)"),
        ("Śniadaniówka, pojemność 1 l", "cp1250", "in Windows-1250 (central European)"),
        ("Pamut törölköző", "cp1250", "in Windows-1250 (central European)"),
        ("Dębowy stół", "cp1250", "when read as Windows-1252"),
        ("Cană pentru maşina de vase", "cp1250", "when read as Windows-1252"),
    ],
)
def test_regional_code_pages_rejected(name: str, encoding: str, quoted: str) -> None:
    rows = [CATALOG_HEADER, ["A-1", name, "Acme", "Kitchen", "9,50", "EUR"]]
    data = _csv(rows, delimiter=";").encode(encoding)
    (error,) = _errors(parse_upload("mugs.csv", data))
    assert error.path == "line 2"
    assert quoted in error.value
    assert "option encoding" in error.expected
    assert encoding in error.expected
    (mug,) = _specs(parse_upload("mugs.csv", data, ReadOptions(encoding=encoding))).values()
    assert mug.name == name


def test_cyrillic_file_named_as_windows_1251() -> None:
    rows = [CATALOG_HEADER, ["A-1", "Кружка синяя", "Кухня", "Посуда", "450,00", "RUB"]]
    (error,) = _errors(parse_upload("mugs.csv", _csv(rows, delimiter=";").encode("cp1251")))
    assert error.message.endswith("it reads as plausible Windows-1251 (Cyrillic) text")


# Western European text that Windows-1252 is the only plausible reading of, with the letters that other
# code pages read differently: è, ñ, õ, ø, œ and ì where these languages write them.
@pytest.mark.parametrize(
    "summary",
    [
        "Tasse crème brûlée, très élégante à café ; où ; cœur ; œil",
        "Große Tasse für Kaffee, Grüße aus Köln",
        "Taza de cerámica, diseño español, ¡apta para lavavajillas!",
        "Caneca de cerâmica, não vai ao micro-ondas, limões",
        "Tazza più grande, è perfetta per caffè, così",
        "Stor kop, tåle opvaskemaskine, smørblomst fra Ærø",
        "Col·lecció de tasses, això",
        "Le 2ème étage, 1ère classe, Ève à Èze, œnologie, Çà et là",
        "Handgerður ullarpeysa, þú og ég, Mývatn, Ísafjörður, Þórsmörk",
        "Èbano di Ìschia, così",
        "Camiseta de algodón, tallas S–XXL, Farbe Rot–Blau",
        "Fläche 2 m², Inhalt 3 cm³, 1º premio, 2ª edición",
    ],
)
def test_western_european_windows_1252_read(summary: str) -> None:
    rows = [[*CATALOG_HEADER, "summary"], ["A-1", "Mug", "Acme", "Kitchen", "9,50", "EUR", summary]]
    upload = parse_upload("mugs.csv", _csv(rows, delimiter=";").encode("cp1252"))
    (mug,) = _specs(upload).values()
    assert upload.dialect["encoding"] == "cp1252"
    assert mug.summary == summary


def test_latin9_euro_sign_rejected() -> None:
    rows = [[*CATALOG_HEADER, "summary"], ["A-1", "Mug", "Acme", "Kitchen", "9,50", "EUR", "Seulement 12,50 €"]]
    (error,) = _errors(parse_upload("mugs.csv", _csv(rows, delimiter=";").encode("iso8859_15")))
    assert error.value.startswith("'\u00a4' when read as Windows-1252")


def test_bytes_undefined_in_windows_1252_rejected() -> None:
    (error,) = _errors(parse_upload("x.csv", b"sku,name\nA,\x81\x8d\n"))
    assert error.message == "the file is neither UTF-8 nor Windows-1252 text"
    assert error.value == "byte 81 at offset 11"


def test_utf16_tab_separated_export_read() -> None:
    rows = [CATALOG_HEADER, ["A-1", "Kr\u00fcg", "Acme", "Kitchen", "4,20", "EUR"]]
    data = codecs.BOM_UTF16_LE + _csv(rows, delimiter="\t", newline="\r\n").encode("utf-16-le")
    upload = parse_upload("unicode.tsv", data)
    (jug,) = _specs(upload).values()
    assert upload.dialect == {"encoding": "utf-16", "delimiter": "tab", "decimal": "comma"}
    assert jug.name == "Kr\u00fcg"
    assert jug.price.amount == Decimal("4.20")


# ---------- options ----------


def test_options_from_metadata_ignore_other_keys() -> None:
    options = read_options(
        "meta", {"currency": "eur", "delimiter": "semicolon", "mtime": "1700000000"}, ignore_unknown=True
    )
    assert options == ReadOptions(currency="EUR", delimiter=";")


def test_invalid_options_reported_per_option() -> None:
    errors = read_options("event 1 detail.options", {"encoding": "klingon", "format": "magento"}, ignore_unknown=False)
    assert isinstance(errors, list)
    assert {error.path for error in errors} == {"option encoding", "option format"}
    unknown = read_options("event 1 detail.options", {"curency": "EUR"}, ignore_unknown=False)
    assert isinstance(unknown, list)
    assert unknown[0].path == "option curency"
    assert unknown[0].message == "unknown field"


@pytest.mark.parametrize("codec", ["hex", "rot13", "base64", "undefined"])
def test_byte_codecs_rejected_as_encoding(codec: str) -> None:
    (error,) = read_options("event 1 detail.options", {"encoding": codec}, ignore_unknown=False)
    assert error.path == "option encoding"
    assert (error.message, error.expected) == (
        f"{codec!r} is not a text encoding",
        "a text encoding such as utf-8 or cp1252",
    )


def test_attribute_mapping_option_parsed_from_text() -> None:
    options = ReadOptions.model_validate({"attributes": "name=product_title, brand=maker"})
    assert options.attributes == {"name": "product_title", "brand": "maker"}
    with pytest.raises(ValueError, match="unknown spec field"):
        ReadOptions.model_validate({"attributes": "colour=c"})


def test_akeneo_attribute_mapping_used() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["values"]["product_title"] = product["values"].pop("name")
    options = ReadOptions(locale="en_GB", channel="ecommerce", currency="GBP", attributes={"name": "product_title"})
    (bowl,) = _specs(parse_upload("bowl.json", json.dumps(product).encode(), options)).values()
    assert bowl.name == "Kiln & Reed Serving Bowl 15 cm"


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deep_json_rejected(depth) -> None:
    (error,) = _errors(parse_upload("deep.json", ("[" * depth + "]" * depth).encode()))

    assert error.file == "deep.json"
    assert "nested deeper than 64 levels" in error.message


def test_deep_jsonl_line_rejected() -> None:
    good = json.dumps(
        {"sku": "A-1", "name": "Mug", "brand": "Acme", "category": "Home", "price": {"amount": 12, "currency": "EUR"}}
    )
    data = f"{'[' * 100_000}\n{good}\n".encode()
    upload = parse_upload("lines.jsonl", data)

    (error,) = _errors(upload)
    assert error.path.startswith("line 1")
    assert "nested deeper" in error.message
    assert [spec.sku for _, spec in upload.specs] == ["A-1"]


def test_long_integer_rejected() -> None:
    spec = json.loads((EXAMPLES / "daypack.json").read_text(encoding="utf-8"))
    spec["price"]["amount"] = 7
    text = json.dumps(spec).replace('"amount": 7', '"amount": ' + "9" * 5000)

    (error,) = _errors(parse_upload("daypack.json", text.encode()))
    assert "5000 digits" in error.message


def test_negative_csv_price_too_small() -> None:
    rows = [
        ["sku", "name", "brand", "category", "price", "currency"],
        ["NEG-1", "Mug", "Acme", "Home", "-5.00", "EUR"],
    ]
    (error,) = _errors(parse_upload("catalog.csv", _csv(rows).encode()))

    assert error.path.endswith("price")
    assert error.message == "too small"
    assert "greater than 0" in error.expected


def test_semicolon_csv_with_short_row_detected() -> None:
    header = "sku;name;brand;category;price;currency;summary;materials;color;color_hex;variant_sku;features;targets"
    row = "KR-BWL-15;Serving Bowl 15 cm;Kiln & Reed;Home > Bowls;32,00;GBP;Shallow bowl.;stoneware;Sea Glass;#7FA9A0"
    upload = parse_upload("bowls.csv", f"{header}\n{row}\n".encode())

    assert not _errors(upload)
    (bowl,) = _specs(upload).values()
    assert bowl.price.amount == Decimal("32.00")


def test_delimiter_ending_every_row_read() -> None:
    header = "sku;name;brand;category;price;currency\r\n"
    text = header + "T-1;Mug;Acme;Kitchen;9,50;EUR;\r\nT-2;Cup;Acme;Kitchen;7,50;EUR;\r\n"
    upload = parse_upload("mugs.csv", text.encode())

    specs = _specs(upload)
    assert upload.dialect["delimiter"] == "semicolon"
    assert specs["T-2"].price.amount == Decimal("7.50")


@pytest.mark.parametrize("sep_line", ["sep=;", "SEP=;", '"sep=;"', 'sep=";"', "sep=; "])
def test_excel_sep_line_names_the_delimiter(sep_line: str) -> None:
    text = f"{sep_line}\r\nsku;name;brand;category;price;currency\r\nS-1;Mug;Acme;Kitchen;9,50;EUR\r\nS-2;Cup\r\n"
    upload = parse_upload("mugs.csv", text.encode())

    assert [spec.sku for _, spec in upload.specs] == ["S-1"]
    assert upload.specs[0][0] == "row 3"
    (rejection,) = upload.rejections
    assert rejection.errors[0].path.startswith("row 4")


def test_trailing_delimiter_shifted_row_reported() -> None:
    header = "sku;name;brand;category;price;currency;materials\n"
    rows = "T-1;Mug;Acme;Kitchen;9,50;EUR;clay;\nT-2;Big; heavy mug;Acme;Kitchen;7,50;EUR;;\n"
    rows += "T-3;Cup;Acme;Kitchen;5,00;EUR;;\n"
    upload = parse_upload("mugs.csv", (header + rows).encode())

    assert [spec.sku for _, spec in upload.specs] == ["T-1", "T-3"]
    (error,) = _errors(upload)
    assert error.message == "the row has 8 cells but the header has 7, so its values fit no column"


def test_single_extra_empty_cell_rejected() -> None:
    text = "sku,name,brand,category,price,currency\nT-1,Mug,Acme,Kitchen,9.50,EUR,\nT-2,Cup,Acme,Kitchen,7.50,EUR\n"
    upload = parse_upload("mugs.csv", text.encode())

    assert [spec.sku for _, spec in upload.specs] == ["T-2"]
    (error,) = _errors(upload)
    assert error.message == "the row has 7 cells but the header has 6, so its values fit no column"


def test_header_only_another_delimiter_splits_needs_option() -> None:
    text = "sku;name;brand;category;price;currency\nT-1;Mug; large;extra;Acme;Kitchen;9,50;EUR\n"
    (error,) = _errors(parse_upload("mugs.csv", text.encode()))

    assert error.path == "(header)"
    assert error.message.startswith("cannot tell the delimiter: the header splits on semicolon")
    assert "option delimiter" in error.expected


@pytest.mark.parametrize("value", ["x", ";", 5])
def test_unknown_decimal_mark_named_in_words(value) -> None:
    (error,) = read_options("command line", {"decimal": value}, ignore_unknown=False)

    assert error.path == "option decimal"
    assert error.message == "unknown decimal mark"
    assert error.expected == "point or comma"


def test_unknown_delimiter_named_in_words() -> None:
    (error,) = read_options("meta", {"delimiter": "colon"}, ignore_unknown=True)

    assert error.path == "option delimiter"
    assert error.expected == "comma, semicolon, tab or pipe"


def test_akeneo_product_in_several_categories_takes_its_family() -> None:
    product = json.loads((FORMATS / "akeneo-product.json").read_text())
    product["categories"] = ["black_friday_2026", "kitchen_bowls", "print_catalog"]
    (bowl,) = _specs(parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS)).values()
    assert bowl.category == "Bowls"

    del product["family"]
    (error,) = _errors(parse_upload("bowl.json", json.dumps(product).encode(), AKENEO_OPTIONS))
    assert error.path == "categories"
    assert error.value == repr("black_friday_2026, kitchen_bowls, print_catalog")
    assert "category=" in error.expected


def test_akeneo_generated_variant_sku_same_in_every_locale() -> None:
    page = _sea_sizes()
    for item in page["_embedded"]["items"]:
        if "name" in item["values"]:
            item["values"]["name"] = [{"locale": None, "scope": None, "data": "Travel Mug"}]
        if "description" in item["values"]:
            item["values"]["description"] = [{"locale": None, "scope": None, "data": "A travel mug."}]
    skus = {}
    for locale in ("en_GB", "de_DE"):
        options = ReadOptions(locale=locale, channel="ecommerce", currency="GBP")
        mug = _specs(parse_upload("page.json", json.dumps(page).encode(), options))["kr_travel_mug"]
        skus[locale] = [(variant.sku, variant.color) for variant in mug.variants]

    assert skus["en_GB"][0] == ("kr_travel_mug-sea-glass", "Sea Glass")
    assert skus["de_DE"][0] == ("kr_travel_mug-sea-glass", "Meerglas")
    # A German label that names no CSS colour takes the hex code its option code names (slate_grey).
    assert [sku for sku, _ in skus["de_DE"]] == [sku for sku, _ in skus["en_GB"]]
    assert "Schiefergrau" in [color for _, color in skus["de_DE"]]


def test_akeneo_sizes_weighing_differently_give_a_range() -> None:
    page = _sea_sizes(weight=[{"locale": None, "scope": None, "data": {"amount": "520", "unit": "GRAM"}}])
    mug = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert mug.weight is None
    assert mug.specs["weight"] == "380-520 g"
    assert (mug.volume.value, mug.volume.unit) == (400, "ml")


def test_akeneo_bad_weight_of_any_variant_product_reported() -> None:
    page = _sea_sizes(weight=[{"locale": None, "scope": None, "data": {"amount": "abc", "unit": "GRAM"}}])
    (error,) = _errors(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))
    assert error.path == "_embedded.items[1].values.weight[0].data"
    assert error.message == "not a number"


def _metric(amount: str, unit: str) -> list[dict]:
    return [{"locale": None, "scope": None, "data": {"amount": amount, "unit": unit}}]


@pytest.mark.parametrize(("amount", "unit", "weight"), [("380", "GRAM", (0.38, "kg")), ("13.4", "OUNCE", (380, "g"))])
def test_akeneo_equal_weights_in_two_units_are_one(amount: str, unit: str, weight: tuple) -> None:
    page = _sea_sizes(weight=_metric(amount, unit))
    mug = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert (mug.weight.value, mug.weight.unit) == weight
    assert "weight" not in mug.specs


def test_akeneo_too_large_weight_of_one_size_rejected() -> None:
    page = _sea_sizes(weight=_metric("99999999", "GRAM"))
    (error,) = _errors(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))
    assert (error.path, error.message) == ("_embedded.items[1].values.weight[0].data", "too large")


def test_akeneo_colours_sharing_a_label_stay_apart() -> None:
    page = _sea_sizes()
    items = page["_embedded"]["items"]
    for item, code in ((items[0], "royal_blue"), (items[2], "navy")):
        linked = {"attribute": "color", "code": code, "labels": {"en_GB": code.title(), "de_DE": "Blau"}}
        item["values"]["color"] = [{"locale": None, "scope": None, "data": code, "linked_data": linked}]
        item["values"]["description"] = [{"locale": None, "scope": None, "data": "A travel mug."}]
    options = ReadOptions(locale="de_DE", channel="ecommerce", currency="EUR")

    errors = _errors(parse_upload("page.json", json.dumps(page).encode(), options))

    # Two options, so two variants; one name for both is the merchant's to fix, not a variant to drop.
    (error,) = [error for error in errors if "same colour name" in error.message]
    assert error.value == repr("Blau")


def test_akeneo_model_category_same_in_any_page_order() -> None:
    page = _sea_sizes()
    items = page["_embedded"]["items"]
    items[0]["categories"] = ["kitchen_mugs"]
    items[2]["categories"] = ["black_friday_2026", "kitchen_mugs"]
    forward = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    items[0], items[2] = items[2], items[0]
    backward = _specs(parse_upload("page.json", json.dumps(page).encode(), AKENEO_OPTIONS))["kr_travel_mug"]
    assert forward.category == backward.category == "Mugs"


def test_shopify_weights_rounding_alike_are_one() -> None:
    rows = [
        SIZED_HEADER,
        ["tee", "Tee", "Acme", "Shirts", "Size", "S", "TEE-S", "10.00", "340", "lb"],
        ["tee", "", "", "", "", "L", "TEE-L", "10.00", "341", "lb"],
    ]
    (tee,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert (tee.weight.value, tee.weight.unit) == (0.75, "lb")
    assert "weight" not in tee.specs


@pytest.mark.parametrize(
    ("grams", "unit", "weight"),
    [
        ("5897", "lb", (13, "lb")),
        ("5900", "lb", (13.01, "lb")),
        ("411", "oz", (14.5, "oz")),
        ("1235", "kg", (1.235, "kg")),
        ("420", "g", (420, "g")),
        ("1", "lb", (1, "g")),
    ],
)
def test_shopify_grams_in_shop_unit_rounded(grams: str, unit: str, weight: tuple) -> None:
    rows = [
        ["Handle", "Title", "Vendor", "Type", "Variant SKU", "Variant Price", "Variant Grams", "Variant Weight Unit"],
        ["oven", "Dutch Oven", "Acme", "Cookware", "OVEN-1", "249.00", grams, unit],
    ]
    (oven,) = _specs(parse_upload("export.csv", _csv(rows).encode(), EUR)).values()
    assert (oven.weight.value, oven.weight.unit) == weight


@pytest.mark.parametrize(
    ("price", "other", "reading"),
    [("1.299", "29.90", "reads as 1.299 with the file's decimal point"), ("1.299", "29,90", "reads as 1299 with")],
)
def test_thousandths_price_message_follows_file_mark(price: str, other: str, reading: str) -> None:
    rows = [
        CATALOG_HEADER,
        ["A-1", "Lamp", "Acme", "Lights", other, "EUR"],
        ["B-1", "Shade", "Acme", "Lights", price, "EUR"],
    ]
    (error,) = _errors(parse_upload("lamps.csv", _csv(rows, delimiter=";").encode()))
    assert error.message.startswith(reading)
