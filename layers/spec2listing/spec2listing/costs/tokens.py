"""Token counts estimated from what a call sends, for calls whose usage is not known.

`spec2listing estimate` uses them before a run, and the adapters after a call
whose response reported no usage. Four characters per token for text,
Gemini's 258 tokens per 768-pixel image tile, and an assumed thinking
allowance.
"""

import math
from typing import TypeGuard

CHARACTERS_PER_TOKEN = 4
# Gemini bills an image larger than 384 px per side as 768x768 tiles of 258 tokens each.
IMAGE_TILE_PIXELS = 768
TOKENS_PER_IMAGE_TILE = 258
# Assumed thinking per text call; Gemini Flash thinks as much as it decides unless a budget is set.
THINKING_TOKENS_PER_CALL = 1024
# Assumed image input tokens per reference photo of a GPT Image edit.
# NOTE: an estimate, not a figure from OpenAI. A response's reported usage replaces it.
REFERENCE_PHOTO_INPUT_TOKENS = 323


def text_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / CHARACTERS_PER_TOKEN))


def image_tokens(width: int, height: int) -> int:
    tiles = math.ceil(width / IMAGE_TILE_PIXELS) * math.ceil(height / IMAGE_TILE_PIXELS)
    return tiles * TOKENS_PER_IMAGE_TILE


# More tokens than any model's context and output together: a reported count above it, or below zero,
# is a broken reply rather than usage, and would make a cost that is absurd or negative.
MAX_REPORTED_TOKENS = 100_000_000


def plausible_token_count(value: object) -> TypeGuard[int]:
    """Check that a provider's reported token count is a whole number from 0 to MAX_REPORTED_TOKENS."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_REPORTED_TOKENS
