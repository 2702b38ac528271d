"""Usage errors of the command line: each is a message on stderr and exit status 2, before any run starts."""

import json
from pathlib import Path

import pytest
from spec2listing.local.cli import REVIEW_LINES, _file_notes, _shared_sku_notes, main
from spec2listing.local.runtime import RunOutcome
from spec2listing.models.records import ProductRecord, ProductStatus

from tests.support import EXAMPLES, ROOT

DAYPACK = str(EXAMPLES / "daypack.json")


@pytest.fixture(autouse=True)
def _no_settings_from_the_shell(monkeypatch) -> None:
    for name in ("PROVIDERS", "IMAGE_SIZE", "IMAGE_QUALITY", "PRODUCT_CONCURRENCY", "IMAGE_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)


def _usage_error(arguments: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def _rejected(arguments: list[str], capsys) -> str:
    code = main(arguments)
    printed = capsys.readouterr()
    assert code == 2, printed
    assert "Traceback" not in printed.err
    assert printed.out == ""
    return " ".join(printed.err.split())


@pytest.mark.parametrize("value", ["-5", "0", "soon"])
def test_timeout_must_be_positive(value, capsys) -> None:
    assert "--timeout" in _usage_error(["run", DAYPACK, "--timeout", value], capsys)


@pytest.mark.parametrize("option", ["--product-concurrency", "--image-concurrency"])
def test_concurrency_must_not_be_negative(option, capsys) -> None:
    assert option in _usage_error(["run", DAYPACK, option, "-1"], capsys)


def test_concurrency_over_limit(tmp_path, capsys) -> None:
    printed = _rejected(["run", DAYPACK, "--image-concurrency", "41", "--out", str(tmp_path)], capsys)

    assert "--image-concurrency: Input should be less than or equal to 40 (got 41)" in printed


@pytest.mark.parametrize("value", ["bogus", "LIVE"])
def test_providers_variable_checked(value, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PROVIDERS", value)

    printed = _rejected(["run", DAYPACK, "--out", str(tmp_path)], capsys)

    assert f"--providers (or $PROVIDERS): Input should be 'auto', 'offline' or 'live' (got \"{value}\")" in printed


@pytest.mark.parametrize("providers", ["live", "auto"])
def test_malformed_key_rejected_before_any_run(providers, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key-0123456789")
    monkeypatch.setenv("OPENAI_API_KEY", "fake-open'ai-key")

    printed = _rejected(["run", DAYPACK, "--providers", providers, "--out", str(tmp_path / "out")], capsys)

    assert "the OpenAI API key in OPENAI_API_KEY is not a key" in printed
    assert "fake-open" not in printed
    assert not (tmp_path / "out").exists()


def test_image_size_variable_checked(monkeypatch, capsys) -> None:
    monkeypatch.setenv("IMAGE_SIZE", "999x999")

    printed = _rejected(["estimate", DAYPACK], capsys)

    assert "environment variable IMAGE_SIZE:" in printed
    assert '(got "999x999")' in printed


def test_missing_prices_file(tmp_path, capsys) -> None:
    missing = tmp_path / "nonexistent.json"

    printed = _rejected(["run", DAYPACK, "--providers", "offline", "--prices", str(missing)], capsys)

    assert f"--prices {missing}: cannot read the price table" in printed


@pytest.mark.parametrize("command", ["run", "estimate"])
def test_missing_price_table_variable(tmp_path, monkeypatch, capsys, command) -> None:
    missing = tmp_path / "nonexistent.json"
    monkeypatch.setenv("PRICE_TABLE", str(missing))

    out = ["--out", str(tmp_path / "out")] if command == "run" else []

    printed = _rejected([command, DAYPACK, *out], capsys)

    assert f"PRICE_TABLE {missing}: cannot read the price table" in printed


def test_estimate_reads_price_table_variable(tmp_path, monkeypatch, capsys) -> None:
    prices = tmp_path / "prices.json"
    shipped = json.loads((ROOT / "layers/spec2listing/spec2listing/costs/prices.json").read_text())
    prices.write_text(json.dumps({**shipped, "as_of": "2030-01-01"}))
    monkeypatch.setenv("PRICE_TABLE", str(prices))

    assert main(["estimate", DAYPACK]) == 0

    assert "2030-01-01" in capsys.readouterr().out


def test_invalid_prices_file(tmp_path, capsys) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text('{"as_of": "soon"')

    printed = _rejected(["estimate", DAYPACK, "--prices", str(prices)], capsys)

    assert f"--prices {prices}: invalid price table" in printed


@pytest.mark.parametrize(
    ("price", "problem"),
    [("NaN", "finite number"), ("Infinity", "finite number"), ("-0.5", "greater than or equal to 0")],
)
def test_price_table_prices_finite_and_positive(tmp_path, capsys, price, problem) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(
        '{"as_of": "2026-12-01", "image": {"gpt-image-2": {"input_text_per_million": 5, '
        f'"input_image_per_million": 10, "per_image": {{"medium": {{"1024x1024": {price}}}}}}}}}}}'
    )

    printed = _rejected(["estimate", DAYPACK, "--prices", str(prices)], capsys)

    assert "image.gpt-image-2.per_image.medium.1024x1024" in printed
    assert problem in printed


def test_out_is_a_file(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    out.write_text("")

    printed = _rejected(["run", DAYPACK, "--out", str(out)], capsys)

    assert f"--out {out} is a file" in printed


@pytest.mark.parametrize("command", ["run", "estimate"])
def test_missing_brands_folder(command, tmp_path, capsys) -> None:
    printed = _rejected([command, DAYPACK, "--brands", str(tmp_path / "nonexistent")], capsys)

    assert "no such folder" in printed


@pytest.mark.parametrize("command", ["run", "estimate"])
def test_brand_guides_differing_by_folder(command, tmp_path, capsys) -> None:
    for folder, lighting in (("x", "soft daylight"), ("y", "neon night")):
        (tmp_path / folder / "brands").mkdir(parents=True)
        (tmp_path / folder / "brands" / "fjellstad.json").write_text(
            f'{{"name": "fjellstad", "lighting": "{lighting}"}}'
        )
        (tmp_path / folder / "daypack.json").write_bytes((EXAMPLES / "daypack.json").read_bytes())
    arguments = [command, str(tmp_path / "x"), str(tmp_path / "y")]

    printed = _rejected([*arguments, "--out", str(tmp_path / "out")] if command == "run" else arguments, capsys)

    assert "brand guide 'fjellstad' differs between" in printed
    assert "rename one of them" in printed


def test_brand_guide_file_without_a_name(tmp_path, capsys) -> None:
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "..json").write_text("{}")

    printed = _rejected(["run", DAYPACK, "--brands", str(tmp_path / "brands"), "--out", str(tmp_path / "out")], capsys)

    assert f"brand guide {tmp_path}/brands/..json:" in printed
    assert "rename the file to <name>.json" in printed


def test_one_photo_name_two_photos_in_one_command(tmp_path, capsys) -> None:
    spec = json.loads((EXAMPLES / "daypack.json").read_text())
    spec["reference_photos"] = ["front.png"]
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "front.png").write_bytes(folder.encode() * 100)
        (tmp_path / folder / "daypack.json").write_text(json.dumps(spec))

    printed = _rejected(["run", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")], capsys)

    assert f"name different photos ({tmp_path}/a/front.png and {tmp_path}/b/front.png)" in printed
    assert not (tmp_path / "out").exists()


def test_control_characters_printed_as_code_points(tmp_path, capsys) -> None:
    path = tmp_path / "term.json"
    spec = json.loads((EXAMPLES / "daypack.json").read_text())
    spec["\x1b[31mRED\x1b[0m"] = 1
    spec["line\u2028break"] = 1
    path.write_text(json.dumps(spec))

    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    printed = capsys.readouterr()

    assert code == 1
    assert "\x1b" not in printed.out + printed.err
    assert "[U+001B][31mRED[U+001B][0m: unknown field" in printed.out
    assert "line[U+2028]break: unknown field" in printed.out


def test_missing_spec_path(tmp_path, capsys) -> None:
    printed = _rejected(["run", str(tmp_path / "nope.json"), "--out", str(tmp_path)], capsys)

    assert "does not exist" in printed


def test_run_checks_reader_options(tmp_path, capsys) -> None:
    arguments = ["--delimiter", "foo", "--decimal", "x", "--currency", "EURO", "--encoding", "hex"]

    printed = _rejected(["run", DAYPACK, *arguments, "--out", str(tmp_path / "out")], capsys)

    assert "option encoding" in printed
    assert "option delimiter" in printed
    assert "option decimal" in printed
    assert "option currency" in printed
    assert not (tmp_path / "out").exists()


def test_run_checks_akeneo_channel(tmp_path, capsys) -> None:
    printed = _rejected(["run", DAYPACK, "--channel", "écommerce", "--out", str(tmp_path / "out")], capsys)

    assert "option channel" in printed


def _review_outcome(count: int) -> RunOutcome:
    products = [
        ProductRecord(
            sku=f"SKU-{index:02}",
            run_id="20260101T000000Z-0000abcd",
            status=ProductStatus.NEEDS_REVIEW,
            flag_summary=["Colour not in the spec: title", "Image failed: packshot", "and 3 more"],
        )
        for index in range(count)
    ]
    products[0].error = "ContentBlocked: the copy call was blocked (SAFETY)"
    return RunOutcome(path=Path("catalog.csv"), status="SUCCEEDED", run=None, products=products)


def test_review_reasons_printed() -> None:
    lines = _file_notes(_review_outcome(2), Path("out"))

    assert lines == [
        "[yellow]review[/] SKU-00: ContentBlocked: the copy call was blocked (SAFETY)",
        "[yellow]review[/] SKU-01: Colour not in the spec: title; Image failed: packshot",
    ]


def test_review_reasons_capped_per_file() -> None:
    lines = _file_notes(_review_outcome(REVIEW_LINES + 5), Path("out"))

    assert len(lines) == REVIEW_LINES + 1
    assert lines[-1] == "  and 5 more products to review; the review index lists them all"


def _outcome(file: str, sku: str, status: ProductStatus) -> RunOutcome:
    record = ProductRecord(sku=sku, run_id="20260101T000000Z-0000abcd", status=status)
    return RunOutcome(path=Path(file), status="SUCCEEDED", run=None, products=[record])


def test_sku_in_two_files_noted_unless_both_rejected() -> None:
    both = [_outcome("a.json", "MUG-1", ProductStatus.COMPLETE), _outcome("b.json", "MUG-1", ProductStatus.COMPLETE)]
    rejected = [
        _outcome("a.json", "MUG-1", ProductStatus.REJECTED),
        _outcome("b.json", "MUG-1", ProductStatus.REJECTED),
    ]

    (note,) = _shared_sku_notes(both)

    assert note.startswith("note: MUG-1 is in a.json, b.json")
    assert _shared_sku_notes(rejected) == []


def test_skus_differing_in_case_across_files_noted() -> None:
    outcomes = [
        _outcome("a.json", "MUG-1", ProductStatus.COMPLETE),
        _outcome("b.json", "mug-1", ProductStatus.COMPLETE),
    ]

    (note,) = _shared_sku_notes(outcomes)

    assert note.startswith("note: MUG-1 and mug-1 (in a.json, b.json) differ only in case")
