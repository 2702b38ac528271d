"""Each Lambda handler called with its sample event on the local AWS emulation."""

import pytest
from spec2listing.local.runtime import LocalPipeline
from spec2listing.storage import keys

from tests.support import EXAMPLES, load_event

RUN_ID = "20261204T093001Z-e3fe1a9c"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    out = tmp_path_factory.mktemp("handlers")
    with LocalPipeline(out, environment={"PROVIDERS": "offline"}) as running:
        running.upload_brand_guides(EXAMPLES / "brands")
        running.put_object("incoming/daypack.json", (EXAMPLES / "daypack.json").read_bytes())
        yield running


@pytest.fixture(scope="module")
def intake(pipeline):
    return pipeline.invoke("IntakeFunction", load_event("intake-s3-upload"))


def test_intake_handler(pipeline, intake) -> None:
    assert intake["run_id"] == RUN_ID
    assert intake["product_count"] == 1
    assert intake["config"]["product_concurrency"] == 8
    assert pipeline.store.exists(f"runs/{RUN_ID}/products/FJ-DAY-22/spec.json")


def test_product_handlers_in_order(pipeline, intake) -> None:
    copy = pipeline.invoke("GenerateCopyFunction", load_event("generate-copy-product"))
    assert copy["copy_key"] == load_event("plan-images-product")["copy_key"]

    plan = pipeline.invoke("PlanImagesFunction", load_event("plan-images-product"))
    assert plan["job_ids"] == ["packshot", "lifestyle-1", "variant-fj-day-22-rst"]

    for job_id in plan["job_ids"]:
        event = dict(load_event("render-image-packshot"), job_id=job_id)
        render = pipeline.invoke("RenderImageFunction", event)
        assert render["status"] == "RENDERED"
        assert pipeline.store.exists(render["image_key"])

    check = pipeline.invoke("CheckConsistencyFunction", load_event("check-consistency-product"))
    assert check["passed"] is False
    assert check["flags"] >= 1

    outcome = pipeline.invoke("FinalizeProductFunction", load_event("finalize-product"))
    assert outcome == {"sku": "FJ-DAY-22", "status": "NEEDS_REVIEW", "images_failed": 0}
    assert pipeline.records.get_current_product("FJ-DAY-22").status.value == "NEEDS_REVIEW"

    summary = pipeline.invoke("SummarizeFunction", load_event("summarize-run"))
    assert summary["counts"]["NEEDS_REVIEW"] == 1
    assert pipeline.store.exists(keys.run_review_index(RUN_ID))


def test_record_failure_handler(pipeline, intake) -> None:
    outcome = pipeline.invoke("RecordFailureFunction", load_event("record-failure-copy-error"))
    assert outcome["status"] == "FAILED"


def test_record_run_failure_handler(pipeline) -> None:
    result = pipeline.invoke("RecordRunFailureFunction", load_event("record-run-failure-missing-object"))
    assert result["status"] == "FAILED"
    assert pipeline.store.exists(f"rejected/{result['run_id']}/event.json")


def test_close_ended_run_handler(pipeline) -> None:
    result = pipeline.invoke("CloseEndedRunFunction", load_event("close-ended-run-execution-aborted"))
    assert result == {"run_id": "20261204T100000Z-3b7eb970", "status": "FAILED"}
    run = pipeline.records.get_run(result["run_id"])
    assert run.source == f"s3://{pipeline.bucket}/incoming/stoneware-mug.json"
    assert pipeline.store.exists(f"rejected/{result['run_id']}/event.json")
    again = pipeline.invoke("CloseEndedRunFunction", load_event("close-ended-run-execution-aborted"))
    assert again == {"run_id": None, "status": None}


def test_handler_rejects_malformed_event(pipeline) -> None:
    with pytest.raises(Exception, match="validation error"):
        pipeline.invoke("GenerateCopyFunction", {"run_id": RUN_ID})
