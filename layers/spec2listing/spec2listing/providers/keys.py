"""API keys: from an environment variable (local runs) or a Secrets Manager secret (Lambda).

A key is read when a call first needs it, never at import, and Powertools
Parameters caches a secret for `SECRET_MAX_AGE_SECONDS`. An SDK client is
built per key value (`ClientForKey`): when the cached secret changes, the next
call builds a new client, and when a provider rejects the key, the secret is
read again past the cache, so a rotated key takes effect in a warm container
without a redeploy. Keys are never logged: error messages name the variable or
the secret, never the value, and `ApiKey.redact` removes keys from the text
of provider errors, which may echo what the request sent.
"""

import hashlib
import re
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from pydantic import SecretStr

from spec2listing.errors import ProviderAuthFailed

SECRET_MAX_AGE_SECONDS = 300
Client = TypeVar("Client")
REDACTED = "[redacted]"
# Text shaped like a key, redacted whichever key is configured: Google API keys, OpenAI keys
# (sk-, sk-proj- and the like) and the token of an echoed Authorization header.
KEY_SHAPES = re.compile(r"AIza[0-9A-Za-z_-]{16,}|(?<![0-9A-Za-z])sk-[0-9A-Za-z_-]{16,}|(?<=Bearer )[^\s\"',;]+")
# Characters of a provider's own text (an error body, a block message) that an error quotes. An error's
# message travels in Step Functions' state and the run's records, so a provider's 400 KB message must not
# make it 400 KB long.
ERROR_TEXT_CHARS = 500
# Shortest key accepted. Shorter values would mangle ordinary words when redacted, and no provider issues them.
MIN_REDACTED_LENGTH = 8


class ApiKey:
    """One provider's key and where it comes from."""

    def __init__(self, *, provider: str, variable: str, value: SecretStr | None, secret_name: str | None) -> None:
        self.provider = provider
        self.variable = variable
        self._value = value
        self.secret_name = secret_name
        # Every value get() returned, so that a key rotated away is still redacted.
        self._known: set[str] = set()

    def __repr__(self) -> str:
        return f"ApiKey(provider={self.provider!r}, source={self.source!r})"

    @property
    def configured(self) -> bool:
        return self._value is not None or self.secret_name is not None

    @property
    def source(self) -> str:
        """Where the key comes from, for messages: the variable or the secret's name."""
        if self._value is not None:
            return self.variable
        if self.secret_name is not None:
            return f"Secrets Manager secret {self.secret_name!r}"
        return "nowhere"

    def get(self, *, refresh: bool = False) -> str:
        """Return the key; raise ProviderAuthFailed when it is missing or the secret cannot be read.

        `refresh` reads the secret from Secrets Manager even when a cached value is still fresh.
        """
        if self._value is not None:
            return self._checked(self._value.get_secret_value())
        if self.secret_name is None:
            raise ProviderAuthFailed(
                f"no {self.provider} API key: set {self.variable}, or the key's secret name in the template"
            )
        try:
            value = parameters.get_secret(self.secret_name, max_age=SECRET_MAX_AGE_SECONDS, force_fetch=refresh)
        except (GetParameterError, TransformParameterError) as error:
            raise ProviderAuthFailed(f"cannot read the {self.provider} API key from {self.source}: {error}") from error
        return self._checked(value)

    def _checked(self, value: str) -> str:
        """Return the key without surrounding whitespace, remembered for redact(), or raise for a value no key has.

        A newline pasted with the key would otherwise make the HTTP client refuse the header, with the key
        in its message. Quotes around it, as a .env file or a secret's JSON string may leave them, are taken
        off too: sent with its quotes, the key is refused, and a provider that echoes it back unquoted would
        put it in the error text past redact(). A value shorter than MIN_REDACTED_LENGTH could not be redacted.
        """
        key = value.strip()
        if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
            key = key[1:-1].strip()
        if not key:
            raise ProviderAuthFailed(f"the {self.provider} API key in {self.source} is empty")
        if (
            len(key) < MIN_REDACTED_LENGTH
            or not (key.isascii() and key.isprintable())
            or any(char in key for char in " \"'")
        ):
            raise ProviderAuthFailed(
                f"the {self.provider} API key in {self.source} is not a key: keys are at least "
                f"{MIN_REDACTED_LENGTH} printable ASCII characters without spaces or quotes"
            )
        self._known.add(key)
        return key

    def quoted(self, text: str) -> str:
        """Return a provider's text as an error quotes it: redacted whole, then cut to ERROR_TEXT_CHARS.

        Redacting first means a key echoed across the cut is never left half shown.
        """
        text = self.redact(text)
        return text if len(text) <= ERROR_TEXT_CHARS else text[:ERROR_TEXT_CHARS] + "…"

    def redact(self, text: str) -> str:
        """Replace this key's values and anything shaped like a provider key in `text` with [redacted]."""
        for key in sorted(self._known, key=len, reverse=True):
            text = text.replace(key, REDACTED)
        return KEY_SHAPES.sub(REDACTED, text)

    def rejected(self, status: int, reply: str) -> ProviderAuthFailed:
        """Build the error for a 401 or 403 reply to this key; `reply` is the provider's redacted message.

        A 403 may also mean a project without the API enabled, an organization
        not yet verified or a region not served, which the reply names.
        """
        return ProviderAuthFailed(
            f"{self.provider} rejected the API key from {self.source} (HTTP {status}): "
            f"check that {self.source} holds a valid {self.provider} key with access to the model. "
            f"The provider replied: {reply}"
        )

    def quota_spent(self, reply: str) -> ProviderAuthFailed:
        """Build the error for a provider that rejects this key until its quota or credit is renewed."""
        return ProviderAuthFailed(
            f"the {self.provider} account of the API key from {self.source} has no quota left: add credit or raise "
            f"the quota in the provider's console, then run the spec again. The provider replied: {reply}"
        )


class ClientForKey(Generic[Client]):
    """An SDK client built for the key's current value, and built again when the value changes.

    Threads share one client, so they share its connection pool. A caller keeps
    the client it got in a local variable for the whole request: a replaced
    client that nothing references is closed when it is garbage collected.
    """

    def __init__(self, key: ApiKey, build: Callable[[str], Client]) -> None:
        self.key = key
        self._build = build
        self._client: Client | None = None
        self._digest = ""
        self._lock = threading.Lock()

    def get(self) -> Client:
        """Return the client for the key as read now (Powertools' cache decides how fresh a secret is)."""
        return self._current(self.key.get())

    def refresh(self, rejected: Client) -> bool:
        """Re-read the key past the cache after `rejected` failed to authenticate.

        Returns True when `get` now gives another client (the key changed, here
        or in another thread), so one more attempt is worth making; False when
        the key is unchanged.
        """
        return self._current(self.key.get(refresh=True)) is not rejected

    def _current(self, value: str) -> Client:
        digest = hashlib.sha256(value.encode()).hexdigest()
        with self._lock:
            if self._client is None or digest != self._digest:
                self._client = self._build(value)
                self._digest = digest
            return self._client
