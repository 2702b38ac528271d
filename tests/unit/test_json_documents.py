"""JSON documents: nothing beside the products is ignored, and no key is given twice."""

import json

import pytest
from spec2listing.intake import parse_upload
from spec2listing.intake.options import ReadOptions

from tests.support import EXAMPLES

MUG = (EXAMPLES / "stoneware-mug.json").read_text()


def _spec(sku: str) -> dict:
    spec = json.loads(MUG)
    spec.pop("reference_photos", None)
    spec["sku"] = sku
    return spec


def _file_errors(parsed) -> list[tuple[str, str]]:
    (rejection,) = parsed.rejections
    assert rejection.origin == "file"
    return [(error.path, error.message) for error in rejection.errors]


@pytest.mark.parametrize(
    ("document", "kind"),
    [("null", "null"), ("true", "true"), ('"sku"', "a JSON string"), ("12.5", "a JSON number")],
)
def test_scalar_document_named_as_json(document: str, kind: str) -> None:
    upload = parse_upload("specs.json", document.encode())

    (rejection,) = upload.rejections
    (error,) = rejection.errors
    assert error.message == f"the document is {kind}"


def test_unknown_key_beside_products_rejects_file() -> None:
    data = json.dumps({"products": [_spec("M-1")], "version": 2}).encode()
    parsed = parse_upload("specs.json", data)
    assert parsed.specs == []
    assert _file_errors(parsed) == [("version", "unknown top-level field beside the products")]


def test_product_fields_beside_products_rejected() -> None:
    data = json.dumps({"products": [_spec("M-1")], "sku": "TOP", "name": "x"}).encode()
    parsed = parse_upload("specs.json", data)
    assert parsed.specs == []
    assert [path for path, _ in _file_errors(parsed)] == ["sku", "name"]
    assert "move product fields into each product" in parsed.rejections[0].errors[0].expected


def test_products_null_must_be_list() -> None:
    parsed = parse_upload("specs.json", b'{"products": null}')
    assert _file_errors(parsed) == [("products", "not a list")]
    assert parsed.rejections[0].errors[0].expected == "a list of product objects"


def test_shopify_wrapper_with_extra_key_rejected() -> None:
    data = json.dumps({"product": {"title": "Mug"}, "shop": "example"}).encode()
    parsed = parse_upload("webhook.json", data)
    assert _file_errors(parsed) == [("shop", "unknown top-level field beside the products")]


def test_akeneo_page_keys_accepted() -> None:
    path = EXAMPLES / "formats" / "akeneo-products-page.json"
    options = ReadOptions(locale="en_GB", channel="ecommerce", currency="GBP")
    parsed = parse_upload(path.name, path.read_bytes(), options)
    assert sorted(json.loads(path.read_text())) == ["_embedded", "_links", "current_page"]
    assert parsed.specs
    assert not [rejection for rejection in parsed.rejections if rejection.origin == "file"]


def test_repeated_key_rejects_only_its_product() -> None:
    first = json.dumps(_spec("M-1"))
    repeated = first.replace('"price":', '"price": {"amount": 1, "currency": "EUR"}, "price":', 1)
    data = f"[{repeated}, {json.dumps(_spec('M-2'))}]".encode()
    parsed = parse_upload("specs.json", data)
    assert [spec.sku for _, spec in parsed.specs] == ["M-2"]
    (rejection,) = parsed.rejections
    assert (rejection.sku, rejection.origin) == ("M-1", "[0]")
    assert [error.path for error in rejection.errors] == ["[0].price"]
    assert rejection.errors[0].message == "the key is given more than once"
    assert rejection.errors[0].value.startswith('{"amount":1,"currency":"EUR"} then {')


def test_repeated_nested_key_named_by_path() -> None:
    spec = json.dumps(_spec("M-1"))
    data = spec.replace('"currency":', '"amount": 3, "currency":', 1).encode()
    parsed = parse_upload("mug.json", data)
    assert parsed.specs == []
    (rejection,) = parsed.rejections
    assert [error.path for error in rejection.errors] == ["price.amount"]


def test_repeated_key_in_json_lines() -> None:
    good = json.dumps(_spec("M-1"))
    bad = json.dumps(_spec("M-2")).replace('"name":', '"name": "Other", "name":', 1)
    parsed = parse_upload("specs.jsonl", f"{good}\n{bad}\n".encode())
    assert [spec.sku for _, spec in parsed.specs] == ["M-1"]
    (rejection,) = parsed.rejections
    assert [error.path for error in rejection.errors] == ["line 2: name"]
    assert rejection.errors[0].value == '"Other" then "Kiln & Reed Stoneware Mug 350 ml"'


def test_repeated_wrapper_key_rejects_file() -> None:
    spec = json.dumps(_spec("M-1"))
    data = f'{{"products": [{spec}], "products": []}}'.encode()
    parsed = parse_upload("specs.json", data)
    assert parsed.specs == []
    assert _file_errors(parsed) == [("products", "the key is given more than once")]


def test_repeated_key_with_lone_surrogate_shown_escaped() -> None:
    spec = json.dumps(_spec("M-1"))
    data = spec.replace('"name":', '"name": "A\\ud800", "name":', 1).encode()
    parsed = parse_upload("mug.json", data)
    (rejection,) = parsed.rejections
    (error,) = [error for error in rejection.errors if error.path == "name"]
    assert error.value.startswith('"A\\ud800" then')
    assert error.model_dump_json()


def test_brand_guide_among_specs_named_as_such() -> None:
    guide = {"brand": "Fjellstad", "voice": {"tone": ["calm"]}, "visual": {"palette": ["#4B5E2A"]}}
    upload = parse_upload("fjellstad.json", json.dumps(guide).encode())
    (rejection,) = upload.rejections
    (error,) = rejection.errors
    assert error.path == "(document)"
    assert error.message == "the file is a brand guide (brand, voice, visual), not a product spec"
    assert "brands/" in error.expected


def _with_amount(amount: str) -> bytes:
    spec = _spec("A-1")
    spec["price"]["amount"] = "AMOUNT"
    return json.dumps(spec).replace('"AMOUNT"', amount).encode()


@pytest.mark.parametrize("amount", ["12.4999999999999999", "12.50000000000000000001"])
def test_json_price_digits_checked_before_float_rounding(amount: str) -> None:
    parsed = parse_upload("mug.json", _with_amount(amount))
    assert parsed.specs == []
    (rejection,) = parsed.rejections
    (error,) = rejection.errors
    assert error.path == "price.amount"
    assert error.value == amount


def test_json_number_amount_read_exactly() -> None:
    ((_, spec),) = parse_upload("mug.json", _with_amount("19.995")).specs
    assert str(spec.price.amount) == "19.995"


def test_rejection_keeps_valid_name() -> None:
    (rejection,) = parse_upload("mug.json", _with_amount("-1")).rejections
    assert rejection.name == _spec("A-1")["name"]

    spec = _spec("A-1")
    spec["name"] = ""
    (rejection,) = parse_upload("mug.json", json.dumps(spec).encode()).rejections
    assert rejection.name is None
