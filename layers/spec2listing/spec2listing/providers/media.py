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


def image_problem(
    data: bytes, *, expected_media: str | None = None, expected_size: tuple[int, int] | None = None
) -> str | None:
    """Return why the bytes are not a PNG, JPEG or WebP image that Pillow decodes whole, or None when they are.

    The first bytes alone pass a file that only starts like an image, such as a
    truncated upload, so every pixel is decoded. `expected_media` and
    `expected_size`, when given, also require that media type and that width and height.
    """
    found = media_type(data)
    if found is None:
        return "the file is not a PNG, JPEG or WebP image"
    if expected_media is not None and found != expected_media:
        return f"the image is {found}, not {expected_media}"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            size = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        return f"the image cannot be decoded ({error})"
    if expected_size is not None and size != expected_size:
        return f"the image is {size[0]}x{size[1]}, not {expected_size[0]}x{expected_size[1]}"
    return None
