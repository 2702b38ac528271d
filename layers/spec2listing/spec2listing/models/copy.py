"""Listing copy: what the copywriter returns and the platforms publish."""

from pydantic import BaseModel, Field


class AmazonCopy(BaseModel):
    """Amazon detail-page fields."""

    title: str
    bullets: list[str]
    description: str
    search_terms: list[str] = Field(default_factory=list)


class ShopifyCopy(BaseModel):
    """Shopify product fields."""

    title: str
    body_html: str
    seo_title: str
    meta_description: str


class InstagramCopy(BaseModel):
    """Instagram post for the product."""

    caption: str
    hashtags: list[str]


class GoogleMerchantCopy(BaseModel):
    """Google Merchant Center feed fields."""

    title: str
    description: str


class PlatformCopy(BaseModel):
    """Per-platform variants; a platform the spec does not target stays empty."""

    amazon: AmazonCopy | None = None
    shopify: ShopifyCopy | None = None
    instagram: InstagramCopy | None = None
    google_merchant: GoogleMerchantCopy | None = None


class ProductCopy(BaseModel):
    """Title, descriptions and bullets for one product, with the visual promises they make."""

    title: str = Field(description="Search-ready product title, brand first.")
    short_description: str = Field(description="One or two sentences for cards and previews.")
    description: str = Field(description="Long description that names every visual anchor.")
    bullets: list[str] = Field(description="Five key benefit bullets.")
    comparison_bullets: list[str] = Field(
        default_factory=list, description="How the product differs from each listed competitor."
    )
    visual_anchors: list[str] = Field(
        default_factory=list,
        description="Concrete visual details the copy promises, each of which an image must show.",
    )
    platforms: PlatformCopy = Field(default_factory=PlatformCopy)
