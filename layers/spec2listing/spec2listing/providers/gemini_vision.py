"""Live vision check: Gemini looks at one image and gives a verdict per anchor, element and colour."""

from typing import Literal

from google.genai import types
from pydantic import BaseModel, Field, ValidationError

from spec2listing.costs.ledger import UsageLedger
from spec2listing.errors import ProviderOutputInvalid
from spec2listing.models.jobs import ImageJob
from spec2listing.providers import VisionReport, VisionVerdict
from spec2listing.providers.gemini import GeminiModel, generate_validated, parse_json_object
from spec2listing.providers.gemini_copy import brief
from spec2listing.providers.media import media_type
from spec2listing.providers.prompts import VISION_SYSTEM_INSTRUCTION, checklist, vision_request

# Reasons longer than this are cut: they land in reports and review sheets.
REASON_MAX_CHARS = 300


class VisionAnswerItem(BaseModel):
    """One checklist item as the model judged it."""

    item: str
    kind: Literal["anchor", "mandatory_element", "color"]
    verdict: Literal["present", "absent", "unverified"]
    reason: str = Field(description="One short sentence about what the image shows.")


class VisionAnswer(BaseModel):
    """The model's verdicts, one per checklist item."""

    verdicts: list[VisionAnswerItem]


class GeminiVisionChecker:
    """Verdicts from Gemini's multimodal model; items it does not answer make the answer invalid."""

    name = "gemini"

    def __init__(self, gemini: GeminiModel, *, max_output_tokens: int) -> None:
        self._gemini = gemini
        self.model = gemini.model
        self.endpoint = gemini.endpoint
        self._max_output_tokens = max_output_tokens

    def check(
        self, image: bytes, job: ImageJob, *, ledger: UsageLedger, budget_seconds: float | None = None
    ) -> VisionReport:
        items = checklist(job)
        if not items:
            return VisionReport(verdicts=[])
        parts = [
            types.Part.from_bytes(data=image, mime_type=media_type(image) or "image/png"),
            types.Part.from_text(text=vision_request(job)),
        ]
        verdicts = generate_validated(
            self._gemini,
            contents=[types.Content(role="user", parts=parts)],
            system_instruction=VISION_SYSTEM_INSTRUCTION,
            schema=VisionAnswer.model_json_schema(),
            max_output_tokens=self._max_output_tokens,
            validate=lambda text: validate_verdicts(text, items),
            ledger=ledger,
            budget_seconds=budget_seconds,
        )
        if all(verdict.verdict == "unverified" for verdict in verdicts):
            # Unverified items are not scored, so a model that commits to nothing would pass every image.
            return VisionReport(
                verdicts=verdicts,
                error=f"{self.model} could not tell whether the image shows any of its {len(verdicts)} items "
                "(every verdict unverified)",
            )
        # Nor may a model pass an image by leaving unverified the one promise it would fail. The colour
        # is measured on the pixels as well, so only anchors and mandatory elements count here.
        unconfirmed = [
            verdict.item
            for verdict in verdicts
            if verdict.verdict == "unverified" and verdict.kind in ("anchor", "mandatory_element")
        ]
        if unconfirmed:
            return VisionReport(
                verdicts=verdicts,
                error=f"{self.model} could not tell whether the image shows "
                + ", ".join(repr(item) for item in unconfirmed)
                + " (verdict unverified); look at the image",
            )
        return VisionReport(verdicts=verdicts)


def validate_verdicts(text: str, items: list[dict[str, str]]) -> list[VisionVerdict]:
    """Match the answer to the checklist: one verdict per item, in checklist order."""
    try:
        answer = VisionAnswer.model_validate(parse_json_object(text))
    except ValidationError as error:
        raise ProviderOutputInvalid(f"the answer does not match the verdict schema: {brief(error)}") from error
    requested = {(item["kind"], item["item"].strip().casefold()) for item in items}
    answered: dict[tuple[str, str], VisionAnswerItem] = {}
    conflicting = []
    for verdict in answer.verdicts:
        key = (verdict.kind, verdict.item.strip().casefold())
        if key not in requested:
            continue  # An item the checklist does not have, whatever its verdicts, decides nothing.
        earlier = answered.setdefault(key, verdict)
        if earlier.verdict != verdict.verdict:
            conflicting.append(verdict.item)
    if conflicting:
        # Taking either verdict would let the order of the answer decide whether the image passes.
        raise ProviderOutputInvalid(f"the answer gives different verdicts for: {'; '.join(conflicting)}")
    verdicts = []
    missing = []
    for item in items:
        found = answered.get((item["kind"], item["item"].strip().casefold()))
        if found is None:
            missing.append(item["item"])
            continue
        verdicts.append(
            VisionVerdict(
                item=item["item"],
                kind=found.kind,
                verdict=found.verdict,
                reason=found.reason.strip()[:REASON_MAX_CHARS],
            )
        )
    if missing:
        raise ProviderOutputInvalid(f"the answer has no verdict for: {'; '.join(missing)}")
    return verdicts
