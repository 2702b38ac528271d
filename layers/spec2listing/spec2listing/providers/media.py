"""Image media types told from the file's first bytes, and a full decode check."""

import io
import re

from PIL import Image, ImageFile, JpegImagePlugin, PngImagePlugin, UnidentifiedImageError, WebPImagePlugin

SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
# OpenAI's image edits take reference photos of under 50 MB each (the `image` parameter of images.edit).
MAX_REFERENCE_PHOTO_BYTES = 50_000_000
# The full frame of a 61-megapixel camera or a "64 MP" phone (9248x6936) fits; decoded as RGBA it takes about
# 280 MB, within the plan step's 1024 MB. A PNG of a few hundred kilobytes can declare far more pixels, and
# decoding 170 megapixels (still under Pillow's own limit) takes about 700 MB.
MAX_REFERENCE_PHOTO_PIXELS = 70_000_000
# Pillow's class for each media type. Built directly, it reads the header without the decompression-bomb check
# that Image.open runs, which raises for more than 179 megapixels before a size check could name the size.
# WebP's class runs that check itself, so the size of a WebP image over that limit stays unknown.
HEADER_READERS: dict[str, type[ImageFile.ImageFile]] = {
    "image/png": PngImagePlugin.PngImageFile,
    "image/jpeg": JpegImagePlugin.JpegImageFile,
    "image/webp": WebPImagePlugin.WebPImageFile,
}


# Pillow names the file object it could not read ("cannot identify image file <_io.BytesIO object at 0x7f...>"),
# an address that differs on every call and would keep two reports of one problem from being grouped.
_FILE_OBJECT = re.compile(r" ?<[\w.]+ object at 0x[0-9a-fA-F]+>")


def decode_error(error: BaseException) -> str:
    """Return a decoding error's text without the address of the in-memory file Pillow read."""
    return _FILE_OBJECT.sub("", str(error))


def media_type(data: bytes) -> str | None:
    """The media type of PNG, JPEG or WebP bytes; None for anything else."""
    for signature, name in SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_problem(
    data: bytes,
    *,
    expected_media: str | None = None,
    expected_size: tuple[int, int] | None = None,
    max_pixels: int | None = None,
) -> str | None:
    """Return why the bytes are not a PNG, JPEG or WebP image that Pillow decodes whole, or None when they are.

    The first bytes alone pass a file that only starts like an image, such as a
    truncated upload, so every pixel is decoded. `expected_media` and
    `expected_size`, when given, also require that media type and that width and height;
    `max_pixels` caps width times height. Sizes are read from the header, before any pixel is decoded.
    """
    found = media_type(data)
    if found is None:
        return "the file is not a PNG, JPEG or WebP image"
    if expected_media is not None and found != expected_media:
        return f"the image is {found}, not {expected_media}"
    try:
        problem = _size_problem(header_size(data, found), expected_size, max_pixels)
        if problem is None:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        return f"the image cannot be decoded ({decode_error(error)})"
    return problem


def header_size(data: bytes, media: str) -> tuple[int, int]:
    """Return the width and height that the header of a PNG, JPEG or WebP image of that media type declares.

    Nothing is decoded, and a PNG or JPEG of any size is read. Raises what Pillow raises for a header it cannot
    read (SyntaxError, OSError, ValueError), and DecompressionBombError for a WebP image over 179 megapixels.
    """
    with HEADER_READERS[media](io.BytesIO(data)) as image:
        return image.size


def _size_problem(size: tuple[int, int], expected: tuple[int, int] | None, max_pixels: int | None) -> str | None:
    width, height = size
    if expected is not None and size != expected:
        return f"the image is {width}x{height}, not {expected[0]}x{expected[1]}"
    if max_pixels is not None and width * height > max_pixels:
        return (
            f"the image is {width}x{height}, {width * height / 1e6:.1f} megapixels, "
            f"more than the {max_pixels / 1e6:g} megapixels allowed"
        )
    return None
