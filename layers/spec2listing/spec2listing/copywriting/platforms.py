"""Marketplace text rules in one table.

Sources, as published by each platform (checked 2026-12):
- Amazon: product title requirements (max 200 characters including spaces; the
  characters ! $ ? _ { } ^ ¬ ¦ are not allowed), five key-product-feature bullets,
  no HTML, no promotional or contact content.
- Shopify: the search engine listing preview shows 70 characters of the page title
  and 160 of the meta description; product titles are at most 255 characters.
- Google Merchant Center product data specification: title at most 150
  characters, description at most 5000.
- Instagram: captions at most 2200 characters; at most 5 hashtags per post.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlatformRules:
    """Text limits of one platform."""

    title_max: int
    description_max: int | None = None
    bullets: int | None = None
    bullet_max: int | None = None
    seo_title_max: int | None = None
    meta_description_max: int | None = None
    caption_max: int | None = None
    hashtags_max: int | None = None
    forbidden_title_chars: frozenset[str] = field(default_factory=frozenset)
    html_allowed: bool = True


AMAZON_FORBIDDEN_TITLE_CHARS = frozenset("!$?_{}^¬¦")

RULES: dict[str, PlatformRules] = {
    "amazon": PlatformRules(
        title_max=200,
        description_max=2000,
        bullets=5,
        bullet_max=500,
        forbidden_title_chars=AMAZON_FORBIDDEN_TITLE_CHARS,
        html_allowed=False,
    ),
    "shopify": PlatformRules(title_max=255, seo_title_max=70, meta_description_max=160),
    "google_merchant": PlatformRules(title_max=150, description_max=5000, html_allowed=False),
    "instagram": PlatformRules(title_max=2200, caption_max=2200, hashtags_max=5, html_allowed=False),
}

# Words Amazon treats as promotional or contact content in titles, bullets and descriptions.
PROMOTIONAL_TERMS = (
    "free shipping",
    "best seller",
    "bestseller",
    "sale",
    "discount",
    "limited time",
    "buy now",
    "100% guaranteed",
    "money back",
    "call us",
    "email us",
    "www.",
    "http://",
    "https://",
)


def fit(text: str, limit: int) -> str:
    """Shorten text to at most `limit` characters at a word boundary, without a dangling separator."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    cut = cut[:limit].rstrip(" ,;:-–|/")
    return cut
