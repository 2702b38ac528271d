"""Live copywriter: Gemini writes the listing as structured output validated against ProductCopy."""

from google.genai import types
from pydantic import ValidationError

from spec2listing.costs.ledger import UsageLedger
from spec2listing.errors import ProviderOutputInvalid
from spec2listing.models.brand import BrandGuide
from spec2listing.models.copy import ProductCopy
from spec2listing.models.spec import ProductSpec
from spec2listing.providers import CopyDraft
from spec2listing.providers.gemini import GeminiModel, generate_validated, parse_json_object
from spec2listing.providers.prompts import copy_request, copy_system_instruction

# Validation errors quoted back to the model and into the failure message.
ERRORS_SHOWN = 5


class GeminiCopyWriter:
    """Listing copy from Gemini, held to the ProductCopy schema and the spec's target platforms."""

    name = "gemini"

    def __init__(self, gemini: GeminiModel, *, max_output_tokens: int) -> None:
        self._gemini = gemini
        self.model = gemini.model
        self.endpoint = gemini.endpoint
        self._max_output_tokens = max_output_tokens

    def write(self, spec: ProductSpec, brand: BrandGuide | None, *, ledger: UsageLedger) -> CopyDraft:
        contents = [types.Content(role="user", parts=[types.Part.from_text(text=copy_request(spec, brand))])]
        listing = generate_validated(
            self._gemini,
            contents=contents,
            system_instruction=copy_system_instruction(spec, brand),
            schema=ProductCopy.model_json_schema(),
            max_output_tokens=self._max_output_tokens,
            validate=lambda text: validate_copy(text, spec),
            ledger=ledger,
        )
        return CopyDraft(listing=listing)


def validate_copy(text: str, spec: ProductSpec) -> ProductCopy:
    """Parse the answer into ProductCopy; every targeted platform must be filled, the others are dropped."""
    try:
        listing = ProductCopy.model_validate(parse_json_object(text))
    except ValidationError as error:
        raise ProviderOutputInvalid(f"the answer does not match the ProductCopy schema: {brief(error)}") from error

    targets = {platform.value for platform in spec.targets}
    missing = sorted(name for name in targets if getattr(listing.platforms, name) is None)
    if missing:
        raise ProviderOutputInvalid(f"the answer leaves out targeted platforms: {', '.join(missing)}")
    extra = {name: None for name in type(listing.platforms).model_fields if name not in targets}
    return listing.model_copy(update={"platforms": listing.platforms.model_copy(update=extra)})


def brief(error: ValidationError) -> str:
    """The first few validation errors as 'path: message', short enough to quote back to the model."""
    shown = [
        f"{'.'.join(str(part) for part in item['loc']) or '(root)'}: {item['msg']}"
        for item in error.errors()[:ERRORS_SHOWN]
    ]
    more = error.error_count() - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
