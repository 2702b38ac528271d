"""A fake Gemini API (`models/{model}:generateContent`) answering like the real one.

By default it answers copy requests with the offline copywriter's listing for
the spec inside the request's data block, and vision requests with `present`
for anchors and elements and a pixel verdict for the colour, so a live run
against it matches an offline run. Tests queue faults with `queue`.
"""

import base64
import json
import re
from typing import Any

from spec2listing.consistency.thresholds import LIFESTYLE_COLOR_MIN_SHARE, VARIANT_COLOR_MAX_DELTA_E
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs import PriceTable
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.imaging.pixels import color_share
from spec2listing.models.brand import BrandGuide
from spec2listing.models.spec import ProductSpec

from tests.fakes.server import FakeServer, Recorded, Reply

KEY = "fake-gemini-key"
THINKING_TOKENS = 48
_MODEL = re.compile(r"/models/([^/:]+):generateContent")
_DATA = re.compile(r"<(product_data|checklist)>\n(.*)\n</\1>", re.DOTALL)


def tokens(text: str) -> int:
    """The fake's token count: one token per four characters, as a rough tokenizer would give."""
    return max(1, len(text) // 4)


def answer(model: str, text: str, *, prompt_tokens: int, finish: str | int = "STOP") -> dict[str, Any]:
    """A generateContent response body with one candidate."""
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": finish, "index": 0}],
        "usageMetadata": {
            "promptTokenCount": prompt_tokens,
            "candidatesTokenCount": tokens(text),
            "thoughtsTokenCount": THINKING_TOKENS,
            "totalTokenCount": prompt_tokens + tokens(text) + THINKING_TOKENS,
        },
        "modelVersion": model,
    }


def error(code: int, status: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, "details": details or []}}


INVALID_KEY = Reply(
    400,
    error(
        400,
        "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.",
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
            }
        ],
    ),
)


def throttled(retry_delay: str = "0.05s") -> Reply:
    return Reply(
        429,
        error(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
            [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay}],
        ),
    )


def server_error() -> Reply:
    return Reply(500, error(500, "INTERNAL", "An internal error has occurred."))


def blocked_prompt(reason: str = "SAFETY") -> Reply:
    return Reply(200, {"promptFeedback": {"blockReason": reason}, "usageMetadata": {"promptTokenCount": 10}})


def finished(text: str, finish: str, model: str = "gemini-2.5-flash") -> Reply:
    return Reply(200, answer(model, text, prompt_tokens=100, finish=finish))


def continuing(text: str, model: str = "gemini-2.5-flash") -> Reply:
    """A response that stops with finish reason CONTINUATION and carries a continuation token."""
    body = answer(model, text, prompt_tokens=100, finish="CONTINUATION")
    body["candidates"][0]["continuationToken"] = base64.b64encode(b"resume-here").decode()
    return Reply(200, body)


def decode_bytes(text: str) -> bytes:
    """Decode inline data the way the API does: standard or URL-safe base64, padding optional."""
    return base64.urlsafe_b64decode(text.replace("+", "-").replace("/", "_") + "=" * (-len(text) % 4))


class FakeGemini(FakeServer):
    """Gemini's REST shapes on 127.0.0.1; `key` is the key it accepts, `reported` every usageMetadata delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.key = KEY

    @property
    def reported(self) -> list[tuple[str, dict[str, int]]]:
        """The model and usageMetadata of every successful reply delivered."""
        with self._lock:
            delivered = list(self.delivered)
        return [
            (self.model_of(request), reply.body["usageMetadata"])
            for request, reply in delivered
            if reply.status == 200 and isinstance(reply.body, dict) and "usageMetadata" in reply.body
        ]

    def reported_costs(self, prices: PriceTable) -> list[float]:
        """The USD cost of every usageMetadata delivered, by the price table."""
        return [
            prices.text_cost(
                model,
                input_tokens=usage.get("promptTokenCount", 0),
                output_tokens=usage.get("candidatesTokenCount", 0),
                thinking_tokens=usage.get("thoughtsTokenCount", 0),
            )
            for model, usage in self.reported
        ]

    @staticmethod
    def model_of(request: Recorded) -> str:
        match = _MODEL.search(request.path)
        assert match, request.path
        return match.group(1)

    @staticmethod
    def data_of(request: Recorded) -> tuple[str, Any]:
        """The tag and decoded JSON of the data block in the request's first user message."""
        for part in request.json()["contents"][0]["parts"]:
            match = _DATA.search(part.get("text", ""))
            if match:
                return match.group(1), json.loads(match.group(2))
        raise AssertionError("request has no data block")

    def respond(self, request: Recorded) -> Reply:
        if request.headers.get("x-goog-api-key") != self.key:
            return INVALID_KEY
        model = self.model_of(request)
        body = request.json()
        prompt_tokens = tokens(json.dumps(body.get("systemInstruction", ""))) + tokens(json.dumps(body["contents"]))
        tag, data = self.data_of(request)
        text = self._copy(data) if tag == "product_data" else self._verdicts(data, self._image(body))
        return Reply(200, answer(model, text, prompt_tokens=prompt_tokens))

    @staticmethod
    def _copy(data: dict[str, Any]) -> str:
        spec = ProductSpec.model_validate(data["spec"])
        brand = BrandGuide.model_validate(data["brand_guide"]) if "brand_guide" in data else None
        return OfflineCopyWriter().write(spec, brand, ledger=MemoryLedger()).listing.model_dump_json()

    @staticmethod
    def _image(body: dict[str, Any]) -> bytes:
        for part in body["contents"][0]["parts"]:
            if "inlineData" in part:
                return decode_bytes(part["inlineData"]["data"])
        raise AssertionError("vision request without an image")

    @staticmethod
    def _verdicts(data: dict[str, Any], image: bytes) -> str:
        verdicts = []
        for item in data["items"]:
            verdict = "present"
            if item["kind"] == "color":
                hex_color = item["item"].rsplit(" ", 1)[-1]
                share = color_share(image, hex_color, VARIANT_COLOR_MAX_DELTA_E)
                verdict = "present" if share >= LIFESTYLE_COLOR_MIN_SHARE else "absent"
            verdicts.append({**item, "verdict": verdict, "reason": f"the image {verdict} {item['item']}"[:80]})
        return json.dumps({"verdicts": verdicts})
