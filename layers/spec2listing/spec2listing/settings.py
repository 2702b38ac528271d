"""Configuration read from the environment once per Lambda container (or local run).

The template sets these variables from its parameters; local runs set the same
names from the same template.
"""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
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
    """Which providers run, with which models, where their keys are, and how long calls may take.

    Keys come from GEMINI_API_KEY / OPENAI_API_KEY when set (local runs), else
    from the Secrets Manager secrets named by GEMINI_API_KEY_SECRET /
    OPENAI_API_KEY_SECRET (Lambda). Timeouts and budgets are seconds: a
    timeout bounds one HTTP attempt, a budget bounds every attempt of one call
    (retries and the repair attempt included) and must fit the function's
    timeout in template.yaml.
    """

    model_config = SettingsConfigDict(extra="ignore")

    providers: ProviderMode = "auto"
    text_model: str = "gemini-2.5-flash"
    vision_model: str = "gemini-2.5-flash"
    image_model: str = "gpt-image-2"
    image_output_format: Literal["png", "jpeg", "webp"] = "png"
    gemini_api_key: SecretStr | None = None
    openai_api_key: SecretStr | None = None
    gemini_api_key_secret: str | None = None
    openai_api_key_secret: str | None = None
    gemini_base_url: str | None = None
    openai_base_url: str | None = None
    price_table: Path | None = None

    text_timeout_seconds: float = Field(default=120.0, gt=0)
    text_budget_seconds: float = Field(default=240.0, gt=0)
    text_max_output_tokens: int = Field(default=8192, gt=0)
    image_timeout_seconds: float = Field(default=600.0, gt=0)
    image_budget_seconds: float = Field(default=840.0, gt=0)
    vision_timeout_seconds: float = Field(default=60.0, gt=0)
    vision_budget_seconds: float = Field(default=120.0, gt=0)
    vision_concurrency: int = Field(default=4, ge=1, le=16)
    retry_attempts: int = Field(default=3, ge=1, le=10)
    retry_initial_seconds: float = Field(default=2.0, ge=0)
    retry_max_seconds: float = Field(default=30.0, ge=0)

    @field_validator(
        "gemini_api_key",
        "openai_api_key",
        "gemini_api_key_secret",
        "openai_api_key_secret",
        "price_table",
        "gemini_base_url",
        "openai_base_url",
        mode="before",
    )
    @classmethod
    def _empty_as_unset(cls, value: object) -> object:
        # The template passes an empty string for a parameter left blank.
        return None if value == "" else value

    @field_validator("gemini_base_url", "openai_base_url")
    @classmethod
    def _no_credentials(cls, value: str | None) -> str | None:
        # A base URL is written into outputs to name the endpoint, and the OpenAI SDK would send its user and
        # password as Basic authorization in place of the key.
        if value is not None and urlsplit(value.strip()).username is not None:
            raise ValueError(
                "the base URL carries a user name or password, which would be written into the outputs; give "
                "the API key in its own setting and leave credentials out of the URL"
            )
        return value

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
