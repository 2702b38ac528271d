"""API keys: from an environment variable (local runs) or a Secrets Manager secret (Lambda).

A key is read when a call first needs it, never at import, and Powertools
Parameters caches a secret for `SECRET_MAX_AGE_SECONDS` so a rotated key is
picked up without a redeploy. Keys are never logged: error messages name the
variable or the secret, never the value.
"""

from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError, TransformParameterError
from pydantic import SecretStr

from spec2listing.errors import ProviderAuthFailed

SECRET_MAX_AGE_SECONDS = 300


class ApiKey:
    """One provider's key and where it comes from."""

    def __init__(self, *, provider: str, variable: str, value: SecretStr | None, secret_name: str | None) -> None:
        self.provider = provider
        self.variable = variable
        self._value = value
        self.secret_name = secret_name

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

    def get(self) -> str:
        """Return the key; raise ProviderAuthFailed when it is missing or the secret cannot be read."""
        if self._value is not None:
            return self._value.get_secret_value()
        if self.secret_name is None:
            raise ProviderAuthFailed(
                f"no {self.provider} API key: set {self.variable}, or the key's secret name in the template"
            )
        try:
            value = parameters.get_secret(self.secret_name, max_age=SECRET_MAX_AGE_SECONDS)
        except (GetParameterError, TransformParameterError) as error:
            raise ProviderAuthFailed(f"cannot read the {self.provider} API key from {self.source}: {error}") from error
        key = value.strip()
        if not key:
            raise ProviderAuthFailed(f"the {self.provider} API key in {self.source} is empty")
        return key

    def rejected(self, status: int) -> ProviderAuthFailed:
        """The error for a provider answering 401 or 403 to this key."""
        return ProviderAuthFailed(
            f"{self.provider} rejected the API key from {self.source} (HTTP {status}): "
            f"check that {self.source} holds a valid {self.provider} key with access to the model"
        )
