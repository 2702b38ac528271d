import pytest
from spec2listing.consistency.text_checks import banned_phrases
from spec2listing.copywriting.facts import display_name, fit_sentences, spec_label
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.copywriting.platforms import AMAZON_FORBIDDEN_TITLE_CHARS, RULES, fit, text_rule
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.models.brand import BrandGuide
from spec2listing.models.spec import Platform, ProductSpec

from tests.support import ACCEPTANCE, EXAMPLES, all_acceptance_specs, brand_for, specs_in

SPECS = all_acceptance_specs()


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.sku)
def test_copy_within_platform_limits(spec) -> None:
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing

    assert listing.title
    assert listing.description
    assert listing.short_description
    assert 1 <= len(listing.bullets) <= 5
    platforms = listing.platforms
    assert (platforms.amazon is not None) == (Platform.AMAZON in spec.targets)
    assert (platforms.shopify is not None) == (Platform.SHOPIFY in spec.targets)
    assert (platforms.instagram is not None) == (Platform.INSTAGRAM in spec.targets)
    if platforms.amazon:
        assert len(platforms.amazon.title) <= RULES["amazon"].title_max
        assert not set(platforms.amazon.title) & AMAZON_FORBIDDEN_TITLE_CHARS
        assert "<" not in platforms.amazon.description
    if platforms.shopify:
        assert len(platforms.shopify.seo_title) <= 70
        assert len(platforms.shopify.meta_description) <= 160
        assert platforms.shopify.body_html.startswith("<p>")
    if platforms.instagram:
        assert len(platforms.instagram.caption) <= 2200
        assert platforms.instagram.caption.count("#") <= 5


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.sku)
def test_copy_names_every_anchor(spec) -> None:
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.visual_anchors == spec.visual.anchors
    for anchor in spec.visual.anchors:
        assert anchor in listing.description


def test_brand_always_rule_gets_grams_and_recycled_material() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert "280 g" in listing.description
    assert "recycled ripstop mesh upper" in listing.description


def test_long_spec_description_fits_and_keeps_anchors() -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    summary = ("A sturdy stoneware mug for slow mornings, glazed by hand in small batches. " * 44)[:3449]
    features = [
        f"Feature {number} keeps coffee hot for a long time, and the handle stays cool." for number in range(15)
    ]
    long_spec = spec.model_copy(update={"summary": summary, "features": features})
    listing = OfflineCopyWriter().write(long_spec, None, ledger=MemoryLedger()).listing

    assert len(listing.description) <= text_rule("", "description").max_chars
    for anchor in spec.visual.anchors:
        assert anchor in listing.description


def test_lowered_category_keeps_figures_and_acronyms() -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    monitor = spec.model_copy(update={"category": "Electronics > Monitors > 4K USB-C Monitors", "summary": None})
    listing = OfflineCopyWriter().write(monitor, None, ledger=MemoryLedger()).listing
    assert "4K USB-C monitors" in listing.short_description


def test_banned_word_kept_out_of_titles() -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    spec = spec.model_copy(
        update={
            "materials": ["premium full-grain leather"],
            "category": "Accessories > Luxury Mugs",
            "targets": [Platform.AMAZON, Platform.SHOPIFY, Platform.INSTAGRAM],
        }
    )
    guide = BrandGuide.model_validate({"brand": spec.brand, "voice": {"banned_phrases": ["premium", "luxury"]}})
    listing = OfflineCopyWriter().write(spec, guide, ledger=MemoryLedger()).listing

    assert [check.detail for check in banned_phrases(listing, guide) if not check.passed] == []
    assert display_name(spec) in listing.title
    # The category makes the hashtag "#LuxuryMugs", which runs the banned word into another.
    assert not any("luxury" in tag.lower() for tag in listing.platforms.instagram.hashtags)


def test_banned_phrases_never_written() -> None:
    (spec,) = specs_in(ACCEPTANCE / "vitamin-c-serum.json")
    spec = spec.model_copy(update={"summary": "A miracle serum. Daily 15% vitamin C serum."})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    text = " ".join([listing.title, listing.description, *listing.bullets]).lower()
    assert "miracle" not in text


def test_comparison_bullets_cite_competitor_prices() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert len(listing.comparison_bullets) == 2
    assert "139.00 USD against 150.00 USD" in listing.comparison_bullets[0]


def test_amazon_title_drops_forbidden_characters() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    spec = spec.model_copy(update={"name": "Voltline 65W GaN Charger! {Travel} $ale?"})
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing
    assert listing.platforms.amazon is not None
    assert not set(listing.platforms.amazon.title) & AMAZON_FORBIDDEN_TITLE_CHARS


def test_search_terms_stop_at_amazon_byte_limit() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    materials = [
        "Recycled polyester mesh upper with thermoplastic polyurethane overlays and a gusseted tongue",
        "Nitrogen-infused EVA midsole foam with a carbon-fibre propulsion plate "
        "and a Vibram Megagrip rubber outsole with 5 mm lugs",
    ]
    spec = spec.model_copy(update={"materials": materials})
    terms = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing.platforms.amazon.search_terms

    assert len(" ".join(terms).encode("utf-8")) <= text_rule("amazon", "search_terms").max_bytes
    assert terms[0] == spec.category.split(">")[-1].strip().lower()
    assert materials[0].lower() in terms


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Copper Pipe 1 1/2 inch wide", 14, "Copper Pipe"),
        ("Set of 4 250 ml glasses", 10, "Set"),
        ("Size 42 Black", 8, "Size 42"),
        ("Trail shoe, grippy sole", 12, "Trail shoe"),
        ("Acme Tote 2024 10 colours", 14, "Acme Tote 2024"),
        ("Tote in sizes 8 10 12 14", 21, "Tote in sizes 8 10 12"),
        ("Bookcase, Height 6 ft 11 in", 23, "Bookcase, Height"),
        ("Bookcase, Height 6 ft 11 in", 25, "Bookcase, Height"),
        ("Weighs 2 lb 10 oz in all", 13, "Weighs"),
        ("Bottle of 500 ml water", 14, "Bottle"),
        ("Dining Table, White Marble Effect Top", 31, "Dining Table, White"),
        ("Bracelet in Gold Plated Brass", 21, "Bracelet"),
        ("Mug Set of 4 in Matte Black", 14, "Mug Set of 4"),
        ("Pendant Rose Gold Plated Free Engraving", 24, "Pendant Rose Gold Plated"),
        ("Lamp, Height 6 ft 11 in Tall", 20, "Lamp, Height"),
        ("6 ft 11 in Tall Lamp", 9, "6 ft 11"),
    ],
)
def test_fit_never_cuts_inside_a_figure(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        (
            "Voltia 超薄型軽量急速充電モバイルバッテリー10000mAh大容量",
            30,
            "Voltia 超薄型軽量急速充電モバイルバッテリー",
        ),
        ("Acme " + "X" * 100, 20, "Acme " + "X" * 15),
    ],
)
def test_fit_cuts_text_without_spaces_between_characters(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected


def test_usage_is_free_offline() -> None:
    (spec,) = specs_in(ACCEPTANCE / "gan-charger.json")
    ledger = MemoryLedger()
    OfflineCopyWriter().write(spec, None, ledger=ledger)
    assert [(u.provider, u.cost_usd) for u in ledger.recorded] == [("offline", 0.0)]


@pytest.mark.parametrize(
    ("material", "head"),
    [("18 mm birch plywood", "18 mm Birch Plywood"), ("600 g/m² cotton terry", "600 g/m² Cotton Terry")],
)
def test_title_material_keeps_unit_symbols(material, head) -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    listing = OfflineCopyWriter().write(spec.model_copy(update={"materials": [material]}), None, ledger=MemoryLedger())
    assert head in listing.listing.title


def test_title_keeps_material_head_phrase() -> None:
    (spec,) = specs_in(EXAMPLES / "daypack.json")
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing
    assert listing.title.startswith("Fjellstad Ridge Daypack 22 L – Recycled 420D Nylon, ")
    assert " With" not in listing.title


def test_title_material_keeps_spelling() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    spec = spec.model_copy(update={"materials": ["<i>merino</i> wool and PFC-free nylon"]})
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing
    assert "<i>merino</i> Wool" in listing.title
    assert "<I>" not in listing.title
    assert "Pfc" not in listing.title


def test_banned_summary_leaves_short_description() -> None:
    (spec,) = specs_in(ACCEPTANCE / "vitamin-c-serum.json")
    spec = spec.model_copy(update={"summary": "A miracle serum for every skin."})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.short_description
    assert "miracle" not in listing.short_description.lower()
    assert spec.name in listing.short_description


def test_bare_spec_still_described() -> None:
    spec = ProductSpec.model_validate(
        {
            "sku": "LAMP-1",
            "name": "Desk Lamp",
            "brand": "Acme",
            "category": "Home > Lighting",
            "price": {"amount": "49.90", "currency": "EUR"},
        }
    )
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    assert "Desk Lamp" in listing.description
    assert listing.bullets == ["Acme Desk Lamp, lighting."]
    assert listing.platforms.shopify is not None
    assert "Desk Lamp" in listing.platforms.shopify.body_html


def _bare_spec(**fields) -> ProductSpec:
    base = {
        "sku": "POT-1",
        "name": "Teapot",
        "brand": "Acme",
        "category": "Home > Kitchen",
        "price": {"amount": "49.90", "currency": "EUR"},
    }
    return ProductSpec.model_validate(base | fields)


def test_measures_printed_as_spec_gives_them() -> None:
    spec = _bare_spec(
        dimensions={"width": 0.3, "depth": 0.2, "height": 0.004, "unit": "m"},
        weight={"value": 0.0125, "unit": "kg"},
        volume={"value": 1.2345, "unit": "l"},
        specs={"thickness_mm": 0.125, "tolerance_mm": 0.004, "fill_ratio": 1e-7},
    )
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    assert "W 0.3 x D 0.2 x H 0.004 m" in listing.description
    assert "Weight: 12.5 g" in listing.description
    assert "Volume: 1.2345 l" in listing.description
    assert "Thickness (mm): 0.125." in listing.description
    assert "Tolerance (mm): 0.004." in listing.description
    assert "Fill ratio: 0.0000001." in listing.description


def test_line_breaks_in_spec_text_become_spaces() -> None:
    spec = _bare_spec(summary="Tab\there and\nnewline and\r\nCRLF.", features=["line\nbreak feature"])
    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    assert "Tab here and newline and CRLF." in listing.description
    assert "Line break feature." in listing.description
    assert "\t" not in listing.description
    assert "\r" not in listing.platforms.shopify.body_html
    assert "line\nbreak" not in listing.platforms.shopify.body_html.lower()


@pytest.mark.parametrize("summary", ["Cast-iron teapot. 日本製。", "Gusseisen!", "He said “ready.”"])
def test_sentence_end_mark_not_doubled(summary: str) -> None:
    listing = OfflineCopyWriter().write(_bare_spec(summary=summary), None, ledger=MemoryLedger()).listing

    assert summary in listing.description
    assert summary + "." not in listing.description


def test_bare_spec_gets_one_amazon_bullet() -> None:
    listing = OfflineCopyWriter().write(_bare_spec(targets=["amazon"]), None, ledger=MemoryLedger()).listing

    assert listing.platforms.amazon is not None
    assert listing.platforms.amazon.bullets == ["Acme Teapot, kitchen."]


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("heel_to_toe_drop_mm", "Heel to toe drop (mm)"),
        ("power_w", "Power (W)"),
        ("water resistance", "Water resistance"),
        ("CRI", "CRI"),
        ("USB-C output", "USB-C output"),
        ("pH", "pH"),
        ("wi-fi", "Wi-fi"),
        ("age_min", "Minimum age"),
        ("players_min", "Minimum players"),
        ("cook_time_min", "Cook time (min)"),
        ("steep_min", "Steep (min)"),
    ],
)
def test_spec_label_keeps_written_capitals(key, label) -> None:
    assert spec_label(key) == label


def test_hashtags_never_join_two_numbers() -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    spec = spec.model_copy(update={"campaign": "Estate 2025 -20%", "targets": [Platform.INSTAGRAM]})
    hashtags = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing.platforms.instagram.hashtags
    assert "#Estate2025" in hashtags


def test_hashtags_keep_accented_letters_and_drop_apostrophes() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    spec = spec.model_copy(update={"brand": "Müller & Söhne", "category": "Gifts > Men's Gifts", "campaign": "2026"})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.platforms.instagram is not None
    assert listing.platforms.instagram.hashtags == ["#MüllerSöhne", "#MensGifts"]


@pytest.mark.parametrize(
    ("brand", "tag"),
    [("नमस्ते", "#नमस्ते"), ("Cafe\u0301 Noir", "#CaféNoir"), ("Nörth\u0303peak", "#Nörth\u0303peak")],
)
def test_hashtags_keep_combining_marks(brand, tag) -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    spec = spec.model_copy(update={"brand": brand})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.platforms.instagram is not None
    assert listing.platforms.instagram.hashtags[0] == tag


def test_long_descriptions_end_at_a_sentence() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    features = [f"Feature number {index} " + "x" * 400 + "." for index in range(30)]
    spec = spec.model_copy(
        update={"summary": "Lightweight trail shoe. " * 200, "features": features, "targets": list(Platform)}
    )
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    amazon, google = listing.platforms.amazon, listing.platforms.google_merchant
    assert amazon is not None
    assert google is not None
    for text, limit in ((amazon.description, 2000), (google.description, 5000), (listing.short_description, 300)):
        assert len(text) <= limit
        assert text.endswith(".")


def test_one_long_sentence_cut_with_an_ellipsis() -> None:
    assert fit_sentences("Trail shoe with grip " * 20, 100) == fit("Trail shoe with grip " * 20, 99) + "…"
    assert fit_sentences("Short. " + "word " * 40, 100) == fit("Short. " + "word " * 40, 99) + "…"
    assert fit_sentences("Weighs 2.5 kg. Grips well. " * 10, 40) == "Weighs 2.5 kg. Grips well."
    assert fit_sentences("Made by Dr. Smith in Oslo. It lasts and lasts and lasts for years", 50) == (
        "Made by Dr. Smith in Oslo."
    )
    assert fit_sentences("Passt z. B. in jede Küche. Gewicht ca. 2 kg und noch mehr Text", 50) == (
        "Passt z. B. in jede Küche."
    )
    assert (
        fit_sentences("毎日使えます。とても軽いです。" * 10, 40)
        == "毎日使えます。とても軽いです。" * 2 + "毎日使えます。"
    )


def test_title_tells_variants_of_one_colour_apart() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    first = spec.variants[0]
    matte = first.model_copy(update={"sku": first.sku + "-M", "color_hex": "#101060", "finish": "matte"})
    spec = spec.model_copy(update={"variants": [first, matte]})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.title.endswith(f"{first.color} / {first.color} matte")
    assert listing.platforms.instagram is not None
    assert f"In {first.color} or {first.color} matte." in listing.platforms.instagram.caption


@pytest.mark.parametrize(
    ("name", "colors", "ending"),
    [
        ("Titanium Primrose Runner", ["Tan", "Rose"], "Tan / Rose"),
        ("Natural Cork Runner", ["Natural", "Mandala Print"], "Natural / Mandala Print"),
        ("Tan Runner", ["Tan"], "280 g"),
    ],
)
def test_title_colours_named_as_whole_words(name, colors, ending) -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    first = spec.variants[0]
    variants = [
        first.model_copy(update={"sku": f"{first.sku}-{index}", "color": color}) for index, color in enumerate(colors)
    ]
    spec = spec.model_copy(update={"name": name, "variants": variants})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert listing.title.endswith(ending)


def test_variants_of_one_colour_named_with_their_material() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    first = spec.variants[0]
    wool = first.model_copy(update={"sku": first.sku + "-W", "material": "Wool"})
    spec = spec.model_copy(update={"variants": [first.model_copy(update={"material": "Cotton"}), wool]})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing
    assert f"Available in {first.color} Cotton or {first.color} Wool." in listing.description


def test_promotional_feature_left_out_of_marketplace_copy() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    targets = [Platform.AMAZON, Platform.GOOGLE_MERCHANT, Platform.SHOPIFY]
    spec = spec.model_copy(update={"features": ["Our #1 best seller", *spec.features], "targets": targets})
    listing = OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing

    amazon, google = listing.platforms.amazon, listing.platforms.google_merchant
    marketplace_text = [*amazon.bullets, amazon.description, google.description]
    assert not any("best seller" in text for text in marketplace_text)
    assert any("best seller" in bullet for bullet in listing.bullets)


def test_colours_bullet_lists_whole_names() -> None:
    variants = [{"sku": f"POT-{index:03}", "color": f"Shade {index:03}", "color_hex": "#336699"} for index in range(60)]
    spec = _bare_spec(variants=variants, targets=["amazon"])

    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    (bullet,) = [bullet for bullet in listing.bullets if bullet.startswith("Colours:")]
    limit = RULES["amazon"].bullet_max or 500
    assert len(bullet) <= limit
    assert bullet.endswith(" and more.")
    names = bullet.removeprefix("Colours: ").removesuffix(" and more.").split(", ")
    assert names == [f"Shade {index:03}" for index in range(len(names))]


@pytest.mark.parametrize(("category", "leaf"), [("Home > Kitchen >", "Kitchen"), ("> Home >> Kitchen", "Kitchen")])
def test_empty_category_levels_dropped(category: str, leaf: str) -> None:
    spec = _bare_spec(category=category, targets=["amazon"])

    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    assert spec.category == "Home > Kitchen"
    assert listing.platforms.amazon is not None
    assert "" not in listing.platforms.amazon.search_terms
    assert leaf.lower() in listing.short_description.lower()


def test_fact_given_as_a_feature_too_said_once() -> None:
    spec = _bare_spec(features=["Weight: 640 g", "Taped seams"], weight={"value": 640, "unit": "g"}, targets=["amazon"])

    listing = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing

    assert listing.description.count("Weight: 640 g") == 1
    assert [bullet.casefold() for bullet in listing.bullets].count("weight: 640 g.") == 1


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Weekender Duffel Bag With Shoe Compartment", 26, "Weekender Duffel Bag"),
        ("Mug for the Morning Coffee", 16, "Mug"),
        ("Frame 12 in Oak", 12, "Frame 12 in"),
        ("Tea & Coffee Set", 5, "Tea"),
    ],
)
def test_fit_never_ends_on_a_leading_word(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Kiln & Reed Stoneware Mug 350 ml",
        "Kiln & Reed Stoneware Mug 350ml",
        "Kiln & Reed Stoneware Mug 0.35 l",
        "Kiln & Reed Stoneware Mug 35 cl",
    ],
)
def test_title_states_size_once(name) -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    spec = spec.model_copy(update={"name": name})
    title = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing.title
    assert title.startswith(f"{name} – Stoneware Clay – ")
    assert title.replace(" ", "").count("350ml") == name.replace(" ", "").count("350ml")


def test_title_states_size_a_name_gets_wrong() -> None:
    (spec,) = specs_in(EXAMPLES / "stoneware-mug.json")
    spec = spec.model_copy(update={"name": "Kiln & Reed Stoneware Mug 0.5 l"})
    title = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing.title
    assert "Stoneware Clay, 350 ml" in title


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("made_in", "Made in"),
        ("assembled_in", "Assembled in"),
        ("screen_in", "Screen (in)"),
        ("torque_in_lb", "Torque (in-lb)"),
        ("flow_rate_l_min", "Flow rate (l/min)"),
        ("area_sq_ft", "Area (sq ft)"),
        ("coverage_m2_per_l", "Coverage (m²/l)"),
        ("brew_temp_c", "Brew temp (°C)"),
        ("alcohol_pct", "Alcohol (%)"),
        ("max_speed_km_h", "Max speed (km/h)"),
        ("led_type", "LED type"),
        ("ports_usb_c", "Ports USB-C"),
        ("vitamin_d3", "Vitamin D3"),
        ("vitamin_c", "Vitamin C"),
        ("operating_temp_min_c", "Operating temp min (°C)"),
        ("available_in", "Available in"),
        ("bore_in_mm", "Bore in (mm)"),
        ("price_per_kg", "Price per kg"),
        ("sugar_per_100_g", "Sugar per 100 g"),
        ("energy_rating_f", "Energy rating f"),
        ("made_in_eu", "Made in EU"),
        ("ph", "pH"),
    ],
)
def test_spec_label_units_and_abbreviations(key, label) -> None:
    assert spec_label(key) == label


@pytest.mark.parametrize(
    ("material", "head"),
    [
        ("18k gold plated 925 sterling silver", "18k Gold Plated 925 Sterling Silver"),
        ("vegan leather made from apple waste", "Vegan Leather"),
        ("full grain leather tanned in Italy", "Full Grain Leather"),
        ("hand woven cotton", "Hand Woven Cotton"),
    ],
)
def test_title_material_ends_before_its_clause(material, head) -> None:
    (spec,) = specs_in(EXAMPLES / "daypack.json")
    title = OfflineCopyWriter().write(spec.model_copy(update={"materials": [material]}), None, ledger=MemoryLedger())
    assert f" – {head}, " in title.listing.title


def test_title_leaves_out_material_too_long_to_cut() -> None:
    (spec,) = specs_in(EXAMPLES / "daypack.json")
    spec = spec.model_copy(update={"materials": ["premium full grain vegetable tanned italian cow leather"]})
    title = OfflineCopyWriter().write(spec, None, ledger=MemoryLedger()).listing.title
    assert "Leather" not in title
    assert title.startswith("Fjellstad Ridge Daypack 22 L – 780 g")


@pytest.mark.parametrize(
    ("brand", "name", "shown"),
    [
        ("Kraftwerk Präzision", "Kraftwerk BS 18 Drill", "Kraftwerk BS 18 Drill"),
        ("The North Face", "The Summit Jacket", "The North Face The Summit Jacket"),
        ("Fjellstad", "Ridge Daypack", "Fjellstad Ridge Daypack"),
        ("Red Wing Shoes", "Red Leather Work Boots", "Red Wing Shoes Red Leather Work Boots"),
        ("Sol", "Solar Garden Lantern", "Sol Solar Garden Lantern"),
        ("Fjellstad", "Fjellstad Ridge Daypack", "Fjellstad Ridge Daypack"),
        ("Kiln & Reed", "Kiln & Reed Mug", "Kiln & Reed Mug"),
    ],
)
def test_display_name_names_brand_once(brand, name, shown) -> None:
    (spec,) = specs_in(EXAMPLES / "daypack.json")
    assert display_name(spec.model_copy(update={"brand": brand, "name": name})) == shown


def test_title_states_converted_size_once() -> None:
    (spec,) = specs_in(EXAMPLES / "daypack.json")
    weight = spec.weight.model_copy(update={"value": 1.2, "unit": "kg"})
    tent = spec.model_copy(update={"name": "Ridge Tent 1.2 kg", "weight": weight})
    (mug,) = specs_in(EXAMPLES / "stoneware-mug.json")
    ounces = mug.model_copy(
        update={"name": "Mug 12 oz", "volume": mug.volume.model_copy(update={"value": 12.0, "unit": "fl oz"})}
    )

    tent_title = OfflineCopyWriter().write(tent, None, ledger=MemoryLedger()).listing.title
    mug_title = OfflineCopyWriter().write(ounces, None, ledger=MemoryLedger()).listing.title

    assert "1200 g" not in tent_title
    assert "fl oz" not in mug_title
