"""Variant SKUs made up for variants that a file gives none for.

A generated SKU is the product SKU followed by the variant's colour as ASCII
words: 'MUG-1' and 'Forest Green' give 'MUG-1-FOREST-GREEN', and accents are
dropped ('Grün' gives 'GRUN'). SKUs are ASCII because they are S3 key
segments (see spec2listing.types.Sku). Where a letter or digit has no ASCII
form ('黒', 'Чёрный'), a short hash of the value is appended, so that SKUs
stay unique, and the same from one upload to the next.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from spec2listing.types import SKU_PATTERN

MAX_SKU_LENGTH = 64
# Hex digits of the hash suffix; a longer one is tried where a shorter one is already taken.
HASH_LENGTHS = (6, 10, 16)


class VariantSkus:
    """Generator of the variant SKUs of one product, unique beside the SKUs the file gives."""

    def __init__(self, parent: str, given_skus: Iterable[str], *, upper: bool) -> None:
        self.parent = parent
        self.upper = upper
        # Casefolded SKU to the casefolded value it was generated from; None for a SKU the file gives.
        self.taken: dict[str, str | None] = {sku.casefold(): None for sku in given_skus if sku}

    def generate(self, value: str, name: str | None = None) -> str:
        """Return the SKU for a variant of this colour.

        The words come from `name` where given, such as the colour's name
        without the hex code that `value` carries. Values that differ only in
        case give the same SKU, so that two variants of one colour are
        reported as a duplicate instead of being distinguished by a hash.
        """
        key = " ".join(value.split()).casefold()
        words, complete = _ascii_words(key if name is None else name.casefold())
        digest = hashlib.sha256(key.encode()).hexdigest()
        lengths = ((0,) if complete and words else ()) + HASH_LENGTHS
        sku = ""
        for length in lengths:
            sku = self._compose(words, digest[:length])
            if self.taken.get(sku.casefold(), key) == key:
                break
        self.taken[sku.casefold()] = key
        return sku

    def _compose(self, words: list[str], suffix: str) -> str:
        tail = "-".join([*words, suffix] if suffix else words)
        if self.upper:
            tail = tail.upper()
        sku = f"{self.parent}-{tail}"
        if len(sku) <= MAX_SKU_LENGTH:
            return sku
        # Too long: cut, and keep a hash so that cut SKUs stay apart.
        suffix = suffix or hashlib.sha256(tail.encode()).hexdigest()[: HASH_LENGTHS[0]]
        suffix = suffix.upper() if self.upper else suffix
        return sku[: MAX_SKU_LENGTH - len(suffix) - 1].rstrip("-._") + "-" + suffix


# A Shopify handle as the store makes it from a title: letters of any script, digits and separators.
_HANDLE = re.compile(r"[^\W_][\w.-]*")


def handle_sku(handle: str) -> str:
    """Return the product SKU for a Shopify handle: the handle itself when it is a valid SKU.

    Shopify allows handles of up to 255 characters, in any script, and the
    handle is the product's URL, so a merchant cannot shorten it to suit a
    SKU. Such a handle gives its ASCII words, cut to fit, and a short hash
    of the whole handle, the same from one upload to the next. Anything else
    that is no SKU (a path, spaces) is returned as it is, for intake to reject.
    """
    if re.match(SKU_PATTERN, handle) or not _HANDLE.fullmatch(handle):
        return handle
    words, _ = _ascii_words(handle.casefold())
    suffix = hashlib.sha256(handle.encode()).hexdigest()[: HASH_LENGTHS[0]]
    base = "-".join(words)[: MAX_SKU_LENGTH - len(suffix) - 1].rstrip("-._")
    return f"{base}-{suffix}" if base else suffix


def _ascii_words(text: str) -> tuple[list[str], bool]:
    """Split text into ASCII words, dropping accents; the flag is False where a letter or digit was lost."""
    characters = []
    complete = True
    for character in unicodedata.normalize("NFKD", text):
        if character.isascii() and character.isalnum():
            characters.append(character)
        elif not unicodedata.combining(character):
            complete = complete and not character.isalnum()
            characters.append(" ")
    return "".join(characters).split(), complete
