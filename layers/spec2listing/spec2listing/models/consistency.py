"""Consistency reports: what was promised, what was measured, what drifted."""

from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


def score_text(score: float) -> str:
    """Write a score with two decimals, rounded down, so that a product with a failed check never shows 1.00."""
    return str(Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_DOWN))


class CheckTarget(StrEnum):
    """What a check looks at."""

    IMAGE = "image"
    TEXT = "text"
    COVERAGE = "coverage"
    CLAIM = "claim"


class CheckResult(BaseModel):
    """One check of one claim against one image or text field."""

    check: str = Field(description="Check name, such as 'variant_color' or 'background_white'.")
    target: CheckTarget
    where: str = Field(description="Image job id, copy field path or 'plan'.")
    subject: str = Field(description="The claim checked: an anchor, a colour, a limit.")
    passed: bool
    measured: dict[str, Any] = Field(default_factory=dict)
    expected: str
    weight: float = Field(default=1.0, ge=0, description="Weight of the check's kind; 0 means shown but not scored.")
    detail: str = ""


class DriftFlag(BaseModel):
    """A failed check written for the person who has to fix it."""

    kind: str = Field(description="Name of the failed check.")
    title: str = Field(default="", description="Short name of the problem, such as 'Number not in the spec'.")
    promised: str = Field(description="What the copy, spec or plan promised: an anchor, a colour, a figure.")
    expected: str = Field(default="", description="What the check held it to.")
    measured: str
    where: str
    target: CheckTarget | None = None
    values: dict[str, Any] = Field(default_factory=dict, description="The measured values behind `measured`.")
    fix: str = Field(default="", description="What a person does to clear the flag.")


class ClaimKind(StrEnum):
    """Kinds of promise the claims ledger traces."""

    ANCHOR = "anchor"
    COLOR = "color"
    MATERIAL = "material"
    MANDATORY_ELEMENT = "mandatory_element"
    NUMBER = "number"
    PROPERTY = "property"


class Evidence(BaseModel):
    """One place a claim was requested or checked, with the outcome there."""

    where: str = Field(description="Image job id, copy field path or spec field path.")
    status: str = Field(description="requested, present, absent, unverified, matched, drifted or missing.")
    detail: str = ""


class Claim(BaseModel):
    """One promise of the copy or the spec, traced to the spec fields that support it."""

    kind: ClaimKind
    text: str = Field(description="The claim as the copy or spec words it, such as '280 g' or 'Moss Green'.")
    copy_fields: list[str] = Field(default_factory=list, description="Copy field paths that state the claim.")
    sources: list[str] = Field(default_factory=list, description="Spec or brand guide field paths that support it.")
    supported: bool
    nearest: str | None = Field(
        default=None,
        description="For a figure no spec field states, the spec figure of its kind nearest in value, with its field.",
    )
    denied_by: list[str] = Field(
        default_factory=list,
        description="Spec table fields that deny a claim the copy affirms ('gluten_free': false for 'gluten-free').",
    )
    evidence: list[Evidence] = Field(default_factory=list)


class ScorePart(BaseModel):
    """The share of one kind of check that passed, and what that kind weighs in the score."""

    check: str
    passed: int
    total: int
    weight: float


class ConsistencyReport(BaseModel):
    """Checks, claims ledger, score and flags for one product."""

    sku: str
    score: float = Field(ge=0, le=1, description="The lower of listing_score and image_score.")
    listing_score: float | None = Field(
        default=None, ge=0, le=1, description="Weighted share of passed copy, claim and plan checks, by kind."
    )
    image_score: float | None = Field(
        default=None, ge=0, le=1, description="Mean over images of 1 - worst failed check weight / 3."
    )
    passed: bool
    checks: list[CheckResult]
    flags: list[DriftFlag]
    claims: list[Claim] = Field(default_factory=list)
    score_parts: list[ScorePart] = Field(default_factory=list)
    providers: dict[str, str] = Field(default_factory=dict)
