"""Domain errors.

Class names are part of the state machine's contract: the ASL `Retry` and `Catch`
blocks match them by name, because Lambda reports an unhandled exception's class
name as its error type.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


class FieldError(BaseModel):
    """One problem in one input file, precise enough to fix without guessing."""

    file: str
    path: str
    value: str | None = None
    message: str
    expected: str

    def __str__(self) -> str:
        shown = f" (got {self.value})" if self.value is not None else ""
        return f"{self.file}: {self.path}: {self.message}{shown}; expected {self.expected}"


class Spec2ListingError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidSpec(Spec2ListingError):
    """A spec or catalog cannot be used as given; never retried."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors) or "invalid spec")


class ProviderThrottled(Spec2ListingError):
    """A provider rate-limited the request (HTTP 429); retried with backoff."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class ProviderUnavailable(Spec2ListingError):
    """A provider failed transiently (5xx, timeout, connection); retried with backoff, or after Retry-After."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class RenderPending(Spec2ListingError):
    """Another product of the run is rendering the same image; the state machine tries again after a wait."""


class ProviderRetryLater(Spec2ListingError):
    """A provider asked, by Retry-After, to wait longer than the state machine's retries span; never retried.

    Every retry would come too early and be refused again, so the product fails at once with the wait named.
    """


class ContentBlocked(Spec2ListingError):
    """A provider refused the content on safety or moderation grounds; never retried."""


class ProviderOutputInvalid(Spec2ListingError):
    """A provider answered with output that fails validation; one repair retry."""


class ProviderAuthFailed(Spec2ListingError):
    """A provider rejected the credentials (HTTP 401 or 403), the key's quota is spent, or no key is configured.

    Never retried: every call with the key would fail alike until a person acts.
    """


class ProviderRequestRejected(Spec2ListingError):
    """A provider rejected the request itself (HTTP 400, 404, 422: unknown model, bad parameter); never retried."""


class RunClosed(Spec2ListingError):
    """Intake found its run already closed: the execution was stopped or timed out before Intake wrote to it."""


class ArtifactMissing(Spec2ListingError):
    """An object a step depends on is not in the bucket."""


class ArtifactUnreadable(Spec2ListingError, ValueError):
    """An object a step depends on is in the bucket but does not hold what it should, such as invalid JSON.

    Steps that can do without an earlier run's object (a cache entry, the last
    listing) treat it as absent and make it again.
    """


class ReferencePhotoMissing(ArtifactMissing):
    """A reference photo the spec names is not in the bucket; the image is not rendered."""


class ReferencePhotoInvalid(Spec2ListingError):
    """A reference photo is not a PNG, JPEG or WebP image that decodes; the image is not rendered."""


class RecordsUnavailable(Spec2ListingError):
    """DynamoDB kept leaving part of a batch request unprocessed (throttling) after every retry."""


def error_payload(error: BaseException) -> dict[str, Any]:
    """Describe an exception the way Lambda reports an unhandled one."""
    return {"errorType": type(error).__name__, "errorMessage": str(error)}
