"""Read what local runs need from template.yaml: functions, environment, substitutions.

CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) are read as their long
forms, and a few are resolved against local names and parameter defaults.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_NAME = "template.yaml"


class _CloudFormationLoader(yaml.SafeLoader):
    """SafeLoader that keeps CloudFormation tags as {'Ref': ...} or {'Fn::Name': ...}."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref": value} if suffix == "Ref" else {f"Fn::{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_tag)


@dataclass
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, Any]
    timeout: int


@dataclass
class Template:
    root: Path
    document: dict[str, Any]
    functions: dict[str, FunctionSpec] = field(default_factory=dict)

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.document["Resources"]
        return resources

    def parameter_defaults(self) -> dict[str, str]:
        return {name: str(spec.get("Default", "")) for name, spec in self.document.get("Parameters", {}).items()}

    def state_machine(self) -> tuple[str, dict[str, Any]]:
        for logical_id, resource in self.resources.items():
            if resource["Type"] == "AWS::Serverless::StateMachine":
                return logical_id, resource["Properties"]
        raise ValueError("template.yaml defines no AWS::Serverless::StateMachine")

    def resource_of_type(self, resource_type: str) -> tuple[str, dict[str, Any]]:
        for logical_id, resource in self.resources.items():
            if resource["Type"] == resource_type:
                return logical_id, resource.get("Properties", {})
        raise ValueError(f"template.yaml defines no {resource_type}")


def find_project_root(start: Path | None = None) -> Path:
    """The folder holding template.yaml: SPEC2LISTING_PROJECT, or above this package, or above the cwd."""
    configured = os.environ.get("SPEC2LISTING_PROJECT")
    if configured:
        return Path(configured).resolve()
    for base in (Path(__file__).resolve(), (start or Path.cwd()).resolve()):
        for folder in (base, *base.parents):
            if (folder / TEMPLATE_NAME).is_file() and (folder / "statemachine").is_dir():
                return folder
    raise FileNotFoundError(
        "template.yaml not found above the spec2listing package or the current folder; "
        "run from the project checkout or set SPEC2LISTING_PROJECT"
    )


def load_template(root: Path) -> Template:
    with (root / TEMPLATE_NAME).open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass
    template = Template(root=root, document=document)
    globals_ = document.get("Globals", {}).get("Function", {})
    global_env = globals_.get("Environment", {}).get("Variables", {})
    for logical_id, resource in document["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        environment = dict(global_env)
        environment.update(properties.get("Environment", {}).get("Variables", {}))
        template.functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=root / properties["CodeUri"],
            handler=properties.get("Handler", globals_.get("Handler", "app.lambda_handler")),
            environment=environment,
            timeout=int(properties.get("Timeout", globals_.get("Timeout", 3))),
        )
    return template


def resolve(value: Any, names: dict[str, str]) -> Any:
    """Resolve Ref, GetAtt .Arn and simple Sub against local names; leave anything else as is."""
    if isinstance(value, dict) and len(value) == 1:
        ((kind, argument),) = value.items()
        if kind == "Ref":
            if argument not in names:
                raise KeyError(f"no local value for Ref {argument}")
            return names[argument]
        if kind == "Fn::GetAtt":
            key = f"{argument[0]}.{argument[1]}"
            if key not in names:
                raise KeyError(f"no local value for GetAtt {key}")
            return names[key]
        if kind == "Fn::Sub" and isinstance(argument, str):
            text = argument
            for name, local in names.items():
                text = text.replace("${" + name + "}", local)
            return text
    if isinstance(value, dict):
        return {key: resolve(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, names) for item in value]
    return value


def substitute_definition(text: str, substitutions: dict[str, str]) -> str:
    """Fill ${Name} placeholders the way DefinitionSubstitutions does; unknown names are an error."""
    result = text
    for name, value in substitutions.items():
        result = result.replace("${" + name + "}", value)
    if "${" in result:
        start = result.index("${")
        raise KeyError(f"unresolved substitution {result[start : result.index('}', start) + 1]} in the definition")
    return result
