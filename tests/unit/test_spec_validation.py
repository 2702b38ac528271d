"""What the canonical spec accepts, and how its errors read: numbers, limits, hidden characters, wording."""

import json
from decimal import Decimal

import pytest
from pydantic import ValidationError
from spec2listing.intake import parse_upload
from spec2listing.models.brand import BrandGuide
from spec2listing.models.spec import MAX_VARIANTS, Weight

BASE = {
    "sku": "MUG-1",
    "name": "Stoneware Mug",
    "brand": "Kiln & Reed",
    "category": "Kitchen",
    "price": {"amount": "24.00", "currency": "GBP"},
}


def _errors(spec: dict | list | str) -> list:
    data = spec if isinstance(spec, str) else json.dumps(spec)
    upload = parse_upload("spec.json", data.encode())
    assert upload.specs == []
    return [error for rejection in upload.rejections for error in rejection.errors]


def _one_error(**fields):
    (error,) = _errors({**BASE, **fields})
    return error


def _accepted(**fields):
    upload = parse_upload("spec.json", json.dumps({**BASE, **fields}).encode())
    assert upload.rejections == [], [str(e) for r in upload.rejections for e in r.errors]
    (origin_spec,) = upload.specs
    return origin_spec[1]


# ---------- numbers ----------


@pytest.mark.parametrize("literal", ["1e999", "1e400", "NaN", "Infinity", "-Infinity"])
def test_non_finite_weight_rejected(literal: str) -> None:
    text = json.dumps({**BASE, "weight": {"value": 0, "unit": "g"}}).replace('"value": 0', f'"value": {literal}')
    (error,) = _errors(text)
    assert error.path == "weight.value"
    assert error.message in ("not a finite number", "too small")
    assert "finite" in error.expected or "greater than" in error.expected


@pytest.mark.parametrize("literal", ["1e400", "NaN", "Infinity"])
def test_non_finite_price_rejected_in_words(literal: str) -> None:
    text = json.dumps(BASE).replace('"amount": "24.00"', f'"amount": {literal}')
    (error,) = _errors(text)
    assert error.path == "price.amount"
    assert error.message == "not a finite number"
    assert error.expected == "a finite number such as 19.99"


def test_non_finite_dimension_rejected() -> None:
    text = json.dumps({**BASE, "dimensions": {"width": 0, "unit": "cm"}}).replace('"width": 0', '"width": 1e999')
    (error,) = _errors(text)
    assert error.path == "dimensions.width"
    assert error.message == "not a finite number"


def test_non_finite_spec_value_rejected() -> None:
    text = json.dumps({**BASE, "specs": {"watts": 0}}).replace('"watts": 0', '"watts": NaN')
    (error,) = _errors(text)
    assert error.path == "specs.watts"
    assert error.message == "not a finite number"


def test_boolean_is_not_a_number() -> None:
    error = _one_error(weight={"value": True, "unit": "g"})
    assert error.path == "weight.value"
    assert error.value == "true"
    assert error.message == "true is a boolean, not a number"
    assert error.expected == "a number such as 250"
    assert _one_error(price={"amount": False, "currency": "GBP"}).path == "price.amount"


@pytest.mark.parametrize(
    ("fields", "shown"),
    [({"summary": True}, "true"), ({"features": [{"text": "x"}]}, '{"text": "x"}'), ({"name": None}, "null")],
)
def test_bad_values_shown_as_json(fields, shown) -> None:
    assert _one_error(**fields).value == shown


def test_number_text_still_parses() -> None:
    spec = _accepted(weight={"value": "250", "unit": "g"}, price={"amount": "24.5", "currency": "gbp"})
    assert spec.weight.value == 250
    assert spec.price.amount == Decimal("24.5")
    assert spec.price.currency == "GBP"


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        (119, "119.00"),
        (119.0, "119.00"),
        ("119", "119.00"),
        ("119.00", "119.00"),
        ("0.5", "0.50"),
        ("19.9950", "19.995"),
        ("1E+2", "100.00"),
        ("24.1234", "24.1234"),
    ],
)
def test_price_amount_stored_canonically(amount, stored) -> None:
    spec = _accepted(price={"amount": amount, "currency": "EUR"})
    assert spec.model_dump(mode="json")["price"]["amount"] == stored
    assert spec.price.format() == f"{stored} EUR"


def test_whole_unit_currency_fraction_rejected() -> None:
    error = _one_error(price={"amount": "1999.5", "currency": "JPY"})
    assert error.path == "price"
    assert error.message == "1999.5 JPY has a fraction, but JPY has no minor unit"
    assert error.expected == "a whole amount such as 2000"


def test_whole_yen_written_without_cents() -> None:
    assert _accepted(price={"amount": "2100.00", "currency": "JPY"}).price.format() == "2100 JPY"
    assert _accepted(price={"amount": "2100", "currency": "USD"}).price.format() == "2100.00 USD"


@pytest.mark.parametrize("amount", [0, "0.00", -5])
def test_price_must_exceed_zero(amount) -> None:
    error = _one_error(price={"amount": amount, "currency": "GBP"})
    assert error.path == "price.amount"
    assert error.expected == "a number greater than 0"


def test_price_with_too_many_digits_named() -> None:
    error = _one_error(price={"amount": 1e30, "currency": "GBP"})
    assert error.message == "too many digits"
    assert "at most 12 digits" in error.expected


# ---------- targets and repeats ----------


def test_empty_targets_rejected() -> None:
    error = _one_error(targets=[])
    assert error.path == "targets"
    assert error.message == "too few items"
    assert error.expected == "at least 1 item(s)"


def test_target_twice_rejected_at_second() -> None:
    error = _one_error(targets=["amazon", "shopify", "amazon"])
    assert error.path == "targets[2]"
    assert error.message == "target given twice"


def test_targets_read_in_any_case() -> None:
    spec = _accepted(targets=["Shopify", " AMAZON ", "Google Merchant", "Instagram"])
    assert [target.value for target in spec.targets] == ["amazon", "shopify", "instagram", "google_merchant"]


def test_unordered_lists_kept_in_one_order() -> None:
    first = _accepted(targets=["instagram", "amazon"], visual={"mandatory_elements": ["logo", "Hip belt"]})
    second = _accepted(targets=["amazon", "instagram"], visual={"mandatory_elements": ["Hip belt", "logo"]})
    assert first == second
    assert first.visual.mandatory_elements == ["Hip belt", "logo"]


def test_target_in_two_cases_rejected_at_second() -> None:
    error = _one_error(targets=["Shopify", "shopify"])
    assert error.path == "targets[1]"
    assert error.message == "target given twice"


def test_unknown_target_shown_as_written() -> None:
    error = _one_error(targets=["Shopify", "Etsy"])
    assert error.path == "targets[1]"
    assert error.value == "'Etsy'"
    assert "'google_merchant'" in error.expected


def test_duplicate_variant_sku_points_at_variant() -> None:
    variants = [
        {"sku": "MUG-1-RED", "color": "Red", "color_hex": "#C0392B"},
        {"sku": "MUG-1-RED", "color": "Blue", "color_hex": "#1F4E9A"},
    ]
    document = {"products": [BASE, {**BASE, "sku": "MUG-2", "variants": variants}]}
    upload = parse_upload("spec.json", json.dumps(document).encode())
    assert [spec.sku for _, spec in upload.specs] == ["MUG-1"]
    (rejection,) = upload.rejections
    (error,) = rejection.errors
    assert error.path == "products[1].variants[1].sku"
    assert error.value == "'MUG-1-RED'"
    assert error.message == "the variant sku appears twice in variants"
    assert error.expected == "one sku per variant"


def test_variant_skus_differing_in_case_rejected() -> None:
    variants = [
        {"sku": "MUG-1-RED", "color": "Red", "color_hex": "#C0392B"},
        {"sku": "mug-1-red", "color": "Blue", "color_hex": "#1F4E9A"},
    ]
    error = _one_error(variants=variants)
    assert error.path == "variants[1].sku"
    assert "only in case" in error.message


@pytest.mark.parametrize("specs", [{"drop_mm ": 6, "drop_mm": 8}, {"Drop": "6 mm", "drop": "8 mm"}])
def test_spec_keys_naming_one_entry_rejected(specs) -> None:
    error = _one_error(specs=specs)
    first, second = specs
    assert error.path == f"specs.{second}"
    assert error.message == f"the key names the same entry as {first!r}, differing only in surrounding spaces or case"
    assert error.expected == "each entry once"


def test_repeated_spec_key_reported_with_the_other_errors() -> None:
    errors = _errors({**BASE, "name": None, "specs": {"Finish": "gloss", "finish": "matte", "ok": 1}})
    assert [error.path for error in errors] == ["name", "specs.finish"]


# ---------- list and text limits ----------


def test_variant_count_limited() -> None:
    variants = [{"sku": f"MUG-{n}", "color": "Red", "color_hex": "#C0392B"} for n in range(MAX_VARIANTS + 1)]
    error = _one_error(variants=variants)
    assert error.path == "variants"
    assert error.message == f"too many items ({MAX_VARIANTS + 1})"
    assert error.expected.startswith(f"at most {MAX_VARIANTS} items")
    assert len(error.value) <= 80


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("features", ["Dishwasher safe"] * 31, "features"),
        ("materials", ["stoneware"] * 21, "materials"),
        ("competitors", [{"product": "Other Mug"}] * 11, "competitors"),
        ("reference_photos", ["references/mug.jpg"] * 11, "reference_photos"),
        ("specs", {f"spec_{n}": n for n in range(101)}, "specs"),
        ("visual", {"anchors": ["glaze"] * 21}, "visual.anchors"),
        ("visual", {"mandatory_elements": ["logo"] * 21}, "visual.mandatory_elements"),
    ],
)
def test_list_sizes_limited(field: str, value, path: str) -> None:
    error = _one_error(**{field: value})
    assert error.path == path
    assert error.message.startswith("too many items")


@pytest.mark.parametrize(
    ("field", "length", "path"),
    [("name", 301, "name"), ("summary", 5001, "summary"), ("brand", 201, "brand"), ("features", 501, "features[0]")],
)
def test_text_lengths_limited(field: str, length: int, path: str) -> None:
    value = "x" * length
    error = _one_error(**{field: [value] if field == "features" else value})
    assert error.path == path
    assert error.message == "text too long"
    assert error.expected.startswith("at most ")


# ---------- hidden characters ----------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Mug \u202egpj.exe", "U+202E"),
        ("Mug\u200bPro", "U+200B"),
        ("Mug\u2066Pro\u2069", "U+2066"),
        ("Mug\x00", "U+0000"),
        ("Mug\U000e0041", "U+E0041"),
        ("Mug\ufeff", "U+FEFF"),
    ],
)
def test_invisible_characters_rejected_by_code_point(text: str, code: str) -> None:
    error = _one_error(name=text)
    assert error.path == "name"
    assert code in error.message
    assert f"delete the {code}" in error.expected


def test_every_kind_of_invisible_character_named() -> None:
    error = _one_error(name="Mug\u200bPro \u202egpj\u200b")
    assert "U+200B (ZERO WIDTH SPACE) at position 4" in error.message
    assert "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 9" in error.message
    assert "delete the U+200B, U+202E" in error.expected


def test_invisible_characters_checked_in_nested_text() -> None:
    assert _one_error(features=["ok", "bad\u202d"]).path == "features[1]"
    assert _one_error(brand_voice={"tone": ["calm\u200b"]}).path == "brand_voice.tone[0]"
    key_error = _one_error(specs={"finish\u200b": "matte"})
    assert key_error.path == "specs.finish\u200b (key)"
    assert "U+200B" in key_error.message
    assert _one_error(specs={"finish": "matte\u202e"}).path == "specs.finish"


def test_joiners_and_marks_allowed() -> None:
    spec = _accepted(
        name="\u0645\u06cc\u200c\u0634\u0648\u062f Mug", summary="Chef \U0001f469\u200d\U0001f373 choice\u00ad"
    )
    assert "\u200c" in spec.name
    assert "\u200d" in spec.summary


def test_emoji_flag_tag_sequence_allowed() -> None:
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert scotland in _accepted(summary=f"Woven in Scotland {scotland}").summary
    assert "U+E0067" in _one_error(summary="Woven \U000e0067\U000e0062 here").message


# ---------- error wording ----------


def test_price_not_an_object_worded_plainly() -> None:
    error = _one_error(price="24.00")
    assert error.message == "not a JSON object"
    assert "Money" not in error.expected
    assert "Money" not in error.message


def test_currency_error_names_iso_code() -> None:
    error = _one_error(price={"amount": "24.00", "currency": "EURO"})
    assert error.path == "price.currency"
    assert error.message == "not a three-letter currency code"
    assert error.expected == "an ISO 4217 code such as EUR or USD"


def test_dimensions_without_side_worded() -> None:
    error = _one_error(dimensions={"unit": "cm"})
    assert error.path == "dimensions"
    assert error.message == "no side given"
    assert error.expected == "at least one of width, depth or height"


def test_bad_spec_value_gives_one_error() -> None:
    error = _one_error(specs={"a": {"nested": 1}})
    assert error.path == "specs.a"
    assert error.message == "a JSON object is not a spec value"
    assert "text, a number or true/false" in error.expected


def test_sku_error_names_allowed_characters() -> None:
    error = _one_error(sku="has space")
    assert error.message == "not a valid sku"
    assert "letters, digits" in error.expected
    assert "pattern" not in error.expected


def test_no_error_says_valid_value() -> None:
    bad = {
        **BASE,
        "price": {"amount": 1e30, "currency": "EURO"},
        "dimensions": {"unit": "cm"},
        "weight": {"value": True, "unit": "g"},
        "specs": {"a": [1]},
        "variants": [
            {"sku": "V", "color": "Red", "color_hex": "#C0392B"},
            {"sku": "V", "color": "Blue", "color_hex": "#1F4E9A"},
        ],
    }
    for error in _errors(bad):
        assert error.expected != "a valid value", error
        assert "Input should" not in error.message, error


def test_huge_weight_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Weight.model_validate({"value": 1e30, "unit": "g"})

    (error,) = caught.value.errors()
    assert error["type"] == "less_than_equal"


@pytest.mark.parametrize("name", ["\u000bMug", "Mug\u000c", "Mug\u0085", "Mug\u001c"])
def test_control_character_at_either_end_rejected_not_trimmed(name: str) -> None:
    error = _one_error(name=name)
    assert error.path == "name"
    assert error.message.startswith("contains the invisible character U+")


def test_too_many_specs_names_the_count() -> None:
    error = _one_error(specs={f"k{index}": index for index in range(101)})
    assert (error.path, error.message) == ("specs", "too many items (101)")


# ---------- JSON null ----------


@pytest.mark.parametrize(
    ("field", "value", "read"),
    [
        ("materials", None, lambda spec: spec.materials == []),
        ("features", None, lambda spec: spec.features == []),
        ("variants", None, lambda spec: spec.variants == []),
        ("competitors", None, lambda spec: spec.competitors == []),
        ("reference_photos", None, lambda spec: spec.reference_photos == []),
        ("specs", None, lambda spec: spec.specs == {}),
        ("visual", None, lambda spec: spec.visual.anchors == []),
        ("visual", {"anchors": None, "style": "studio"}, lambda spec: spec.visual.anchors == []),
        ("targets", None, lambda spec: [target.value for target in spec.targets] == ["shopify"]),
        ("brand_voice", {"tone": None, "banned_phrases": None}, lambda spec: spec.brand_voice.tone == []),
    ],
)
def test_null_optional_field_reads_as_absent(field: str, value, read) -> None:
    spec = _accepted(**{field: value})
    assert read(spec)


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"sku": None}, "sku"),
        ({"price": None}, "price"),
        ({"price": {"amount": None, "currency": "GBP"}}, "price.amount"),
        ({"variants": [{"sku": "MUG-1-RED", "color": None, "color_hex": "#FF0000"}]}, "variants[0].color"),
    ],
)
def test_null_required_field_named_missing(fields: dict, path: str) -> None:
    error = _one_error(**fields)
    assert error.path == path
    assert error.message == "missing required field"
    assert error.value == "null"
    assert "required" in error.expected


def test_null_list_item_still_rejected() -> None:
    error = _one_error(features=["Dishwasher safe", None])
    assert error.path == "features[1]"
    assert error.message == "not text"


def test_spec_entry_without_value_dropped() -> None:
    spec = _accepted(specs={"warranty": None, "sizes": [], "finish": "", "note": "   ", "capacity_ml": 350})
    assert spec.specs == {"capacity_ml": 350}


def test_spec_list_value_joined() -> None:
    text = json.dumps({**BASE, "specs": {"sizes": ["S", " M ", "L"], "drops_mm": [4, 8.50]}})
    upload = parse_upload("spec.json", text.replace("8.5", "8.50").encode())
    ((_, spec),) = upload.specs
    assert spec.specs["sizes"] == "S, M, L"
    assert spec.specs["drops_mm"] == "4, 8.5"


def test_spec_list_numbers_written_as_single_numbers() -> None:
    spec = _accepted(specs={"values": [1, 2.0, 1e20, 0.125]})
    assert spec.specs["values"] == "1, 2, 100000000000000000000, 0.125"


@pytest.mark.parametrize(
    ("items", "problem"),
    [
        (["S", None], "item 2 of the list is a JSON null"),
        ([True], "item 1 of the list is a JSON boolean"),
        (["S", ""], "item 2 of the list is empty text"),
        ([["S"]], "item 1 of the list is a JSON list"),
    ],
)
def test_spec_list_with_bad_item_rejected(items: list, problem: str) -> None:
    error = _one_error(specs={"sizes": items})
    assert error.path == "specs.sizes"
    assert error.message == problem
    assert '["S", "M", "L"]' in error.expected


def test_brand_guide_sets_kept_in_one_order() -> None:
    def guide(order: int) -> BrandGuide:
        phrases, forbidden = ["world-class", "Best ever"], ["text overlays", "props"]
        step = 1 if order == 0 else -1
        return BrandGuide.model_validate(
            {"brand": "Acme", "voice": {"banned_phrases": phrases[::step]}, "visual": {"forbidden": forbidden[::step]}}
        )

    assert guide(0) == guide(1)
    assert guide(0).voice.banned_phrases == ["Best ever", "world-class"]
