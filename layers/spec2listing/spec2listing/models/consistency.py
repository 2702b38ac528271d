"""Consistency reports: what was promised, what was measured, what drifted."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class CheckTarget(StrEnum):
    """What a check looks at."""

    IMAGE = "image"
    TEXT = "text"
    COVERAGE = "coverage"


class CheckResult(BaseModel):
    """One check of one claim against one image or text field."""

    check: str = Field(description="Check name, such as 'variant_color' or 'background_white'.")
    target: CheckTarget
    where: str = Field(description="Image job id, copy field path or 'plan'.")
    subject: str = Field(description="The claim checked: an anchor, a colour, a limit.")
    passed: bool
    measured: dict[str, Any] = Field(default_factory=dict)
    expected: str
    weight: float = 1.0
    detail: str = ""


class DriftFlag(BaseModel):
    """A failed check written for the person who has to fix it."""

    kind: str
    promised: str
    measured: str
    where: str


class ConsistencyReport(BaseModel):
    """Checks, score and flags for one product."""

    sku: str
    score: float = Field(ge=0, le=1)
    passed: bool
    checks: list[CheckResult]
    flags: list[DriftFlag]
    providers: dict[str, str] = Field(default_factory=dict)
