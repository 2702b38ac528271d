"""Configuration read from the environment once per Lambda container (or local run).

The template sets these variables from its parameters; local runs set the same
names from the same template.
"""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from spec2listing.models.jobs import ImageQuality, ImageSize
from spec2listing.models.tasks import PipelineConfig

ProviderMode = Literal["auto", "offline", "live"]


class StorageSettings(BaseSettings):
    """Names of the bucket, table and bus."""

    model_config = SettingsConfigDict(extra="ignore")

    bucket_name: str = Field(min_length=3)
    table_name: str = Field(min_length=3)
    event_bus_name: str = "default"


class ProviderSettings(BaseSettings):
    """Which providers run, with which models, and where their keys are."""

    model_config = SettingsConfigDict(extra="ignore")

    providers: ProviderMode = "auto"
    text_model: str = "gemini-2.5-flash"
    vision_model: str = "gemini-2.5-flash"
    image_model: str = "gpt-image-2"
    image_output_format: Literal["png", "jpeg", "webp"] = "png"
    gemini_api_key_secret: str | None = None
    openai_api_key_secret: str | None = None
    gemini_base_url: str | None = None
    openai_base_url: str | None = None
    provider_timeout_seconds: float = Field(default=600.0, gt=0)
    # Benchmark knobs: the offline providers wait this long per call, standing in for a live provider's latency.
    offline_copy_latency_seconds: float = Field(default=0.0, ge=0, le=600)
    offline_image_latency_seconds: float = Field(default=0.0, ge=0, le=900)


class ImageSettings(BaseSettings):
    """Sizes and quality of planned images."""

    model_config = SettingsConfigDict(extra="ignore")

    image_size: ImageSize = "1024x1024"
    lifestyle_image_size: ImageSize = "1536x1024"
    image_quality: ImageQuality = "medium"


class MapSettings(BaseSettings):
    """Concurrency knobs the state machine reads back from Intake's output."""

    model_config = SettingsConfigDict(extra="ignore")

    product_concurrency: int = Field(default=8, ge=0, le=10000)
    image_concurrency: int = Field(default=4, ge=0, le=40)
    tolerated_failure_percentage: float = Field(default=100.0, ge=0, le=100)

    def pipeline_config(self) -> PipelineConfig:
        return PipelineConfig(
            product_concurrency=self.product_concurrency,
            image_concurrency=self.image_concurrency,
            tolerated_failure_percentage=self.tolerated_failure_percentage,
        )
