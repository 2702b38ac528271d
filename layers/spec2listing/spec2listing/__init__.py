"""spec2listing: product specs in, consistent ecommerce listings out."""

__version__ = "0.1.0"
