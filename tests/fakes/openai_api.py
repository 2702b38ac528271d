"""A fake OpenAI Images API (`/v1/images/generations` and `/v1/images/edits`) answering like the real one.

Images come from a `draw(prompt, size, quality, background)` function the test
hands in; the default draws a plain grey PNG of the requested size.
"""

import base64
import io
import time
from collections.abc import Callable
from typing import Any

from PIL import Image
from spec2listing.costs import PriceTable
from spec2listing.costs.tokens import REFERENCE_PHOTO_INPUT_TOKENS

from tests.fakes.server import FakeServer, Recorded, Reply

KEY = "fake-openai-key"
OUTPUT_TOKENS = {"low": 272, "medium": 1056, "high": 4160, "auto": 4160}
Draw = Callable[[str, str, str, str], bytes]


def plain_png(prompt: str, size: str, quality: str, background: str) -> bytes:
    width, height = (int(side) for side in size.split("x"))
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def error(status: int, code: str | None, message: str, kind: str = "invalid_request_error") -> Reply:
    return Reply(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})


MODERATION_BLOCKED = error(
    400,
    "moderation_blocked",
    "Your request was rejected by the safety system. Your request may contain content that is not allowed.",
    "image_generation_user_error",
)
INVALID_KEY = error(401, "invalid_api_key", "Incorrect API key provided: wrong-***-key.")


def throttled(retry_after: str = "0") -> Reply:
    return Reply(
        429,
        error(429, "rate_limit_exceeded", "Rate limit reached for images per minute.").body,
        {"retry-after": retry_after},
    )


def server_error() -> Reply:
    return error(500, None, "The server had an error while processing your request.", "server_error")


class FakeOpenAI(FakeServer):
    """OpenAI's image REST shapes on 127.0.0.1; `key` is the key it accepts, `reported` every usage delivered."""

    def __init__(self, draw: Draw = plain_png) -> None:
        super().__init__()
        self.draw = draw
        self.key = KEY

    @staticmethod
    def params_of(request: Recorded) -> tuple[dict[str, Any], list[bytes]]:
        """The request's parameters, and the reference photos of an edit."""
        if request.path.endswith("/images/edits"):
            form = request.form()
            references = [content for name in ("image[]", "image") for _, content in form.get(name, [])]
            params = {name: values[0][1].decode() for name, values in form.items() if name not in ("image", "image[]")}
            return params, references
        return request.json(), []

    @property
    def reported(self) -> list[dict[str, Any]]:
        """The usage, quality, size and model of every successful reply delivered."""
        with self._lock:
            delivered = list(self.delivered)
        reported = []
        for request, reply in delivered:
            body = reply.body
            if reply.status != 200 or not isinstance(body, dict) or not isinstance(body.get("usage"), dict):
                continue
            params, _ = self.params_of(request)
            reported.append(
                {**body["usage"], "quality": body["quality"], "size": body["size"], "model": params.get("model")}
            )
        return reported

    def reported_costs(self, prices: PriceTable) -> list[float]:
        """The USD cost of every usage delivered, by the price table."""
        return [
            prices.image_cost(
                usage["model"],
                quality=usage["quality"],
                size=usage["size"],
                images=1,
                input_text_tokens=usage["input_tokens_details"]["text_tokens"],
                input_image_tokens=usage["input_tokens_details"]["image_tokens"],
            )
            for usage in self.reported
        ]

    def respond(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return INVALID_KEY
        if not request.path.endswith(("/images/generations", "/images/edits")):
            return error(404, None, f"Invalid URL (POST {request.path})")
        params, references = self.params_of(request)
        prompt, size, quality = params["prompt"], params.get("size", "1024x1024"), params.get("quality", "medium")
        background = params.get("background", "auto")
        data = self.draw(prompt, size, quality, background)
        body = answer(
            data,
            prompt=prompt,
            size=size,
            quality=quality,
            background=background,
            output_format=params.get("output_format", "png"),
            references=len(references),
        )
        return Reply(200, body)


def answer(
    data: bytes,
    *,
    prompt: str,
    size: str = "1024x1024",
    quality: str = "medium",
    background: str = "auto",
    output_format: str = "png",
    references: int = 0,
) -> dict[str, Any]:
    """An images response body with one image and the usage the API would report for the request."""
    text_tokens = max(1, len(prompt) // 4)
    image_tokens = REFERENCE_PHOTO_INPUT_TOKENS * references
    usage = {
        "input_tokens": text_tokens + image_tokens,
        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
        "output_tokens": OUTPUT_TOKENS[quality],
        "total_tokens": text_tokens + image_tokens + OUTPUT_TOKENS[quality],
    }
    return {
        "created": int(time.time()),
        "data": [{"b64_json": base64.b64encode(data).decode()}],
        "background": "opaque" if background != "transparent" else "transparent",
        "output_format": output_format,
        "quality": "high" if quality == "auto" else quality,
        "size": size,
        "usage": usage,
    }
