"""Choose offline or live providers from settings.

`auto` uses a live provider when its key is configured (an environment variable
or a secret name) and the offline one otherwise. `live` always uses the live
ones, whose first call raises ProviderAuthFailed when a key is missing, and
`offline` never calls out. Building a live provider makes no network call,
because its key is read when the first call needs it.
"""

import logging

from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs import PriceTable, load_prices
from spec2listing.errors import ProviderAuthFailed
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.offline_vision import OfflineVisionChecker
from spec2listing.providers import CopyWriter, ImageRenderer, VisionChecker, served_by
from spec2listing.providers.gemini import GeminiModel
from spec2listing.providers.gemini_copy import GeminiCopyWriter
from spec2listing.providers.gemini_vision import GeminiVisionChecker
from spec2listing.providers.keys import ApiKey
from spec2listing.providers.openai_images import OpenAIImageRenderer
from spec2listing.providers.retry import RetryPolicy
from spec2listing.settings import ImageSettings, ProviderSettings

# Verdicts for a handful of checklist items take a few hundred tokens, but Gemini 2.5 models think by default
# and count their thinking tokens against the output limit (responses come back empty with MAX_TOKENS when a
# low limit is spent on thinking), so the limit leaves thinking the same room as copy has.
VISION_MAX_OUTPUT_TOKENS = 8192
logger = logging.getLogger(__name__)
_WARNED_UNPRICED: set[str] = set()


def gemini_key(settings: ProviderSettings) -> ApiKey:
    return ApiKey(
        provider="Gemini",
        variable="GEMINI_API_KEY",
        value=settings.gemini_api_key,
        secret_name=settings.gemini_api_key_secret,
    )


def openai_key(settings: ProviderSettings) -> ApiKey:
    return ApiKey(
        provider="OpenAI",
        variable="OPENAI_API_KEY",
        value=settings.openai_api_key,
        secret_name=settings.openai_api_key_secret,
    )


def _use_live(settings: ProviderSettings, key: ApiKey) -> bool:
    # In live mode a missing key is not a reason to fall back: the first call raises ProviderAuthFailed.
    if settings.providers == "offline":
        return False
    return settings.providers == "live" or key.configured


def unpriced_models(settings: ProviderSettings) -> list[str]:
    """Models of the live providers in use that the price table lists no price for, whose calls cost 0 USD."""
    gemini_live = _use_live(settings, gemini_key(settings))
    text_models = [settings.text_model, settings.vision_model] if gemini_live else []
    image_models = [settings.image_model] if _use_live(settings, openai_key(settings)) else []
    missing = prices(settings).missing(text_models=list(dict.fromkeys(text_models)), image_models=image_models)
    return list(dict.fromkeys(missing))


def _warn_if_unpriced(model: str, table: PriceTable, settings: ProviderSettings, *, image: bool) -> None:
    """Log a warning, once per model and process, when the price table lists no price for a live model."""
    listed = model in (table.image if image else table.text)
    if listed or model in _WARNED_UNPRICED:
        return
    _WARNED_UNPRICED.add(model)
    logger.warning(
        "the price table lists no price for this model; its calls are recorded at 0 USD",
        extra={"model": model, "price_table": str(settings.price_table or "shipped")},
    )


def missing_keys(settings: ProviderSettings) -> list[str]:
    """Where the keys live mode needs but lacks should be set; empty unless providers are `live`."""
    if settings.providers != "live":
        return []
    return [key.variable for key in (gemini_key(settings), openai_key(settings)) if not key.configured]


def invalid_keys(settings: ProviderSettings) -> list[str]:
    """Say why each key that an environment variable sets for a provider in use is not a key; reads no secret.

    Checked before a local run starts, so that a malformed OPENAI_API_KEY fails before the copy calls are paid.
    """
    problems = []
    for key in (gemini_key(settings), openai_key(settings)):
        if key.source != key.variable or not _use_live(settings, key):
            continue
        try:
            key.get()
        except ProviderAuthFailed as error:
            problems.append(str(error))
    return problems


def _policy(settings: ProviderSettings, timeout: float, budget: float) -> RetryPolicy:
    return RetryPolicy(
        attempts=settings.retry_attempts,
        initial_seconds=settings.retry_initial_seconds,
        max_seconds=settings.retry_max_seconds,
        timeout_seconds=timeout,
        budget_seconds=budget,
    )


def prices(settings: ProviderSettings) -> PriceTable:
    return load_prices(settings.price_table)


def _gemini(settings: ProviderSettings, *, model: str, step: str, policy: RetryPolicy) -> GeminiModel:
    table = prices(settings)
    _warn_if_unpriced(model, table, settings, image=False)
    return GeminiModel(
        key=gemini_key(settings),
        model=model,
        step=step,
        base_url=settings.gemini_base_url,
        policy=policy,
        prices=table,
    )


def copy_writer(settings: ProviderSettings) -> CopyWriter:
    if not _use_live(settings, gemini_key(settings)):
        return OfflineCopyWriter(latency_seconds=settings.offline_copy_latency_seconds)
    policy = _policy(settings, settings.text_timeout_seconds, settings.text_budget_seconds)
    gemini = _gemini(settings, model=settings.text_model, step="copy", policy=policy)
    return GeminiCopyWriter(gemini, max_output_tokens=settings.text_max_output_tokens)


def image_renderer(settings: ProviderSettings) -> ImageRenderer:
    key = openai_key(settings)
    if not _use_live(settings, key):
        return OfflineRenderer(latency_seconds=settings.offline_image_latency_seconds)
    table = prices(settings)
    _warn_if_unpriced(settings.image_model, table, settings, image=True)
    return OpenAIImageRenderer(
        key=key,
        model=settings.image_model,
        base_url=settings.openai_base_url,
        output_format=settings.image_output_format,
        policy=_policy(settings, settings.image_timeout_seconds, settings.image_budget_seconds),
        prices=table,
    )


def vision_checker(settings: ProviderSettings) -> VisionChecker:
    if not _use_live(settings, gemini_key(settings)):
        return OfflineVisionChecker()
    policy = _policy(settings, settings.vision_timeout_seconds, settings.vision_budget_seconds)
    gemini = _gemini(settings, model=settings.vision_model, step="vision", policy=policy)
    return GeminiVisionChecker(gemini, max_output_tokens=VISION_MAX_OUTPUT_TOKENS)


def generation_settings(settings: ProviderSettings, images: ImageSettings) -> dict[str, str]:
    """Name the providers, models and image settings a listing is generated with; builds providers, calls none."""
    writer, renderer, vision = copy_writer(settings), image_renderer(settings), vision_checker(settings)
    image_model = served_by(renderer.model, renderer.endpoint)
    return {
        "copy": f"{writer.name}/{served_by(writer.model, writer.endpoint)}",
        "images": f"{renderer.name}/{image_model}/{images.image_size}/{images.lifestyle_image_size}/"
        f"{images.image_quality}/{settings.image_output_format}",
        "vision": f"{vision.name}/{served_by(vision.model, vision.endpoint)}",
    }


def provider_names(settings: ProviderSettings) -> dict[str, str]:
    return {
        "copy": copy_writer(settings).name,
        "images": image_renderer(settings).name,
        "vision": vision_checker(settings).name,
    }
