"""The base of the models that read user input: specs and brand guides."""

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class InputModel(BaseModel):
    """Base for input objects: unknown keys are errors, and a JSON null in an optional field means no value.

    PIM and ORM serializers write null for an empty list or object, so null in a field with a default reads
    as the field left out: `"features": null` gives no features, and `"targets": null` the default targets.
    Null in a required field is still an error, which field_errors words as a missing field.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_as_absent(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        absent = [
            key
            for key, value in data.items()
            if value is None and key in cls.model_fields and not cls.model_fields[key].is_required()
        ]
        if not absent:
            return data
        return {key: value for key, value in data.items() if key not in absent}
