"""The command line, failure paths through the state machine, and state kept between runs."""

import json

import pytest
from spec2listing.local.cli import main
from spec2listing.local.runtime import LocalPipeline, s3_object_created_event
from spec2listing.models.records import ProductStatus, RunStatus

from tests.support import ACCEPTANCE, EXAMPLES

pytestmark = pytest.mark.integration


def test_cli_runs_examples_and_exits_zero(tmp_path, capsys) -> None:
    code = main(["run", str(EXAMPLES), "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "FJ-DAY-22" in printed
    assert "COMPLETE" in printed
    assert "providers: copy offline, images offline" in printed
    assert len(list(tmp_path.glob("runs/*/summary.json"))) == 3


def test_cli_prints_errors_and_exits_nonzero(tmp_path, capsys) -> None:
    code = main(["run", str(ACCEPTANCE / "bad" / "wrong-types.json"), "--out", str(tmp_path)])
    printed = " ".join(capsys.readouterr().out.split())
    assert code == 1
    assert "wrong-types.json: price.amount: not a number (got 'forty')" in printed
    assert "variants[0].color_hex" in printed
    assert "original kept at" in printed


def test_cli_missing_path(tmp_path, capsys) -> None:
    assert main(["run", str(tmp_path / "nope.json"), "--out", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_vanished_upload_fails_run_with_record(tmp_path) -> None:
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        event = s3_object_created_event(pipeline.bucket, "incoming/vanished.json", b"{}")
        submission = pipeline.start(tmp_path / "vanished.json", "incoming/vanished.json", event)
        (outcome,) = pipeline.wait([submission], timeout_seconds=300)
    assert outcome.status == RunStatus.FAILED.value
    assert outcome.run is not None
    assert "ArtifactMissing" in outcome.error
    kept = json.loads((tmp_path / "out" / outcome.run.details["event_key"]).read_text())
    assert kept["detail-type"] == "Object Created"


def test_output_folder_is_the_bucket_between_runs(tmp_path) -> None:
    out = tmp_path / "out"
    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(EXAMPLES / "brands")
    assert (out / "brands" / "fjellstad.json").is_file()
    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        (outcome,) = pipeline.wait([pipeline.submit_file(EXAMPLES / "daypack.json")], timeout_seconds=300)
        first = outcome.run.run_id
    assert outcome.products[0].status == ProductStatus.COMPLETE
    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as pipeline:
        history = pipeline.records.get_run(first)
    assert history is not None
    assert history.status == RunStatus.SUCCEEDED


def test_cli_table_columns_line_up(tmp_path, capsys) -> None:
    main(["run", str(EXAMPLES / "daypack.json"), "--out", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "sku" in line and "status" in line)
    row = next(line for line in lines if "FJ-DAY-22" in line)
    assert header.index("sku") < header.index("status") < header.index("file")
    assert row.index("FJ-DAY-22") < row.index("COMPLETE") < row.index("daypack.json")


def test_cli_runs_shopify_export_with_options(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    arguments = [
        "run",
        str(EXAMPLES / "formats" / "shopify-products-export.csv"),
        "--currency",
        "EUR",
        "--out",
        str(out),
    ]
    assert main(arguments) == 0
    assert "merino-crew-sweater" in capsys.readouterr().out
    assert main(arguments) == 0
    assert "3 unchanged products kept their listings, at no cost" in capsys.readouterr().out
    assert list((out / "cache" / "images").glob("*.png"))


def test_product_whose_failure_cannot_be_recorded_ends_failed(tmp_path, monkeypatch) -> None:
    def unavailable(event, context):
        raise RuntimeError("the table is unavailable")

    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        pipeline.upload_brand_guides(EXAMPLES / "brands")
        # Both the step and the recorder of its failure fail, so the product's iteration ends in neither.
        monkeypatch.setitem(pipeline._handlers, "GenerateCopyFunction", unavailable)
        monkeypatch.setitem(pipeline._handlers, "RecordFailureFunction", unavailable)
        (outcome,) = pipeline.wait([pipeline.submit_file(EXAMPLES / "daypack.json")], timeout_seconds=300)
        summary = json.loads(pipeline.store.get_bytes(outcome.run.summary_key))

    assert outcome.status == RunStatus.SUCCEEDED.value
    (product,) = outcome.products
    assert product.sku == "FJ-DAY-22"
    assert product.status == ProductStatus.FAILED
    assert product.error.startswith("NoOutcomeRecorded:")
    assert summary["counts"]["FAILED"] == 1
