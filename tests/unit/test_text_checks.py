"""Platform text rules from the one table, prohibited content and brand wording."""

import time

import pytest
from spec2listing.consistency.contact_details import find_contact_details
from spec2listing.consistency.copy_text import readable_fields
from spec2listing.consistency.inline_style import unsafe_declarations
from spec2listing.consistency.text_checks import (
    banned_phrases,
    comparisons,
    hidden_characters,
    platform_limits,
    text_present,
)
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.copywriting.platforms import RULES, TEXT_RULES, text_rule
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.models.copy import AmazonCopy, GoogleMerchantCopy, InstagramCopy, PlatformCopy, ShopifyCopy

from tests.support import ACCEPTANCE, brand_for, specs_in


def _listing():
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    return OfflineCopyWriter().write(spec, brand_for(spec), ledger=MemoryLedger()).listing


def _with(listing, **platforms):
    return listing.model_copy(update={"platforms": listing.platforms.model_copy(update=platforms)})


def _banning(phrase):
    """The trail runner's brand guide, banning one phrase only."""
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    brand = brand_for(spec)
    return brand.model_copy(update={"voice": brand.voice.model_copy(update={"banned_phrases": [phrase]})})


def _failed(listing):
    return {(check.check, check.where) for check in platform_limits(listing) if not check.passed}


def test_listing_fields_plain_and_bounded() -> None:
    listing = _listing()
    assert _failed(listing) == set()
    damaged = listing.model_copy(
        update={
            "title": "Trail Shoe <script>alert(1)</script>",
            "description": "x" * 5001,
            "bullets": [*listing.bullets, "sixth", "seventh"],
            "comparison_bullets": ["<b>Faster</b> than the rest"],
        }
    )
    assert _failed(damaged) == {
        ("no_html", "title"),
        ("text_length", "description"),
        ("item_count", "bullets"),
        ("no_html", "comparison_bullets[0]"),
    }


def test_comparisons_need_competitors() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    listing = _listing()
    assert listing.comparison_bullets and spec.competitors
    assert [check.passed for check in comparisons(spec, listing)] == [True]
    (check,) = comparisons(spec.model_copy(update={"competitors": []}), listing)
    assert not check.passed
    assert check.measured == {"items": len(listing.comparison_bullets), "limit": 0}


def test_table_holds_marketplace_limits_with_sources() -> None:
    limits = {(rule.platform, rule.field): rule for rule in TEXT_RULES}
    assert limits["amazon", "title"].max_chars == 200
    assert limits["amazon", "title"].forbidden_chars == frozenset("!$?_{}^¬¦")
    assert limits["amazon", "bullets"].max_items == 5
    assert limits["shopify", "seo_title"].max_chars == 70
    assert limits["shopify", "meta_description"].max_chars == 160
    assert limits["google_merchant", "title"].max_chars == 150
    assert limits["google_merchant", "description"].max_chars == 5000
    assert limits["instagram", "caption"].max_chars == 2200
    assert limits["instagram", "caption"].max_hashtags == 5
    assert all(rule.source for rule in TEXT_RULES)


def test_copywriter_limits_read_from_table() -> None:
    assert RULES["amazon"].title_max == text_rule("amazon", "title").max_chars
    assert RULES["shopify"].seo_title_max == text_rule("shopify", "seo_title").max_chars
    assert RULES["instagram"].hashtags_max == text_rule("instagram", "caption").max_hashtags


def test_clean_offline_copy_passes_every_rule() -> None:
    assert _failed(_listing()) == set()


def test_amazon_title_length_and_characters() -> None:
    listing = _listing()
    amazon = listing.platforms.amazon.model_copy(update={"title": "Trail shoe! " * 20})
    failed = _failed(_with(listing, amazon=amazon))
    assert ("text_length", "platforms.amazon.title") in failed
    assert ("forbidden_characters", "platforms.amazon.title") in failed


def test_amazon_promotional_contact_and_html() -> None:
    listing = _listing()
    bullets = list(listing.platforms.amazon.bullets)
    bullets[1] = "Free shipping on every pair."
    bullets[2] = "Questions? Visit www.example.com or call +1 415 555 0100."
    bullets[3] = "<b>Grippy</b> outsole."
    amazon = listing.platforms.amazon.model_copy(update={"bullets": bullets})
    failed = _failed(_with(listing, amazon=amazon))
    assert ("prohibited_term", "platforms.amazon.bullets[1]") in failed
    assert ("contact_details", "platforms.amazon.bullets[2]") in failed
    assert ("no_html", "platforms.amazon.bullets[3]") in failed


@pytest.mark.parametrize(("count", "passed"), [(0, False), (1, True), (3, True), (5, True), (6, False)])
def test_amazon_bullet_count(count: int, passed: bool) -> None:
    listing = _listing()
    bullets = (listing.platforms.amazon.bullets * 2)[:count]
    amazon = listing.platforms.amazon.model_copy(update={"bullets": bullets})
    checks = platform_limits(_with(listing, amazon=amazon))
    (check,) = [check for check in checks if (check.check, check.where) == ("item_count", "platforms.amazon.bullets")]
    assert check.passed is passed
    assert check.measured == {"items": count, "limit": 5}


def test_spec_figures_are_not_phone_numbers() -> None:
    amazon = AmazonCopy(title="Charger", bullets=["Input 100-240 V AC, 10000-bend tested."] * 5, description="")
    listing = _listing().model_copy(update={"platforms": PlatformCopy(amazon=amazon)})
    assert _failed(listing) == set()


def _contacts(description):
    """Return what the contact check found in an Amazon description."""
    amazon = AmazonCopy(title="Shoe", bullets=["Grippy."] * 5, description=description)
    listing = _listing().model_copy(update={"platforms": PlatformCopy(amazon=amazon)})
    (check,) = [
        check
        for check in platform_limits(listing)
        if check.check == "contact_details" and check.where == "platforms.amazon.description"
    ]
    return check.measured["found"]


@pytest.mark.parametrize(
    "description",
    [
        "Call +49 30 1234567 for help.",
        "Questions? (555) 123-4567.",
        "Call 0800 123 456 today.",
        "Phone us at 415 555 0100.",
        "Reach us on 1-415-555-0100.",
        "Hotline 12345 678 901.",
        "Call 555-1234.",
        "Call us on 612 345 678.",
        "Tel: 98765 43210.",
        "Tel. 98765 43210.",
        "Phone number: 612 345 678.",
        "Tel. 030/1234567.",
        "Service: 030/12345678.",
        "Tel.: 089 / 123 456 7.",
        "Tel.+49 30 1234567.",
        "WhatsApp+44 7911 123456.",
    ],
)
def test_phone_numbers_found(description) -> None:
    (found,) = _contacts(description)
    assert found.startswith("phone number: ")


@pytest.mark.parametrize(
    "description",
    [
        "Available in EU sizes 38 39 40 41 42 43 44.",
        "Fits 13 14 15 16 17 inch laptops.",
        "Sizes 0.5 1.0 1.5 2.0 2.5 mm.",
        "EAN 4006381333931.",
        "UPC 036000291452.",
        "Fits the models of 2019-2020-2021.",
        "Rated for 100-240 V and 10000 bends.",
        "Bosch part number 0 242 235 666.",
        "ISBN-10: 0201616221.",
        "Gauges .010 .013 .017 .026 .036 .046 for a light touch.",
        "Bass gauges 045-065-080-105.",
        "Replaces Bosch 0986494055.",
        "Available in 250 500 1000 g bags.",
        "Isbn 10: 0201616221.",
        "EAN 13: 0123456789012.",
        "Bosch part 0 242 235 666.",
        "Art.-Nr. 0 242 235 666.",
        "No. 0 242 235 666.",
        "Model 0 242 235 666.",
        "Ref 0 242 235 666.",
        "UPC 0 12345 67890 5.",
        "Barcode 0 12345 67890 5.",
        "ISBN 0-306-40615-2.",
        "Book 0-306-40615-2.",
        "Book 978-0-306-40615-7.",
        "Phone case for iPhone 12 13 14 15 16.",
        "Tel Aviv edition 2020 2021 2022.",
        "Tel Aviv 612 345 678.",
        "Sizes 00 0 2 4 6 8 10 12.",
        "Order code 555-1234.",
        "EU sizes 36/38/40/42/44.",
        "Made 12/05/2024 in batch 100/200/300/400.",
        "Measured to 0.1234567890 mm.",
        "Bosch Spark Plug 0 242 235 666.",
        "Fill ratio 0.30000000000000004.",
        "Passend für Baujahr 06/2019 - 12/2023.",
        "Teilenummer 0815/471100.",
        "Kompatibel mit 0986/494/199.",
        "Nadelstärken 02/025/03/035/04 mm.",
        "Timer: 05/10/15/30/60 Minuten.",
        "Built with C++11, build 1234567890.",
    ],
)
def test_sizes_codes_and_years_are_not_phones(description) -> None:
    assert _contacts(description) == []


@pytest.mark.parametrize("description", ["Reach us on 612 345 678.", "Reach us on 98765 43210."])
def test_unannounced_unusual_grouping_not_phone(description) -> None:
    # Without a word such as "call", only a "+", brackets, a leading 0 or the 3-3-4 grouping mark a phone number.
    assert _contacts(description) == []


@pytest.mark.parametrize(
    ("description", "address"),
    [
        ("See fjellstad.de for more.", "fjellstad.de"),
        ("Order at shop.acme.eu today.", "shop.acme.eu"),
        ("Made by acme.ai.", "acme.ai"),
        ("Visit acme.co or write.", "acme.co"),
        ("Stockists on acme.co.uk.", "acme.co.uk"),
        ("Our store: ACME.SHOP", "ACME.SHOP"),
        ("More at https://acme.example/x", "https://acme.example/x"),
        ("Visit fjellstad.bike today.", "fjellstad.bike"),
        ("Order at acme.coffee now.", "acme.coffee"),
        ("Sold on Amazon.com as well.", "Amazon.com"),
        ("Shop Acme.Com today.", "Acme.Com"),
        ("Visit www.fjellstad.ski today.", "www.fjellstad.ski"),
        ("See https://acme.nyc for stores.", "https://acme.nyc"),
        ("Order at HTTP://ACME.BOATS now.", "HTTP://ACME.BOATS"),
        ("Visit acme dot com today.", "acme dot com"),
        ("Visit acme[dot]shop today.", "acme[dot]shop"),
        ("Visit acme . com today.", "acme . com"),
        ("Visit acme\uff0ecom today.", "acme.com"),
    ],
)
def test_web_addresses_found(description, address) -> None:
    assert _contacts(description) == [f"web address: {address}"]


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("Write help at acme dot com.", "e-mail address: help at acme dot com"),
        ("Write help[at]acme[dot]com.", "e-mail address: help[at]acme[dot]com"),
        ("Write help (at) acme (dot) co (dot) uk.", "e-mail address: help (at) acme (dot) co (dot) uk"),
        ("Write help\uff20acme.com.", "e-mail address: help@acme.com"),
        ("Call 1-800-FLOWERS.", "phone number: 1-800-FLOWERS"),
        ("Call 800-FLOWERS.", "phone number: 800-FLOWERS"),
    ],
)
def test_spelled_out_contacts_found(description, found) -> None:
    assert _contacts(description) == [found]


@pytest.mark.parametrize(
    "description",
    [
        "Look at it. Com fort first.",
        "Steel. Net weight 2 kg.",
        "A polka dot comforter.",
        "Meet us at home dot matrix.",
        "Woven with 800-THREADS cotton.",
        "A polka dot top.",
        "Look at polka dot top details.",
        "Swiss dot design.",
        "Red Dot Design Award.",
        "A dot life planner.",
    ],
)
def test_spelled_contact_lookalikes_pass(description) -> None:
    assert _contacts(description) == []


def test_email_domain_not_reported_twice() -> None:
    assert _contacts("Write to help@acme.com.") == ["e-mail address: help@acme.com"]


def test_email_starts_at_word() -> None:
    assert find_contact_details("Write to ..help@acme.com") == ["e-mail address: help@acme.com"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a." * 32_000, 0),
        ("1-" * 32_000, 0),
        ("Call 0800 123 456 " * 3_600, 3_600),
        ("a dot " * 11_000, 0),
        ("a . " * 16_000, 0),
        ("1-800-" * 11_000, 0),
    ],
    ids=["points", "hyphens", "phone-numbers", "spelled-dots", "spaced-points", "toll-free-prefixes"],
)
def test_contact_check_linear_time(text, found) -> None:
    # 64,000 characters took about 9 s each while every candidate rescanned the text before it (shared 2-core machine).
    started = time.perf_counter()
    assert len(find_contact_details(text)) == found
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "description",
    [
        "Holds 1.5 l, e.g. a day of water, approx. 5 cm wide, i.e. slim.",
        "Bluetooth 5.3, firmware v2.0, No.5 in the range.",
        "Lists setup.py, README.md, Node.js and photo.jpg.",
        "Light.It keeps you dry.",
        "Open from 10.am daily.",
        "Made in the U.S.A. of St.Moritz wool.",
        "Canon EOS 5D Mk.IV body.",
        "Vol.II of the series.",
        "Knitted by Strickwerk GmbH & Co.KG in Bavaria.",
        "Art.nr. 4711, Gr.XL.",
        "Built to last.Live outdoors.",
    ],
)
def test_abbreviations_and_decimals_are_not_addresses(description) -> None:
    assert _contacts(description) == []


@pytest.mark.parametrize(
    "description",
    ["ASP.NET Core in Action.", "Brews like a Mr.Coffee.", "Fits VB.NET and GO.PRO mounts.", "Grip.Pro handle."],
)
def test_capitalized_product_names_are_not_addresses(description) -> None:
    assert _contacts(description) == []


def test_capitalized_shop_host_is_an_address() -> None:
    assert _contacts("Order at ACME.SHOP today.") == ["web address: ACME.SHOP"]


@pytest.mark.parametrize("sizes", ["0-3 3-6 6-12 12-18 months", "ages 4-5 6-7 8-9 10-11"])
def test_runs_of_size_ranges_are_not_phone_numbers(sizes) -> None:
    assert _contacts(f"Comes in {sizes}.") == []


def test_hashtags_without_letters_not_counted() -> None:
    caption = "Screws in #6, #8 and #10 with a #2 drive. #diy #tools #workshop"
    listing = _listing().model_copy(
        update={"platforms": PlatformCopy(instagram=InstagramCopy(caption=caption, hashtags=[]))}
    )
    (check,) = [check for check in platform_limits(listing) if check.check == "hashtag_count"]
    assert check.passed
    assert check.measured["found"] == ["#diy", "#tools", "#workshop"]


def test_shopify_google_and_instagram_limits() -> None:
    listing = _listing().model_copy(
        update={
            "platforms": PlatformCopy(
                shopify=ShopifyCopy(
                    title="Shoe", body_html="<p>Shoe</p>", seo_title="S" * 71, meta_description="M" * 161
                ),
                google_merchant=GoogleMerchantCopy(title="G" * 151, description="D" * 5001),
                instagram=InstagramCopy(caption="Trail day " + " ".join(f"#tag{i}" for i in range(6)), hashtags=[]),
            )
        }
    )
    assert _failed(listing) == {
        ("text_length", "platforms.shopify.seo_title"),
        ("text_length", "platforms.shopify.meta_description"),
        ("text_length", "platforms.google_merchant.title"),
        ("text_length", "platforms.google_merchant.description"),
        ("hashtag_count", "platforms.instagram.caption"),
    }


def test_instagram_hashtag_list_limited() -> None:
    instagram = InstagramCopy(caption="Trail day", hashtags=[f"#tag{i}" for i in range(80)])
    listing = _listing().model_copy(update={"platforms": PlatformCopy(instagram=instagram)})

    (check,) = [check for check in platform_limits(listing) if check.where == "platforms.instagram.hashtags"]

    assert check.check == "item_count"
    assert not check.passed
    assert check.measured == {"items": 80, "limit": 5}


@pytest.mark.parametrize(
    ("caption", "hashtags", "count"),
    [
        ("Trail day #a #b #c #d #e", ["#f", "#g", "#h", "#i", "#j"], 10),
        ("Trail day", ["#a #b #c #d #e #f #g #h"], 8),
        ("Trail day #Trail #Run #Mud", ["#trail", "#run", "#mud", "#Hills"], 4),
    ],
)
def test_instagram_post_counts_caption_and_list_tags(caption, hashtags, count) -> None:
    listing = _listing().model_copy(
        update={"platforms": PlatformCopy(instagram=InstagramCopy(caption=caption, hashtags=hashtags))}
    )
    (check,) = [check for check in platform_limits(listing) if check.check == "hashtag_count"]
    assert check.measured["hashtags"] == count
    assert check.passed == (count <= 5)


def test_instagram_without_hashtags_passes() -> None:
    instagram = InstagramCopy(caption="Trail day", hashtags=[])
    listing = _listing().model_copy(update={"platforms": PlatformCopy(instagram=instagram)})
    assert _failed(listing) == set()


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<p>Shoe</p><script>alert(1)</script>", ["<script>"]),
        ('<p onclick="steal()">Shoe</p>', ["<p onclick>"]),
        ('<a href=" JavaScript:alert(1)">more</a>', ["<a href= JavaScript:alert(1)>"]),
        ('<iframe src="https://example.invalid"></iframe><style>p{}</style>', ["<iframe>", "<style>"]),
        ("<img src=x onerror=alert(1)/>", ["<img>", "<img onerror>"]),
        ('<a href="java\nscript:alert(1)">more</a>', ["<a href=java\nscript:alert(1)>"]),
        ('<a href="java&#x0A;script:alert(1)">more</a>', ["<a href=java\nscript:alert(1)>"]),
        ('<a href="java&#13;script:alert(1)">more</a>', ["<a href=java\rscript:alert(1)>"]),
        ('<a href="java&NewLine;script:alert(1)">more</a>', ["<a href=java\nscript:alert(1)>"]),
        ("<p>Shoe</p><!--><script>alert(1)</script>-->", ["<!-- markup in a comment -->"]),
        ("<p>Shoe</p><img src=x onerror=alert(1) ", ["unclosed tag '<img src=x onerror=alert(1) '"]),
        (
            "<p>Shoe</p><script src=https://example.invalid/x.js",
            ["unclosed tag '<script src=https://example.invalid/x.js'"],
        ),
        (
            "<p>Shoe</p><img src=x title='>' onerror=alert(1)",
            ["unclosed tag \"<img src=x title='>' onerror=alert(1)\""],
        ),
        ("<p>Shoe</p><img src=x onerror=alert(1) title='>", ['unclosed tag "<img src=x onerror=alert(1) title=\'>"']),
        (
            '<p style="position:fixed;top:0;background:url(https://example.invalid/x.png)">Shoe</p>',
            ["<p style=position:fixed;top:0;background:url(https://example.invalid/x.png)>"],
        ),
        ('<span style="font-size:0">cheap best deal</span>', ["<span style=font-size:0>"]),
        ('<span style="display: none">cheap</span>', ["<span style=display: none>"]),
        ('<p style="background:u\\72l(x.png)">Shoe</p>', ["<p style=background:u\\72l(x.png)>"]),
    ],
)
def test_shopify_body_rejects_code(body: str, found: list[str]) -> None:
    shopify = ShopifyCopy(title="Shoe", body_html=body, seo_title="Shoe", meta_description="Shoe")
    listing = _listing().model_copy(update={"platforms": PlatformCopy(shopify=shopify)})

    (check,) = [check for check in platform_limits(listing) if check.check == "unsafe_html"]

    assert not check.passed
    assert check.measured["found"] == found


@pytest.mark.parametrize(
    "style",
    [
        'background-image:image-set("https://example.invalid/a.png" 1x)',
        "opacity:0%",
        "font-size:0vw",
        "font-size:0.0001px",
        "color:transparent",
        "color: rgba(0, 0, 0, 0)",
        "height:0;overflow:hidden",
        "clip-path:inset(50%)",
        "transform:scale(0)",
        "text-indent:-9999px",
        "position:relative;left:-9999px",
        "margin-left:-10000px",
        "position:-webkit-sticky",
        "vertical-align: -9999px",
        "color: oklch(0 0 0 / 0)",
        "color: rgba(0, 0, 0, 0.01)",
        "color: #00000001",
        "color: rgba(0, 0, 0, calc(0))",
        "padding-left: 100000px",
        "border-left: 99999px solid white",
        "font: 0/0 a",
    ],
)
def test_inline_style_that_hides_moves_or_loads_flagged(style: str) -> None:
    assert unsafe_declarations(style)


@pytest.mark.parametrize(
    "style",
    [
        "text-align:center; font-size: 0.9em",
        "font-size:14px",
        'font-family: "Helvetica Neue", Arial',
        "color:#333; background-color: #f5f5f5",
        "margin: 0 auto; padding: 4px 8px",
        "font-weight:bold !important; line-height:1.5",
        "color: rgb(255, 0, 0); background: #f5f5f5",
        "color: rgb(0, 0, 0)",
        "font: 14px/1.5 Arial; font-size: 14px ! important",
        "display: table-cell; height: 32px; width: 600px; border: 1px solid rgb(0, 0, 0)",
        "text-indent: 1em; border-spacing: 0; overflow-wrap: break-word; vertical-align: middle",
    ],
)
def test_inline_style_that_formats_text_allowed(style: str) -> None:
    assert unsafe_declarations(style) == []


def test_shopify_body_allows_formatting() -> None:
    body = (
        '<h2>Fit</h2><p style="text-align:center; font-size: 0.9em"><strong>Wide</strong> toe box.</p>'
        '<ul><li>Grippy</li></ul><a href="/pages/sizes">Sizes</a>'
    )
    shopify = ShopifyCopy(title="Shoe", body_html=body, seo_title="Shoe", meta_description="Shoe")
    listing = _listing().model_copy(update={"platforms": PlatformCopy(shopify=shopify)})
    assert _failed(listing) == set()


def test_google_description_allows_listed_tags_without_attributes() -> None:
    description = '<p>Trail shoe</p><ul><li class="x">Grippy</li></ul><em>Wide</em> <span style="color:red">toe</span>'
    google = GoogleMerchantCopy(title="Trail shoe", description=description)
    listing = _listing().model_copy(update={"platforms": PlatformCopy(google_merchant=google)})

    checks = {check.check: check for check in platform_limits(listing) if not check.passed}

    assert set(checks) == {"unsafe_html", "html_attributes"}
    assert checks["unsafe_html"].measured["found"] == ["<p>"]
    assert checks["html_attributes"].measured["attributes"] == ["<li class>", "<span style>"]


def test_google_rejects_promotional_text() -> None:
    google = GoogleMerchantCopy(title="Trail shoe - buy now", description="Trail shoe on sale.")
    failed = _failed(_listing().model_copy(update={"platforms": PlatformCopy(google_merchant=google)}))
    assert failed == {
        ("prohibited_term", "platforms.google_merchant.title"),
        ("prohibited_term", "platforms.google_merchant.description"),
    }


@pytest.mark.parametrize(
    "description",
    [
        "Macinino sale e pepe in legno.",
        "A 100% off-grid solar lamp.",
        "Runs 80% off-peak.",
        "Salesforce-ready.",
        "Phillips #1 and #2 screwdrivers included.",
        "Use a #1 hook for trout.",
        "Size number one fits ages 2-4.",
        "Great for in stock photos.",
    ],
)
def test_promotional_lookalikes_pass(description: str) -> None:
    google = GoogleMerchantCopy(title="Trail shoe", description=description)
    assert _failed(_listing().model_copy(update={"platforms": PlatformCopy(google_merchant=google)})) == set()


@pytest.mark.parametrize(
    "description",
    [
        "Summer Sale: ceramic mug.",
        "SALE! Ceramic mug.",
        "Big sale on mugs.",
        "Our cheapest-ever price.",
        "Use discount-code X.",
        "Free-shipping on every mug.",
        "FREE\u00a0SHIPPING on every mug.",
        "Our best-seller.",
        "Limited-time offer.",
        "Two hot items in one.",
        "Dis\u00adcount inside.",
        "The number one mug.",
        "The #1 mug.",
        "Ranked No. 1 for comfort.",
        "A top-rated mug.",
        "Satisfaction guaranteed.",
        "Free returns on every mug.",
        "Back in stock and ready to ship.",
        "\uff26\uff32\uff25\uff25 \uff33\uff28\uff29\uff30\uff30\uff29\uff2e\uff27 on every mug.",
        "Fr\u0435\u0435 shipping on every mug.",
        "Free\u200bshipping on every mug.",
    ],
)
def test_promotional_wording_in_other_forms_flagged(description: str) -> None:
    google = GoogleMerchantCopy(title="Trail shoe", description=description)
    failed = _failed(_listing().model_copy(update={"platforms": PlatformCopy(google_merchant=google)}))
    assert failed == {("prohibited_term", "platforms.google_merchant.description")}


def test_banned_phrase_found_in_any_field() -> None:
    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    brand = brand_for(spec)
    listing = _listing()
    bullets = [*listing.bullets[:4], "The best ever grip on wet rock."]
    results = banned_phrases(listing.model_copy(update={"bullets": bullets}), brand)
    (failed,) = [check for check in results if not check.passed]
    assert failed.subject == "best ever"
    assert failed.where == "bullets[4]"
    assert len(results) == len(brand.voice.banned_phrases)


@pytest.mark.parametrize(
    ("banned", "bullet"),
    [
        ("world's best", "The world\u2019s best grip on wet rock."),
        ("perfect gift", "A perfect-gift for runners."),
        ("perfect gift", "One of the perfect gifts for runners."),
        ("perfect gift", "A perfect\u00a0gift for runners."),
        ("perfect gift", "A perfect\n gift for runners."),
        ("best-in-class", "Best\u2011in\u2011class grip."),
        ("best in class", "Best-in-class grip."),
        ("artisanal", "Arti\u00adsanal stitching."),
        ("world's best", "The world's b\u0435st grip."),
        ("world's best", "The w\u043erld's best grip."),
        ("world's best", "The \uff57\uff4f\uff52\uff4c\uff44'\uff53 \uff42\uff45\uff53\uff54 grip."),
        ("world's best", "The world\u034f's best grip."),
        ("world's best", "The world's\u180ebest grip."),
        ("game changer", "A game\u2062changer on rock."),
        ("game changer", "A game\u3164changer on rock."),
        ("best seller", "Join us for #BestSellerWeek on the trail."),
        ("favourite", "Our customers' favorite shoe."),
        ("artificial flavours", "No artificial flavors in the foam."),
        ("colour-changing", "A color-changing lace."),
        ("anti-ageing", "Anti-aging insole foam."),
        ("cosy", "A Cozy lining."),
        ("flavor", "Rich flavours of the trail."),
        ("luxury", "Luxuries for the trail."),
        ("100% protection", "100 % protection from stones."),
        ("100% protection", "100 per cent protection from stones."),
    ],
)
def test_banned_phrase_found_in_other_forms(banned, bullet) -> None:
    listing = _listing()
    (check,) = banned_phrases(listing.model_copy(update={"bullets": [*listing.bullets[:4], bullet]}), _banning(banned))
    assert not check.passed
    assert check.where == "bullets[4]"


@pytest.mark.parametrize(
    ("banned", "bullet"),
    [
        ("gift", "A gifted runner."),
        ("best", "Our bestselling shoe."),
        ("call us", "The app call uses no data."),
        ("must-have", "The laces must have a double knot."),
        ("good", "Sports goods."),
        ("new", "News from the trail."),
        ("art", "Made for #SmartRunners."),
        ("luxury", "A luxurious lining."),
    ],
)
def test_banned_phrase_needs_whole_words(banned, bullet) -> None:
    (check,) = banned_phrases(_listing().model_copy(update={"bullets": [bullet]}), _banning(banned))
    assert check.passed


def test_html_tags_all_listed() -> None:
    listing = _listing()
    title = "<b>Trail</b> <i>shoe</i> <script>alert(1)</script> end"
    amazon = listing.platforms.amazon.model_copy(update={"title": title})
    (check,) = [
        check
        for check in platform_limits(_with(listing, amazon=amazon))
        if check.where == "platforms.amazon.title" and check.check == "no_html"
    ]
    assert not check.passed
    assert "<script>" in check.measured["markup"]
    assert "</script>" in check.measured["markup"]


@pytest.mark.parametrize(
    ("bullet", "found"),
    [
        ("Grippy <!-- hidden words --> sole.", ["<!-- hidden words -->"]),
        ("Grippy&nbsp;sole &lt;b&gt;", ["&nbsp;", "&lt;", "&gt;"]),
        ("Made for Dolce&Gabbana; and Fish&Chips; fans.", []),
    ],
)
def test_plain_text_comments_and_character_references(bullet, found) -> None:
    listing = _listing()
    amazon = listing.platforms.amazon.model_copy(update={"bullets": [bullet]})
    (check,) = [
        check
        for check in platform_limits(_with(listing, amazon=amazon))
        if check.where == "platforms.amazon.bullets[0]" and check.check == "no_html"
    ]
    assert check.measured["markup"] == found


def test_shopify_title_html_flagged() -> None:
    listing = _listing()
    shopify = listing.platforms.shopify.model_copy(update={"title": "Trail <script>x</script> shoe"})
    assert ("no_html", "platforms.shopify.title") in _failed(_with(listing, shopify=shopify))


def test_empty_fields_and_items_flagged() -> None:
    listing = _listing().model_copy(update={"short_description": ""})
    amazon = listing.platforms.amazon.model_copy(update={"search_terms": ["trail shoe", ""]})
    listing = _with(listing, amazon=amazon)
    failed = {check.where for check in text_present(listing) if not check.passed}
    assert failed == {"short_description", "platforms.amazon.search_terms[1]"}


def test_hidden_characters_flagged_per_field() -> None:
    listing = _listing()
    bullets = [*listing.bullets[:3], "500 ml \u202egnippihs eerF\u202c", "Grippy\u200b sole."]
    results = hidden_characters(listing.model_copy(update={"bullets": bullets}))
    failed = {check.where: check.measured["found"] for check in results if not check.passed}
    assert failed == {
        "bullets[3]": ["U+202E (RIGHT-TO-LEFT OVERRIDE)", "U+202C (POP DIRECTIONAL FORMATTING)"],
        "bullets[4]": ["U+200B (ZERO WIDTH SPACE)"],
    }
    assert len(results) == len(readable_fields(listing))


def test_emoji_flag_tags_not_hidden() -> None:
    listing = _listing()
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    bullets = [*listing.bullets[:3], f"Woven in Scotland {scotland}", "Loose tag \U000e0041 here."]
    results = hidden_characters(listing.model_copy(update={"bullets": bullets}))
    failed = {check.where: check.measured["found"] for check in results if not check.passed}
    assert failed == {"bullets[4]": ["U+E0041 (TAG LATIN CAPITAL LETTER A)"]}


def test_offline_copy_has_no_hidden_characters() -> None:
    assert all(check.passed for check in hidden_characters(_listing()))


def test_offline_copy_has_no_empty_field() -> None:
    assert all(check.passed for check in text_present(_listing()))
