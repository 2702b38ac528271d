import json
import re

import pytest
from spec2listing.intake import parse_upload

from tests.support import ACCEPTANCE, ACCEPTANCE_CATALOGS, ACCEPTANCE_SPECS, EXAMPLES


@pytest.mark.parametrize("path", ACCEPTANCE_SPECS + ACCEPTANCE_CATALOGS, ids=lambda p: p.name)
def test_acceptance_inputs_accepted(path) -> None:
    upload = parse_upload(path.name, path.read_bytes())
    assert upload.rejections == []
    assert upload.specs


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.*")), ids=lambda p: p.name)
def test_examples_accepted(path) -> None:
    upload = parse_upload(path.name, path.read_bytes())
    assert upload.rejections == []


def test_catalog_rows_grouped_by_sku() -> None:
    upload = parse_upload("spring-drop.csv", (ACCEPTANCE / "catalogs" / "spring-drop.csv").read_bytes())
    specs = {spec.sku: spec for _, spec in upload.specs}
    assert len(specs) == 5
    sock = specs["NP-HKS-01"]
    assert [variant.color for variant in sock.variants] == ["Charcoal", "Rust"]
    assert [variant.color_hex for variant in sock.variants] == ["#36454F", "#B7410E"]
    assert sock.materials == ["62% merino wool", "35% recycled nylon", "3% elastane"]
    assert [target.value for target in sock.targets] == ["amazon", "shopify"]
    assert specs["HLD-LIN-TC-150"].features == ["Stonewashed soft hand", "Machine washable at 40 °C"]


def _errors(file: str, data: bytes) -> list:
    upload = parse_upload(file, data)
    assert upload.specs == []
    return [error for rejection in upload.rejections for error in rejection.errors]


def test_empty_file_rejected() -> None:
    (error,) = _errors("empty.json", (ACCEPTANCE / "bad" / "empty.json").read_bytes())
    assert error.file == "empty.json"
    assert "empty" in error.message


def test_binary_file_rejected_as_not_text() -> None:
    (error,) = _errors("not-json.json", (ACCEPTANCE / "bad" / "not-json.json").read_bytes())
    assert "PNG image" in error.message
    assert error.value.startswith("first bytes 89 50 4e 47")
    assert "UTF-8" in error.expected


def test_stray_nul_rejects_only_its_product() -> None:
    data = (
        b"sku,name,brand,category,price,currency,summary\n"
        b"NUL-OK,Mug,Acme,Kitchen > Mugs,12.00,EUR,A mug\n"
        b"NUL-BAD,Mug,Acme,Kitchen > Mugs,12.00,EUR,a\x00b\n"
    )
    parsed = parse_upload("mugs.csv", data)

    assert [spec.sku for _, spec in parsed.specs] == ["NUL-OK"]
    (error,) = [error for rejection in parsed.rejections for error in rejection.errors]
    assert error.path == "row 3, column summary"
    assert "U+0000" in error.message


def test_zero_bytes_throughout_rejected_as_binary() -> None:
    (error,) = _errors("blob.csv", b"sku,name\n" + b"\x00\x01\x02\x03" * 50)
    assert error.message == "the file is binary data, not text"


def test_truncated_json_reports_position() -> None:
    (error,) = _errors("truncated.json", (ACCEPTANCE / "bad" / "truncated.json").read_bytes())
    assert error.path.startswith("line 1 column ")
    assert "truncated" in error.message
    assert error.value is not None
    assert error.value.endswith("then the end of the file")


def test_missing_identity_names_each_field() -> None:
    errors = _errors("missing-identity.json", (ACCEPTANCE / "bad" / "missing-identity.json").read_bytes())
    assert {error.path for error in errors} == {"sku", "name"}
    assert all(error.message == "missing required field" for error in errors)


def test_wrong_types_name_field_value_and_fix() -> None:
    errors = _errors("wrong-types.json", (ACCEPTANCE / "bad" / "wrong-types.json").read_bytes())
    by_path = {error.path: error for error in errors}
    assert by_path["price.amount"].value == "'forty'"
    assert "number" in by_path["price.amount"].expected
    assert by_path["variants[0].color_hex"].value == "'#GG11ZZ'"
    assert "#RRGGBB" in by_path["variants[0].color_hex"].expected
    assert by_path["targets[1]"].value == "'tiktok-shop'"
    assert "amazon" in by_path["targets[1]"].expected


def test_catalog_missing_column_rejected_whole() -> None:
    (error,) = _errors("catalog-missing-column.csv", (ACCEPTANCE / "bad" / "catalog-missing-column.csv").read_bytes())
    assert error.path == "(header)"
    assert "sku" in error.message
    assert "category" in error.message


def test_unknown_extension_rejected() -> None:
    (error,) = _errors("catalog.xlsx", b"PK\x03\x04")
    assert "unsupported file type" in error.message
    assert ".csv" in error.expected


def test_unknown_field_rejected() -> None:
    spec = json.loads((ACCEPTANCE / "trail-runner.json").read_text())
    spec["colour_hex"] = "#000000"
    (error,) = _errors("typo.json", json.dumps(spec).encode())
    assert error.path == "colour_hex"
    assert error.message == "unknown field"


def test_catalog_bad_row_keeps_valid_products() -> None:
    data = (
        b"sku,name,brand,category,price,currency,color,color_hex\n"
        b"A-1,Good Mug,Acme,Kitchen,10.00,USD,Red,#FF0000\n"
        b"B-1,Bad Mug,Acme,Kitchen,ten,USD,Blue,#0000FF\n"
        b"C-1,Odd Mug,Acme,Kitchen,12.00,USD,Green,#00GG00\n"
    )
    upload = parse_upload("mugs.csv", data)
    assert [spec.sku for _, spec in upload.specs] == ["A-1"]
    paths = sorted(error.path for rejection in upload.rejections for error in rejection.errors)
    assert paths == ["row 3, column price", "row 4, column color_hex"]


def test_catalog_variant_error_names_its_row() -> None:
    data = (
        b"sku,name,brand,category,price,currency,color,color_hex,variant_sku\n"
        b"LOC-1,Lamp,Acme,Home,10.00,EUR,,,\n"
        b"LOC-1,Lamp,Acme,Home,10.00,EUR,Red,#FF0000,LOC-1-R\n"
        b"LOC-1,Lamp,Acme,Home,10.00,EUR,Blue,#00GG00,LOC-1-B\n"
    )
    (error,) = _errors("lamps.csv", data)
    assert error.path == "row 4, column color_hex"
    assert error.value == "'#00GG00'"


CATALOG_COLOURS = "sku,name,brand,category,price,currency,color,color_hex,variant_sku\n"


def _variant_skus(rows: str) -> list[str]:
    upload = parse_upload("mugs.csv", (CATALOG_COLOURS + rows).encode())
    assert upload.rejections == []
    ((_, spec),) = upload.specs
    return [variant.sku for variant in spec.variants]


def test_generated_skus_unique_for_non_latin_colours() -> None:
    rows = (
        "JP-MUG,Yunomi,Acme,Kitchen,12.00,EUR,\u9ed2,#111111,\nJP-MUG,Yunomi,Acme,Kitchen,12.00,EUR,\u767d,#EEEEEE,\n"
    )
    skus = _variant_skus(rows)

    assert len(set(skus)) == 2
    for sku in skus:
        assert re.fullmatch(r"JP-MUG-[0-9A-F]{6}", sku)
    assert _variant_skus(rows) == skus


def test_generated_skus_fold_accents_keep_words() -> None:
    rows = (
        "M-1,Mug,Acme,Kitchen,12.00,EUR,Gr\u00fcn,#00AA00,\n"
        "M-1,Mug,Acme,Kitchen,12.00,EUR,Wei\u00df,#FFFFFF,\n"
        "M-1,Mug,Acme,Kitchen,12.00,EUR,Rot \u8d64,#FF0000,\n"
        "M-1,Mug,Acme,Kitchen,12.00,EUR,Forest Green,#228B22,\n"
    )
    green, white, red, forest = _variant_skus(rows)

    assert green == "M-1-GRUN"
    assert white == "M-1-WEISS"
    assert re.fullmatch(r"M-1-ROT-[0-9A-F]{6}", red)
    assert forest == "M-1-FOREST-GREEN"


def test_generated_sku_avoids_given_sku() -> None:
    rows = "M-1,Mug,Acme,Kitchen,12.00,EUR,Blue,#0000FF,M-1-RED\nM-1,Mug,Acme,Kitchen,12.00,EUR,Red,#FF0000,\n"
    given_sku, generated = _variant_skus(rows)

    assert given_sku == "M-1-RED"
    assert re.fullmatch(r"M-1-RED-[0-9A-F]{6}", generated)


def test_duplicate_generated_sku_names_its_cells() -> None:
    rows = "M-1,Mug,Acme,Kitchen,12.00,EUR,Red,#FF0000,\nM-1,Mug,Acme,Kitchen,12.00,EUR,red,#EE0000,\n"
    sku_error, colour_error = _errors("mugs.csv", (CATALOG_COLOURS + rows).encode())

    assert colour_error.message.startswith("an earlier variant (M-1-RED) has the same colour name")
    error = sku_error
    assert error.path == "row 3, column color"
    assert error.value == "'M-1-RED'"
    assert error.message.startswith("the variant sku appears twice")
    assert "generated from columns sku and color, because column variant_sku is blank" in error.message
    assert "a sku in column variant_sku" in error.expected


def test_catalog_rows_of_one_sku_must_agree() -> None:
    data = (
        b"sku,name,brand,category,price,currency,color,color_hex\n"
        b"A-1,Mug,Acme,Kitchen,10.00,USD,Red,#FF0000\n"
        b"A-1,Mug,Acme,Kitchen,11.00,USD,Blue,#0000FF\n"
    )
    upload = parse_upload("mugs.csv", data)
    assert upload.specs == []
    (error,) = upload.rejections[0].errors
    assert error.path == "row 3, column price"
    assert "row 2" in error.message


def test_catalog_unknown_and_ragged_rows() -> None:
    header_error = _errors("x.csv", b"sku,name,brand,category,price,currency,notes\nA,B,C,D,1,USD,x\n")
    assert header_error[0].path == "(header).notes"
    upload = parse_upload("y.csv", b"sku,name,brand,category,price,currency\nA,B,C,D,1,USD,extra\nE,F,G,H,2,USD\n")
    assert [spec.sku for _, spec in upload.specs] == ["E"]
    assert upload.rejections[0].errors[0].path == "row 2"


def test_json_list_reports_entry_paths() -> None:
    good = json.loads((ACCEPTANCE / "trail-runner.json").read_text())
    bad = dict(good, sku="OTHER-1", price={"amount": -1, "currency": "USD"})
    upload = parse_upload("two.json", json.dumps({"products": [good, bad]}).encode())
    assert [spec.sku for _, spec in upload.specs] == ["NP-RDG-TR-01"]
    (error,) = upload.rejections[0].errors
    assert error.path == "products[1].price.amount"


def test_latin1_json_reported_as_not_utf8() -> None:
    (error,) = _errors("latin.json", '{"sku": "A", "name": "Caf\xe9"}'.encode("latin-1"))
    assert "not valid UTF-8" in error.message


def _mug(**fields) -> bytes:
    spec = {
        "sku": "MUG-1",
        "name": "Test Mug",
        "brand": "Acme",
        "category": "Home > Mugs",
        "price": {"amount": 10, "currency": "EUR"},
    }
    return json.dumps({**spec, **fields}).encode()


@pytest.mark.parametrize("currency", ["XXZ", "XXX", "XTS", "XAU"])
def test_currency_outside_iso_4217_rejected(currency) -> None:
    (error,) = _errors("mug.json", _mug(price={"amount": 10, "currency": currency}))
    assert error.path == "price.currency"
    assert error.message == "not a currency in ISO 4217"
    assert "EUR" in error.expected


@pytest.mark.parametrize("amount", ["1_000", "\uff11\uff12", "\u0661\u0662"])
def test_price_text_python_reads_but_csv_rejects(amount) -> None:
    (error,) = _errors("mug.json", _mug(price={"amount": amount, "currency": "EUR"}))
    assert error.path == "price.amount"
    assert error.message == "not a plain number"


def test_weight_text_with_separator_rejected() -> None:
    (error,) = _errors("mug.json", _mug(weight={"value": "1_5", "unit": "g"}))
    assert error.path == "weight.value"
    assert error.message == "not a plain number"


def test_plain_number_text_accepted() -> None:
    upload = parse_upload(
        "mug.json", _mug(price={"amount": " 12.5 ", "currency": "gbp"}, weight={"value": "1e2", "unit": "g"})
    )
    ((_, spec),) = upload.specs
    assert (str(spec.price.amount), spec.price.currency) == ("12.50", "GBP")
    assert spec.weight is not None
    assert spec.weight.value == 100


def test_lone_surrogate_named_by_code_point() -> None:
    (error,) = _errors(
        "mug.json",
        b'{"sku": "MUG-1", "name": "Mug \\ud800 x", "brand": "Acme", "category": "c", '
        b'"price": {"amount": 10, "currency": "EUR"}}',
    )
    assert error.path == "name"
    assert error.message == "contains the lone surrogate U+D800, half of a UTF-16 pair"


def test_repeated_colour_name_rejected() -> None:
    variants = [
        {"sku": "MUG-1-R", "color": "Red", "color_hex": "#FF0000"},
        {"sku": "MUG-1-G", "color": " red ", "color_hex": "#00FF00"},
        {"sku": "MUG-1-M", "color": "Red", "color_hex": "#C0392B", "finish": "matte"},
    ]
    (error,) = _errors("mug.json", _mug(variants=variants))
    assert error.path == "variants[1].color"
    assert error.message.startswith("an earlier variant (MUG-1-R) has the same colour name, finish and material")


@pytest.mark.parametrize("sku", ["", "A" * 500, "has space"])
def test_invalid_sku_rejection_keyed_by_origin(sku) -> None:
    upload = parse_upload("mug.json", _mug(sku=sku))
    (rejection,) = upload.rejections
    assert rejection.sku is None
    assert rejection.errors[0].path == "sku"


def test_non_object_entries_show_their_value() -> None:
    good = json.loads(_mug())
    upload = parse_upload("list.json", json.dumps([good, "just a string", 42]).encode())
    values = [rejection.errors[0].value for rejection in upload.rejections]
    assert values == ["'just a string'", "42"]


@pytest.mark.parametrize(
    "header",
    [
        "SKU;NAME;BRAND;CATEGORY;PRICE;CURRENCY;COLOR;Color_Hex",
        "Sku;Name;Brand;Category;Price;Currency;Color;Color_hex",
        " sku ; Name ;BRAND;category;price;currency;color;color_hex",
    ],
)
def test_catalog_header_read_in_any_case(header: str) -> None:
    data = f"{header}\nKS-MUG-1;Enamel Mug;Blechwerk;Outdoor > Mugs;19,90;EUR;Red;#C0392B\n".encode()
    upload = parse_upload("mugs.csv", data)
    assert upload.rejections == []
    ((_, mug),) = upload.specs
    assert mug.sku == "KS-MUG-1"
    assert str(mug.price.amount) == "19.90"
    assert [variant.color for variant in mug.variants] == ["Red"]


def test_catalog_column_twice_in_two_cases() -> None:
    errors = _errors("mugs.csv", b"sku,name,brand,category,price,currency,SKU\nA,B,C,D,1,USD,A\n")
    assert [error.path for error in errors] == ["(header).SKU"]
    assert "'sku'" in errors[0].message
    assert "any case" in errors[0].message


def test_catalog_error_names_column_as_written() -> None:
    errors = _errors("mugs.csv", b"SKU,Name,Brand,Category,Price,Currency\nA-1,Mug,Acme,Kitchen,ten,USD\n")
    assert [error.path for error in errors] == ["row 2, column Price"]
    assert errors[0].value == "'ten'"
