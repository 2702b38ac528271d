"""Image media types told from the file's first bytes, and a full decode check."""

import io

from PIL import Image, UnidentifiedImageError

SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def media_type(data: bytes) -> str | None:
    """The media type of PNG, JPEG or WebP bytes; None for anything else."""
    for signature, name in SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_problem(data: bytes) -> str | None:
    """Return why the bytes are not a PNG, JPEG or WebP image that Pillow decodes whole, or None when they are.

    The first bytes alone pass a file that only starts like an image, such as a
    truncated upload, so every pixel is decoded.
    """
    if media_type(data) is None:
        return "the file is not a PNG, JPEG or WebP image"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        return f"the image cannot be decoded ({error})"
    return None
