"""Provider selection, API keys from Secrets Manager, local reference photos and the cost estimate."""

import json
import socket

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws
from rich.console import Console
from spec2listing.copywriting.offline import OfflineCopyWriter
from spec2listing.costs import default_prices, load_prices
from spec2listing.costs.ledger import MemoryLedger
from spec2listing.costs.tokens import REFERENCE_PHOTO_INPUT_TOKENS
from spec2listing.errors import ProviderAuthFailed
from spec2listing.imaging.offline import OfflineRenderer
from spec2listing.imaging.offline_vision import OfflineVisionChecker
from spec2listing.local.cli import main
from spec2listing.local.estimate import estimate_files, print_estimate
from spec2listing.providers.gemini_copy import GeminiCopyWriter
from spec2listing.providers.openai_images import OpenAIImageRenderer
from spec2listing.providers.select import (
    copy_writer,
    gemini_key,
    generation_settings,
    image_renderer,
    missing_keys,
    provider_names,
    unpriced_models,
    vision_checker,
)
from spec2listing.settings import ImageSettings, ProviderSettings

from tests.support import ACCEPTANCE, ACCEPTANCE_BRANDS, EXAMPLES, brand_for, specs_in


@pytest.fixture
def no_keys(monkeypatch):
    for name in ("GEMINI_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY_SECRET", "OPENAI_API_KEY_SECRET"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_auto_without_keys_runs_offline_without_network(no_keys, no_network) -> None:
    settings = ProviderSettings(providers="auto")
    writer, renderer, vision = copy_writer(settings), image_renderer(settings), vision_checker(settings)
    assert isinstance(writer, OfflineCopyWriter)
    assert isinstance(renderer, OfflineRenderer)
    assert isinstance(vision, OfflineVisionChecker)

    (spec,) = specs_in(ACCEPTANCE / "trail-runner.json")
    brand = brand_for(spec)
    assert writer.write(spec, brand, ledger=MemoryLedger()).listing.title
    assert provider_names(settings) == {"copy": "offline", "images": "offline", "vision": "offline"}


def test_auto_uses_live_where_a_key_is_set(no_keys) -> None:
    settings = ProviderSettings(providers="auto", gemini_api_key="g-key")
    assert isinstance(copy_writer(settings), GeminiCopyWriter)
    assert isinstance(image_renderer(settings), OfflineRenderer)
    assert provider_names(settings) == {"copy": "gemini", "images": "offline", "vision": "gemini"}


def test_custom_endpoint_joins_generation(no_keys) -> None:
    keys = {"gemini_api_key": "g-key", "openai_api_key": "o-key"}
    own = generation_settings(ProviderSettings(providers="live", **keys), ImageSettings())
    endpoints = {"gemini_base_url": "http://127.0.0.1:9", "openai_base_url": "http://127.0.0.1:9/v1"}
    proxied = generation_settings(ProviderSettings(providers="live", **keys, **endpoints), ImageSettings())

    assert own["copy"] == "gemini/gemini-2.5-flash"
    assert proxied["copy"] == "gemini/gemini-2.5-flash@http://127.0.0.1:9"
    assert proxied["images"].startswith("openai/gpt-image-2@http://127.0.0.1:9/v1/")
    assert proxied["vision"] != own["vision"]
    # Other spellings of an endpoint, or the provider's own written out, change nothing.
    spelled = {"gemini_base_url": "http://127.0.0.1:9/", "openai_base_url": "HTTP://127.0.0.1:9/v1/"}
    assert generation_settings(ProviderSettings(providers="live", **keys, **spelled), ImageSettings()) == proxied
    official = {
        "gemini_base_url": "https://generativelanguage.googleapis.com/",
        "openai_base_url": "https://api.openai.com/v1",
    }
    assert generation_settings(ProviderSettings(providers="live", **keys, **official), ImageSettings()) == own


def test_endpoint_name_leaves_out_query(no_keys) -> None:
    keys = {"gemini_api_key": "g-key", "openai_api_key": "o-key"}
    queried = {"gemini_base_url": "http://127.0.0.1:9?key=secret-in-query"}
    settings = generation_settings(ProviderSettings(providers="live", **keys, **queried), ImageSettings())
    assert settings["copy"] == "gemini/gemini-2.5-flash@http://127.0.0.1:9"


@pytest.mark.parametrize("name", ["GEMINI_BASE_URL", "OPENAI_BASE_URL"])
def test_base_url_with_credentials_is_usage_error(no_keys, monkeypatch, capsys, name) -> None:
    monkeypatch.setenv(name, "http://proxy-user:proxy-p@ssword@127.0.0.1:9/v1")
    assert main(["run", str(EXAMPLES / "daypack.json"), "--providers", "offline", "--out", "unused"]) == 2
    printed = capsys.readouterr().err
    assert f"environment variable {name}" in printed
    assert "user name or password" in printed
    assert "proxy-p@" not in printed
    assert "http://***@127.0.0.1:9/v1" in printed


def test_empty_template_values_count_as_unset(no_keys, monkeypatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY_SECRET", "")
    monkeypatch.setenv("OPENAI_API_KEY_SECRET", "")
    settings = ProviderSettings(providers="auto")
    assert settings.gemini_api_key_secret is None
    assert isinstance(copy_writer(settings), OfflineCopyWriter)


def test_offline_ignores_keys(no_keys) -> None:
    settings = ProviderSettings(providers="offline", gemini_api_key="g", openai_api_key="o")
    assert provider_names(settings) == {"copy": "offline", "images": "offline", "vision": "offline"}


def test_live_reports_missing_keys(no_keys) -> None:
    settings = ProviderSettings(providers="live", openai_api_key="o")
    assert missing_keys(settings) == ["GEMINI_API_KEY"]
    assert isinstance(image_renderer(settings), OpenAIImageRenderer)
    assert missing_keys(ProviderSettings(providers="auto")) == []


def test_key_repr_hides_value() -> None:
    key = gemini_key(ProviderSettings(gemini_api_key="super-secret-value"))
    assert "super-secret-value" not in repr(key)
    assert key.get() == "super-secret-value"


@mock_aws
def test_key_from_secrets_manager(no_keys, monkeypatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    parameters.clear_caches()
    monkeypatch.setattr(parameters.base, "DEFAULT_PROVIDERS", {})
    boto3.client("secretsmanager", region_name="us-east-1").create_secret(
        Name="spec2listing/gemini", SecretString="from-secrets-manager\n"
    )

    key = gemini_key(ProviderSettings(gemini_api_key_secret="spec2listing/gemini"))
    assert key.configured
    assert key.get() == "from-secrets-manager"
    assert "spec2listing/gemini" in key.source

    missing = gemini_key(ProviderSettings(gemini_api_key_secret="spec2listing/absent"))
    with pytest.raises(ProviderAuthFailed, match="spec2listing/absent"):
        missing.get()


def test_estimate_counts_calls_and_prices_them() -> None:
    path = ACCEPTANCE / "trail-runner.json"
    estimate, errors = estimate_files([path], [ACCEPTANCE_BRANDS], prices=default_prices())

    assert errors == []
    (product,) = estimate.products
    steps = {step.step: step for step in product.steps}
    assert steps["copy"].calls == 1
    assert steps["render"].images == steps["render"].calls == 4
    assert steps["vision"].calls == 4
    image_price = default_prices().image["gpt-image-2"]
    assert steps["render"].cost_usd > 4 * min(image_price.per_image["medium"].values()) - 1e-9
    assert estimate.cost_usd == pytest.approx(sum(step.cost_usd for step in product.steps))
    assert estimate.unpriced_models == []


def test_estimate_rejects_what_intake_rejects(tmp_path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(
        "sku,name,brand,category,price,currency,variant_sku,color,color_hex,brand_guide\n"
        "OK-1,Mug,Acme,Kitchen,9.50,EUR,OK-1-RED,Red,#C0392B,\n"
        "DUP-1,Cup,Acme,Kitchen,8.50,EUR,OK-1-RED,Red,#C0392B,\n"
        "GUIDE-1,Bowl,Acme,Kitchen,7.50,EUR,GUIDE-1-RED,Red,#C0392B,missing-guide\n"
    )
    estimate, errors = estimate_files([path], [], prices=default_prices())

    assert [product.sku for product in estimate.products] == []
    by_path = {error.path: error for error in errors}
    assert by_path["row 2, column variant_sku"].message == "the variant sku is also used by product DUP-1 in this file"
    assert by_path["row 3, column variant_sku"].message == "the variant sku is also used by product OK-1 in this file"
    guide = by_path["row 4, column brand_guide"]
    assert guide.message == "brand guide missing-guide.json not found in the brand guide folders"
    assert "s3://" not in guide.message + guide.expected


def test_estimate_counts_reference_photo_tokens(tmp_path) -> None:
    document = json.loads((ACCEPTANCE / "trail-runner.json").read_text())
    document["reference_photos"] = ["front.png", "side.png"]
    path = tmp_path / "trail-runner.json"
    path.write_text(json.dumps(document))
    with_photos, _ = estimate_files([path], [ACCEPTANCE_BRANDS], prices=default_prices())
    without_photos, _ = estimate_files([ACCEPTANCE / "trail-runner.json"], [ACCEPTANCE_BRANDS], prices=default_prices())

    edits, renders = with_photos.totals()["render"], without_photos.totals()["render"]
    photo_tokens = edits.calls * 2 * REFERENCE_PHOTO_INPUT_TOKENS
    assert edits.edits == edits.calls == 4
    assert renders.edits == 0
    assert edits.input_tokens - renders.input_tokens == photo_tokens
    image_price = default_prices().image["gpt-image-2"]
    assert edits.cost_usd - renders.cost_usd == pytest.approx(
        photo_tokens * image_price.input_image_per_million / 1_000_000, abs=1e-6
    )

    console = Console(record=True, width=200)
    print_estimate(console, with_photos, [])
    assert "4 image calls edit reference photos" in console.export_text()


def test_image_price_unlisted_by_pixels() -> None:
    price = default_prices().image["gpt-image-2"]
    medium = price.per_image["medium"]

    assert price.estimated_image_price("medium", "1024x768") == medium["1024x1024"]
    assert price.estimated_image_price("medium", "1280x1024") == medium["1536x1024"]
    assert price.estimated_image_price("medium", "2048x2048") == pytest.approx(
        medium["1536x1024"] * 2048 * 2048 / (1536 * 1024)
    )
    assert price.estimated_image_price("medium", "auto") == max(medium.values())
    assert price.estimated_image_price("ultra", "1024x1024") == price.per_image["high"]["1024x1024"]


def test_image_cost_never_zero_for_unlisted() -> None:
    table = default_prices()
    for quality, size in [("medium", "2048x2048"), ("ultra", "1024x1024"), ("low", "auto")]:
        assert table.image_cost("gpt-image-2", quality=quality, size=size, images=1) > 0
        assert not table.lists_image_price("gpt-image-2", quality=quality, size=size)
    assert table.lists_image_price("gpt-image-2", quality="medium", size="1024x1024")


def test_price_override_file(tmp_path) -> None:
    override = tmp_path / "prices.json"
    override.write_text(
        json.dumps(
            {
                "as_of": "2027-01-01",
                "text": {"my-model": {"input_per_million": 1, "output_per_million": 2, "thinking_per_million": 2}},
            }
        )
    )
    table = load_prices(override)
    assert table.as_of.isoformat() == "2027-01-01"
    assert table.text_cost("my-model", input_tokens=1_000_000, output_tokens=500_000, thinking_tokens=0) == 2.0
    assert "gemini-2.5-flash" in table.text
    assert table.missing(text_models=["nope"], image_models=["gpt-image-2"]) == ["nope"]


def test_unpriced_live_models_listed_and_logged(no_keys, caplog) -> None:
    settings = ProviderSettings(
        providers="live", text_model="gemini-9-pro", vision_model="gemini-9-pro", image_model="gpt-image-9"
    )
    assert unpriced_models(settings) == ["gemini-9-pro", "gpt-image-9"]
    assert unpriced_models(settings.model_copy(update={"providers": "offline"})) == []

    copy_writer(settings)
    image_renderer(settings)
    warned = [record.model for record in caplog.records if "lists no price" in record.getMessage()]
    assert warned == ["gemini-9-pro", "gpt-image-9"]


def test_estimate_printout_counts_in_singular(tmp_path) -> None:
    document = json.loads((ACCEPTANCE / "trail-runner.json").read_text())
    document["variants"] = document["variants"][:1]
    path = tmp_path / "trail-runner.json"
    path.write_text(json.dumps(document))
    estimate, errors = estimate_files([path], [ACCEPTANCE_BRANDS], prices=default_prices())

    console = Console(record=True, width=200)
    print_estimate(console, estimate, errors)
    printed = console.export_text()
    assert "copy: 1 call to" in printed
    assert "total: 1 product," in printed
    assert "1 calls" not in printed
    assert "1 products" not in printed


def test_estimate_of_rejected_files_prints_no_table(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"sku": "X-1"}')
    estimate, errors = estimate_files([path], [], prices=default_prices())

    console = Console(record=True, width=200)
    print_estimate(console, estimate, errors)
    printed = console.export_text()
    assert errors
    assert "estimated live-provider cost" not in printed
    assert "total:" not in printed
    assert "rejected" in printed
