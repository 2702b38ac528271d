"""Live renderer: OpenAI GPT Image, `images.generate`, or `images.edit` when the spec has reference photos.

Edits send the photos with high input fidelity so the real product keeps its
shape, colour and details. The image comes back base64-encoded in the response
and is returned as bytes for the step to write to S3; it never enters the state
payload. Each response's usage goes to the ledger as soon as it arrives, before
its image is decoded.
"""

import base64
import binascii
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import openai
from openai.types import ImagesResponse
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel

from spec2listing.costs import PriceTable
from spec2listing.costs.ledger import UsageLedger
from spec2listing.costs.tokens import REFERENCE_PHOTO_INPUT_TOKENS, plausible_token_count
from spec2listing.costs.tokens import text_tokens as estimated_text_tokens
from spec2listing.errors import (
    ContentBlocked,
    ProviderOutputInvalid,
    ProviderRequestRejected,
    ProviderThrottled,
    ProviderUnavailable,
    ReferencePhotoInvalid,
)
from spec2listing.models.jobs import ImageJob
from spec2listing.models.records import Usage
from spec2listing.models.spec import ProductSpec
from spec2listing.providers import RenderedImage, own_endpoint
from spec2listing.providers.keys import ApiKey, ClientForKey
from spec2listing.providers.media import MAX_REFERENCE_PHOTO_PIXELS, decode_error, image_problem, media_type
from spec2listing.providers.request_deadline import deadline_event_hooks
from spec2listing.providers.retry import Deadline, RetryPolicy, retry_after_seconds, run_with_retries

logger = logging.getLogger(__name__)
PROVIDER = "openai"
# Images asked for per request; each job is one image.
REQUESTED_IMAGES = 1
# How many times the requested pixel count an image may have before it is rejected as an invalid response.
MAX_PIXELS_OVER_REQUEST = 4
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
# Pillow's names of the output formats.
PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# Error codes OpenAI gives a request its safety system refused.
BLOCKED_CODES = frozenset({"moderation_blocked", "content_policy_violation"})
# Codes of a 429 that means the account's credit or quota is spent, which no retry can pass.
# The API's own endpoint, the SDK's default base URL.
OPENAI_ENDPOINT = "https://api.openai.com/v1"
QUOTA_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
TRANSIENT_STATUS = frozenset({408, 409})


class OpenAIImageRenderer:
    """GPT Image renders, billed from the response's usage and the price table."""

    name = "openai"
    draws_category = False

    def __init__(
        self,
        *,
        key: ApiKey,
        model: str,
        base_url: str | None,
        output_format: str,
        policy: RetryPolicy,
        prices: PriceTable,
    ) -> None:
        self.key = key
        self.model = model
        self.endpoint = own_endpoint(base_url, OPENAI_ENDPOINT)
        self._output_format = output_format
        self._policy = policy
        self._prices = prices
        # max_retries=0: run_with_retries owns retries so both providers follow one policy.
        self._clients = ClientForKey(
            key,
            lambda value: openai.OpenAI(
                api_key=value,
                base_url=base_url,
                max_retries=0,
                timeout=policy.timeout_seconds,
                # Redirects are not followed: an edit request would carry the reference photos on to the new host.
                http_client=openai.DefaultHttpxClient(event_hooks=deadline_event_hooks(), follow_redirects=False),
            ),
        )

    def render(
        self, job: ImageJob, spec: ProductSpec, references: list[bytes], *, ledger: UsageLedger
    ) -> RenderedImage:
        """Render one job; an answer without a decodable image gets one more attempt."""
        deadline = Deadline(self._policy)
        output_format = self.output_format(job)
        what = f"openai {'edit' if references else 'generate'} {job.job_id}"

        def answer() -> ImagesResponse:
            response = run_with_retries(
                lambda timeout: self._request(job, references, output_format, timeout, ledger),
                deadline=deadline,
                what=what,
            )
            ledger.record(self._usage(job, response, photos=len(references)))
            return response

        max_pixels = MAX_PIXELS_OVER_REQUEST * job.width * job.height
        try:
            data = _image_bytes(answer(), max_pixels=max_pixels)
        except ProviderOutputInvalid as error:
            logger.warning(
                "image answer invalid, asking once more", extra={"job_id": job.job_id, "problem": str(error)}
            )
            data = _image_bytes(answer(), max_pixels=max_pixels)
        rendered = checked_image(data, output_format=output_format, width=job.width, height=job.height)
        if rendered.problems:
            logger.warning(
                "the image differs from the request", extra={"job_id": job.job_id, "problems": rendered.problems}
            )
        return rendered

    def output_format(self, job: ImageJob) -> str:
        """Return the configured output format, or PNG for a transparent background, since JPEG has no alpha channel."""
        if job.background == "transparent" and self._output_format == "jpeg":
            return "png"
        return self._output_format

    def _request(
        self, job: ImageJob, references: list[bytes], output_format: str, timeout: float, ledger: UsageLedger
    ) -> ImagesResponse:
        options: dict[str, Any] = {
            "model": self.model,
            "prompt": job.prompt,
            "size": job.size,
            "quality": job.quality,
            "background": job.background,
            "output_format": output_format,
            "n": REQUESTED_IMAGES,
            "timeout": timeout,
        }
        photos = [_reference_file(index, photo) for index, photo in enumerate(references, start=1)]
        unreported = Usage(step="render", provider=PROVIDER, model=self.model, job_id=job.job_id, reported=False)
        try:
            response: object = self._with_current_key(lambda client: _send(client, options, photos))
        except openai.APITimeoutError as error:
            ledger.record(unreported)
            raise ProviderUnavailable(f"OpenAI {self.model} timed out after {timeout:.0f} s") from error
        except openai.APIConnectionError as error:
            # Not chained: the cause's traceback, which the log shows, may quote the request's headers.
            if isinstance(error.__cause__, httpx2.ConnectError):
                raise ProviderUnavailable(self.key.redact(f"cannot reach OpenAI: {error}: {error.__cause__}")) from None
            # The request went out, so the call may be billed although no usage came back.
            ledger.record(unreported)
            raise ProviderUnavailable(
                self.key.redact(f"the connection to OpenAI failed: {error}: {error.__cause__}")
            ) from None
        except openai.APIStatusError as error:
            # Not chained: the SDK's error quotes the body, which may echo the key.
            raise self._domain_error(error) from None
        except json.JSONDecodeError as error:
            ledger.record(unreported)
            raise ProviderUnavailable(
                f"OpenAI {self.model} returned HTTP 200 with a body that is not valid JSON: {error}"
            ) from error
        if not isinstance(response, ImagesResponse):
            # The SDK returns the text of a 200 reply whose content type is not JSON, such as a proxy's HTML page.
            ledger.record(unreported)
            raise ProviderUnavailable(f"OpenAI {self.model} returned HTTP 200 with a body that is not valid JSON")
        return response

    def _with_current_key(self, request: Callable[[openai.OpenAI], ImagesResponse]) -> ImagesResponse:
        """Send the request; when OpenAI rejects the key and a re-read finds a new one, send it once more."""
        client = self._clients.get()
        try:
            return request(client)
        except (openai.AuthenticationError, openai.PermissionDeniedError):
            if not self._clients.refresh(client):
                raise
            logger.warning("OpenAI rejected the API key; retrying once with the key read again")
        return request(self._clients.get())

    def _domain_error(self, error: openai.APIStatusError) -> Exception:
        status = error.status_code
        code, text = _error_details(error)
        message = f"OpenAI {self.model} returned HTTP {status}: {self.key.quoted(text)}"
        retry_after = retry_after_seconds(error.response.headers)
        # A spent quota or billing limit comes as a 429 or, for billing_hard_limit_reached, often as a 400. Some
        # replies name insufficient_quota only as the error's type, with a null code.
        if code in QUOTA_CODES or error.type in QUOTA_CODES:
            return self.key.quota_spent(message)
        if status == 429:
            return ProviderThrottled(message, retry_after_seconds=retry_after)
        if status >= 500 or status in TRANSIENT_STATUS:
            return ProviderUnavailable(message, retry_after_seconds=retry_after)
        if status in (401, 403):
            return self.key.rejected(status, message)
        if code in BLOCKED_CODES:
            return ContentBlocked(f"OpenAI refused the image ({code}): {self.key.quoted(text)}")
        if status == 404:
            return ProviderRequestRejected(f"{message}; check the model name in IMAGE_MODEL")
        if 300 <= status < 400:
            return ProviderRequestRejected(
                f"{message}; redirects are not followed, so that the request and its reference photos never go "
                "to another host: set OPENAI_BASE_URL to the endpoint the redirect names"
            )
        return ProviderRequestRejected(message)

    def _usage(self, job: ImageJob, response: ImagesResponse, *, photos: int) -> Usage:
        """Return the response's usage and cost; a usage that cannot be read is estimated from the request.

        The SDK does not validate responses, so any field may have an unexpected type here.
        """
        returned = len(response.data) if isinstance(response.data, list) else 0
        # Priced as requested: a reply's own size or quality is taken only where the request left it to the model.
        quality = response.quality if job.quality == "auto" and isinstance(response.quality, str) else job.quality
        size = job.size
        if self.model in self._prices.image and not self._prices.lists_image_price(
            self.model, quality=quality, size=size
        ):
            logger.warning(
                "the price table lists no price for this image; pricing it by pixel count",
                extra={"job_id": job.job_id, "model": self.model, "quality": quality, "size": size},
            )
        reported = _reported_usage(response.usage, estimated_image_tokens=REFERENCE_PHOTO_INPUT_TOKENS * photos)
        # The request is for one image. A response with more is priced as one, since one is kept. A response
        # with none whose usage reports output tokens generated one, which is billed though it did not arrive.
        generated = returned > 0 or (reported is not None and reported.output_tokens > 0)
        images = REQUESTED_IMAGES if generated else 0
        if reported is not None:
            text_tokens, image_tokens = reported.text_tokens, reported.image_tokens
            input_tokens, output_tokens = reported.input_tokens, reported.output_tokens
        else:
            text_tokens = estimated_text_tokens(job.prompt)
            image_tokens = REFERENCE_PHOTO_INPUT_TOKENS * photos
            input_tokens, output_tokens = text_tokens + image_tokens, 0
            logger.warning(
                "OpenAI reported no readable usage; the ledger records a cost estimated from the request",
                extra={"job_id": job.job_id, "model": self.model, "usage": repr(response.usage)[:200]},
            )
        cost = self._prices.image_cost(
            self.model,
            quality=quality,
            size=size,
            images=images,
            input_text_tokens=text_tokens,
            input_image_tokens=image_tokens,
        )
        return Usage(
            step="render",
            provider=PROVIDER,
            model=self.model,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            images=images,
            cost_usd=cost,
            job_id=job.job_id,
            reported=reported is not None,
        )


@dataclass(frozen=True)
class _ReportedUsage:
    """Token counts a response reported; the input split is estimated where the response gave none."""

    input_tokens: int
    output_tokens: int
    text_tokens: int
    image_tokens: int


def _reported_usage(usage: object, *, estimated_image_tokens: int) -> _ReportedUsage | None:
    """Read the usage the response reported, or return None when its totals are missing, malformed or contradictory.

    A usage without `input_tokens_details` keeps its totals, and its input is split into image tokens as
    estimated for the request (at most the input) and text tokens for the rest.
    """
    if isinstance(usage, BaseModel):
        usage = usage.model_dump(warnings=False)
    if not isinstance(usage, dict):
        return None
    input_tokens, output_tokens = usage.get("input_tokens"), usage.get("output_tokens")
    # A count of true or "100" is no reported count.
    if not (plausible_token_count(input_tokens) and plausible_token_count(output_tokens)):
        return None
    details = usage.get("input_tokens_details")
    if details is None:
        estimated = min(estimated_image_tokens, input_tokens)
        return _ReportedUsage(input_tokens, output_tokens, input_tokens - estimated, estimated)
    if not isinstance(details, dict):
        return None
    text_tokens, image_tokens = details.get("text_tokens"), details.get("image_tokens")
    if not (plausible_token_count(text_tokens) and plausible_token_count(image_tokens)):
        return None
    # A split larger than the input it splits contradicts itself, and either figure may be the wrong one.
    if text_tokens + image_tokens > input_tokens:
        return None
    return _ReportedUsage(input_tokens, output_tokens, text_tokens, image_tokens)


def _error_details(error: openai.APIStatusError) -> tuple[str | None, str]:
    """Return an error's code and its text, whatever shape its body has.

    The SDK builds the text from `error.message` only, so a body such as
    {"error": "moderation_blocked"} or a proxy's plain-text page left just
    "Error code: 400". Such a body is quoted after the SDK's text, and a body
    that is a bare code ("moderation_blocked") is read as the code. The text is
    returned whole: ApiKey.quoted redacts it before cutting it, so a key echoed
    across the cut is never left half shown.
    """
    code = error.code if isinstance(error.code, str) else None
    body = error.body
    if isinstance(body, str) and body.strip():
        shown = body.strip()
        code = code or (shown if shown.isidentifier() else None)
    elif isinstance(body, dict) and not body.get("message"):
        shown = json.dumps(body, ensure_ascii=False)
    else:
        return code, error.message
    return code, f"{error.message} - {shown}"


def _send(client: openai.OpenAI, options: dict[str, Any], photos: list[tuple[str, bytes, str]]) -> ImagesResponse:
    response: ImagesResponse
    if photos:
        response = client.images.edit(image=photos, input_fidelity="high", **options)
    else:
        response = client.images.generate(**options)
    return response


def _reference_file(index: int, photo: bytes) -> tuple[str, bytes, str]:
    """Name a reference photo for the multipart upload; a photo that does not decode is never sent."""
    problem = image_problem(photo, max_pixels=MAX_REFERENCE_PHOTO_PIXELS)
    kind = media_type(photo)
    if problem is not None or kind is None:
        raise ReferencePhotoInvalid(
            f"reference photo {index} is not a usable image: {problem}; expected a PNG, JPEG or WebP photo"
        )
    return f"reference-{index}.{kind.split('/')[-1]}", photo, kind


_DATA_URI = re.compile(r"\A\s*data:image/[\w.+-]+;base64,", re.IGNORECASE)


def _image_bytes(response: ImagesResponse, *, max_pixels: int) -> bytes:
    """Decode the first image and check that Pillow can read it and that it has at most `max_pixels`.

    The size is read from the header first, so an image far larger than requested is refused before its
    pixels fill the function's memory, and never reaches the vision check, which bills by image size.
    """
    first = response.data[0] if isinstance(response.data, list) and response.data else None
    encoded = getattr(first, "b64_json", None)
    if not isinstance(encoded, str) or not encoded:
        if getattr(first, "url", None):
            raise ProviderOutputInvalid("OpenAI returned an image URL, not the image data (b64_json) requested")
        raise ProviderOutputInvalid("OpenAI returned no image data")
    # Some gateways send the image as a data URI ("data:image/png;base64,...") in b64_json.
    encoded = _DATA_URI.sub("", encoded, count=1)
    try:
        # Line breaks are dropped first: some gateways wrap base64 at 76 characters, as MIME does.
        data = base64.b64decode("".join(encoded.split()), validate=True)
        # Every pixel is decoded: a header check passes an image cut short.
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise ProviderOutputInvalid(
                    f"OpenAI returned a {image.width}x{image.height} image, more than "
                    f"{MAX_PIXELS_OVER_REQUEST} times the pixels requested"
                )
            image.load()
    except (
        binascii.Error,
        UnidentifiedImageError,
        Image.DecompressionBombError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ProviderOutputInvalid(
            f"OpenAI returned image data that cannot be decoded: {decode_error(error)}"
        ) from error
    return data


def checked_image(data: bytes, *, output_format: str, width: int, height: int) -> RenderedImage:
    """Compare a decodable image with the request, naming each difference in `problems`.

    The media type is always the decoded format's. An image in a format
    outside PNG, JPEG and WebP, such as GIF, is converted to `output_format`.
    """
    problems = []
    with Image.open(io.BytesIO(data)) as image:
        decoded_format = str(image.format)
        requested = PILLOW_FORMATS[output_format]
        media = next((name for name, pillow in PILLOW_FORMATS.items() if pillow == decoded_format), None)
        if media is None:
            data = _encoded(image, output_format)
            media = output_format
            problems.append(
                f"OpenAI returned a {decoded_format} image where {requested} was requested; "
                f"it was converted to {requested}"
            )
        elif media != output_format:
            problems.append(f"OpenAI returned a {decoded_format} image where {requested} was requested")
        if image.size != (width, height):
            problems.append(
                f"OpenAI returned a {image.width}x{image.height} image where {width}x{height} was requested"
            )
    return RenderedImage(data=data, media_type=MEDIA_TYPES[media], problems=problems)


def _encoded(image: Image.Image, output_format: str) -> bytes:
    if output_format == "jpeg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # JPEG has no alpha channel or palette
    buffer = io.BytesIO()
    image.save(buffer, format=PILLOW_FORMATS[output_format], **({"lossless": True} if output_format == "webp" else {}))
    return buffer.getvalue()
