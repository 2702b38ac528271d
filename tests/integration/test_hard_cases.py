"""Honest specs that are hard to check (white variants, false entries, sizes, odd figures) run without flags."""

import json

import pytest
from spec2listing.local.runtime import LocalPipeline
from spec2listing.models.records import ProductStatus, RunStatus

from tests.support import ROOT, specs_in

pytestmark = pytest.mark.integration

# The honest hard cases the drift bench also counts as clean samples.
HARD_CASES = ROOT / "bench" / "specs" / "hard-cases.json"


def test_hard_cases_complete_without_flags(tmp_path) -> None:
    with LocalPipeline(tmp_path / "out", environment={"PROVIDERS": "offline"}) as pipeline:
        (outcome,) = pipeline.wait([pipeline.submit_file(HARD_CASES)], timeout_seconds=300)

    assert outcome.status == RunStatus.SUCCEEDED.value, outcome.error
    assert {product.sku for product in outcome.products} == {spec.sku for spec in specs_in(HARD_CASES)}
    for product in outcome.products:
        report = json.loads((tmp_path / "out" / product.artifacts["consistency"]).read_text())
        assert report["flags"] == [], (product.sku, report["flags"])
        assert product.status == ProductStatus.COMPLETE, product.sku
        assert product.score == 1.0, product.sku
