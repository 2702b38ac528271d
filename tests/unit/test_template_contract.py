"""template.yaml, the ASL file and the code agree on names."""

import json
import re

from spec2listing import errors
from spec2listing.local.template import load_template, resolve, substitute_definition
from spec2listing.models.tasks import RenderResult
from spec2listing.pipeline.steps import RENDER_CLAIM_SECONDS, VISION_RESERVE_SECONDS
from spec2listing.settings import ProviderSettings
from spec2listing.storage import keys

from tests.support import EVENTS, ROOT

TEMPLATE = load_template(ROOT)
ASL = (ROOT / "statemachine" / "listing_pipeline.asl.json").read_text()


def _states(definition: dict) -> dict:
    found = {}
    for name, state in definition["States"].items():
        found[name] = state
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if processor:
            found.update(_states(processor))
    return found


def test_every_substitution_is_defined() -> None:
    _, machine = TEMPLATE.state_machine()
    placeholders = set(re.findall(r"\$\{(\w+)\}", ASL))
    assert placeholders == set(machine["DefinitionSubstitutions"])


def test_substituted_definition_is_json() -> None:
    _, machine = TEMPLATE.state_machine()
    names = {name: f"value-of-{name}" for name in machine["DefinitionSubstitutions"]}
    definition = json.loads(substitute_definition(ASL, names))
    assert definition["StartAt"] == "Intake"


def test_function_substitutions_point_at_template_functions() -> None:
    _, machine = TEMPLATE.state_machine()
    for name, value in machine["DefinitionSubstitutions"].items():
        if name.endswith("FunctionArn"):
            assert value["Fn::GetAtt"][0] in TEMPLATE.functions


def test_every_function_has_handler_and_sample_event() -> None:
    samples = {path.stem for path in EVENTS.glob("*.json")}
    for spec in TEMPLATE.functions.values():
        assert (spec.code_uri / "app.py").is_file()
        stem = re.sub(r"(?<!^)(?=[A-Z])", "-", spec.logical_id.removesuffix("Function")).lower()
        assert any(sample.startswith(stem) for sample in samples), f"no events/{stem}-*.json"


def test_retry_and_catch_name_real_errors() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    named = set()
    for state in _states(definition).values():
        for block in state.get("Retry", []) + state.get("Catch", []):
            named.update(block["ErrorEquals"])
        if state["Type"] == "Fail":
            named.add(state["Error"])
    domain = {name for name in named if not name.startswith(("States.", "Lambda.", "ListingPipeline"))}
    assert domain == {
        "ProviderThrottled",
        "ProviderUnavailable",
        "ContentBlocked",
        "ProviderAuthFailed",
        "RecordsUnavailable",
        "RenderPending",
    }
    for name in domain:
        assert issubclass(getattr(errors, name), errors.Spec2ListingError)


def test_every_product_task_is_caught() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    product_states = definition["States"]["Products"]["ItemProcessor"]["States"]
    for name, state in product_states.items():
        if state["Type"] in ("Task", "Map"):
            assert any("States.ALL" in block["ErrorEquals"] for block in state["Catch"]), name
    for name in ("Intake", "Products", "Summarize"):
        assert definition["States"][name]["Catch"][0]["Next"] == "RecordRunFailure"


def test_globals_environment_resolves_locally() -> None:
    names = {**TEMPLATE.parameter_defaults(), "ListingBucket": "b", "ListingTable": "t", "ListingEventBus": "e"}
    environment = {
        key: resolve(value, names) for key, value in TEMPLATE.functions["IntakeFunction"].environment.items()
    }
    assert environment["BUCKET_NAME"] == "b"
    assert environment["IMAGE_MODEL"] == "gpt-image-2"
    assert environment["PRODUCT_CONCURRENCY"] == "8"


def test_image_failure_alarm_reads_the_metric_finalize_emits() -> None:
    environment = TEMPLATE.functions["FinalizeProductFunction"].environment
    alarm = TEMPLATE.resources["RenderErrorsAlarm"]["Properties"]
    assert alarm["Namespace"] == environment["POWERTOOLS_METRICS_NAMESPACE"]
    # Powertools adds the service as a dimension of every metric.
    assert alarm["Dimensions"] == [{"Name": "service", "Value": environment["POWERTOOLS_SERVICE_NAME"]}]
    handler = (ROOT / "functions" / "finalize_product" / "app.py").read_text()
    assert f'name="{alarm["MetricName"]}"' in handler


def test_alarm_topic_key_lets_cloudwatch_publish() -> None:
    topic = TEMPLATE.resources["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}
    statements = TEMPLATE.resources["AlarmTopicKey"]["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [s for s in statements if s["Principal"].get("Service") == "cloudwatch.amazonaws.com"]
    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_layer_pins_match_constraints() -> None:
    def pins(path):
        found = {}
        for raw in path.read_text().splitlines():
            line = raw.split("#")[0].strip()
            if "==" in line:
                name, version = line.split("==")
                found[name.split("[")[0].lower().replace("_", "-")] = version
        return found

    requirements = ROOT / "layers" / "dependencies" / "requirements.txt"
    layer = pins(requirements)
    constraints = pins(ROOT / "constraints.txt")
    # What the pinned libraries pull in is held to the lock file too, as pip reads a -c line.
    assert "-c ../../constraints.txt" in requirements.read_text().splitlines()
    assert (requirements.parent / "../../constraints.txt").resolve() == ROOT / "constraints.txt"
    for name, version in layer.items():
        assert constraints.get(name) == version, f"{name}: layer {version}, constraints {constraints.get(name)}"


def test_provider_budgets_fit_function_timeouts() -> None:
    settings = ProviderSettings()
    functions = TEMPLATE.functions
    # A minute of headroom for S3 reads and writes around the provider calls.
    assert functions["GenerateCopyFunction"].timeout >= settings.text_budget_seconds + 60
    assert functions["RenderImageFunction"].timeout >= settings.image_budget_seconds + 60
    assert settings.image_timeout_seconds <= settings.image_budget_seconds
    # At least one round of vision checks fits; the vision pass stops at the time the function has left.
    assert functions["CheckConsistencyFunction"].timeout >= settings.vision_budget_seconds + VISION_RESERVE_SECONDS


def test_output_invalid_is_not_retried_by_the_state_machine() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    for state in _states(definition).values():
        for block in state.get("Retry", []):
            assert "ProviderOutputInvalid" not in block["ErrorEquals"]


def test_render_results_carry_no_cause() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    render_states = definition["States"]["Products"]["ItemProcessor"]["States"]["RenderImages"]["ItemProcessor"]
    for name in ("RenderBlocked", "RenderFailed"):
        parameters = render_states["States"][name]["Parameters"]
        assert parameters["error.$"] == "$.error.Error", name
        assert not any("Cause" in str(value) for value in parameters.values()), name


def test_render_selector_keeps_render_fields() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    render_states = definition["States"]["Products"]["ItemProcessor"]["States"]["RenderImages"]["ItemProcessor"]
    selected = {name.removesuffix(".$") for name in render_states["States"]["RenderImage"]["ResultSelector"]}
    # The Catch states set `error`, and no result carries the execution.
    assert selected == set(RenderResult.model_fields) - {"error", "execution_id"}


def test_pending_render_waits_out_a_claim() -> None:
    # A product waiting for another's render of the same image tries again until the claim lapses.
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    render_states = definition["States"]["Products"]["ItemProcessor"]["States"]["RenderImages"]["ItemProcessor"]
    (retrier,) = [
        block for block in render_states["States"]["RenderImage"]["Retry"] if "RenderPending" in block["ErrorEquals"]
    ]
    assert retrier["IntervalSeconds"] * retrier["MaxAttempts"] > RENDER_CLAIM_SECONDS
    assert TEMPLATE.resources["RenderImageFunction"]["Properties"]["Timeout"] < RENDER_CLAIM_SECONDS


def test_dead_letter_queue_accepts_only_its_rules() -> None:
    senders = set()
    for logical_id, resource in TEMPLATE.resources.items():
        for event_name, event in resource.get("Properties", {}).get("Events", {}).items():
            dead_letter = event["Properties"].get("DeadLetterConfig", {})
            if dead_letter.get("Arn") == {"Fn::GetAtt": ["TriggerDeadLetterQueue", "Arn"]}:
                # SAM names the rule it creates for an event <resource><event>.
                senders.add(f"{logical_id}{event_name}")
    (statement,) = TEMPLATE.resources["TriggerDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allowed = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert len(senders) == 3
    assert {arn["Fn::GetAtt"][0] for arn in allowed} == senders


def test_secret_arns_match_one_secret() -> None:
    patterns = re.findall(r":secret:\$\{\w+\}(\S*?)\"", (ROOT / "template.yaml").read_text())
    assert patterns
    # Secrets Manager appends a hyphen and six random characters to a secret's name in its ARN.
    assert set(patterns) == {"-??????"}


def test_functions_write_only_under_the_pipelines_prefixes() -> None:
    document = TEMPLATE.resources["ListingBucketAccessPolicy"]["Properties"]["PolicyDocument"]
    writes = [statement for statement in document["Statement"] if "s3:PutObject" in statement["Action"]]
    (statement,) = writes
    prefixes = {resource["Fn::Sub"].removeprefix("${ListingBucket.Arn}/") for resource in statement["Resource"]}
    # Every key the functions write is built under one of these prefixes (storage/keys.py).
    assert prefixes == {f"{keys.RUNS_PREFIX}*", f"{keys.REJECTED_PREFIX}*", f"{keys.CACHE_PREFIX}*"}


def test_execution_end_rule_targets_only_this_pipeline() -> None:
    rule = TEMPLATE.resources["CloseEndedRunFunction"]["Properties"]["Events"]["ExecutionEnded"]["Properties"]
    assert rule["Pattern"]["detail"]["stateMachineArn"] == [{"Ref": "ListingPipeline"}]
    assert set(rule["Pattern"]["detail"]["status"]) == {"ABORTED", "TIMED_OUT", "FAILED"}


def test_functions_may_not_delete_bucket_objects() -> None:
    functions = {
        logical_id: resource
        for logical_id, resource in TEMPLATE.resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    assert functions
    for logical_id, resource in functions.items():
        policies = resource["Properties"]["Policies"]
        assert {"Ref": "ListingBucketAccessPolicy"} in policies, logical_id
        templates = {name for policy in policies if isinstance(policy, dict) for name in policy}
        assert not templates & {"S3CrudPolicy", "S3WritePolicy", "S3FullAccessPolicy"}, logical_id
    document = TEMPLATE.resources["ListingBucketAccessPolicy"]["Properties"]["PolicyDocument"]
    actions = set()
    for statement in document["Statement"]:
        granted = statement["Action"]
        actions |= set(granted if isinstance(granted, list) else [granted])
    # The tagging actions are there because CopyObject copies an upload's tags by default.
    assert actions == {
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:GetObjectTagging",
        "s3:GetObjectVersionTagging",
        "s3:PutObjectTagging",
    }


def test_failed_execution_end_events_are_kept() -> None:
    # Lambda drops an asynchronous event after its retries fail unless the function has a dead-letter queue.
    function = TEMPLATE.resources["CloseEndedRunFunction"]["Properties"]
    assert function["DeadLetterQueue"] == {
        "Type": "SQS",
        "TargetArn": {"Fn::GetAtt": ["TriggerDeadLetterQueue", "Arn"]},
    }


def test_throttled_tasks_wait_out_a_burst() -> None:
    # Lambda throttles at the account's concurrency limit; a product retried for a few seconds would fail
    # while a catalog's other products still hold the capacity.
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    tasks = [state for state in _states(definition).values() if state["Type"] == "Task"]
    assert tasks
    for state in tasks:
        retriers = [block for block in state["Retry"] if "Lambda.TooManyRequestsException" in block["ErrorEquals"]]
        assert len(retriers) == 1
        retrier = retriers[0]
        longest_waits = [
            min(retrier["IntervalSeconds"] * retrier["BackoffRate"] ** attempt, retrier["MaxDelaySeconds"])
            for attempt in range(retrier["MaxAttempts"])
        ]
        # FULL jitter waits a uniform share of each longest wait, half of it on average. The README and the
        # template promise about four minutes.
        average = sum(longest_waits) / 2 if retrier["JitterStrategy"] == "FULL" else sum(longest_waits)
        assert 220 <= average <= 300


def test_lambda_service_retriers_name_every_transient_error() -> None:
    # The errors Step Functions lists as transient Lambda service errors worth retrying.
    transient = {
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.ClientExecutionTimeoutException",
    }
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    tasks = [state for state in _states(definition).values() if state["Type"] == "Task"]
    for state in tasks:
        retriers = [
            set(block["ErrorEquals"]) for block in state["Retry"] if "Lambda.ServiceException" in block["ErrorEquals"]
        ]
        assert retriers == [transient]


def test_every_lambda_task_retries_throttled_records() -> None:
    definition = json.loads(ASL.replace('"${', '"').replace('}"', '"'))
    for name, state in _states(definition).items():
        if state["Type"] == "Task":
            assert any("RecordsUnavailable" in block["ErrorEquals"] for block in state.get("Retry", [])), name


def test_table_policy_matches_records_calls() -> None:
    document = TEMPLATE.resources["ListingTableAccessPolicy"]["Properties"]["PolicyDocument"]
    (statement,) = document["Statement"]
    allowed = set(statement["Action"])
    source = (ROOT / "layers/spec2listing/spec2listing/storage/records.py").read_text()
    # boto3 names each DynamoDB call in snake case: batch_get_item is dynamodb:BatchGetItem.
    # A call may be passed on as a function ("self._client.batch_get_item,"), so names are matched as words.
    calls = r"get_item|put_item|update_item|delete_item|query|scan|batch_get_item|batch_write_item"
    called = set(re.findall(rf"\.({calls})\b", source))
    called |= {"batch_write_item"} if "batch_writer(" in source else set()
    needed = {"dynamodb:" + "".join(part.title() for part in name.split("_")) for name in called}
    assert {"dynamodb:BatchGetItem", "dynamodb:Query"} <= needed
    assert needed <= allowed
    assert "dynamodb:Scan" not in allowed
    for resource in TEMPLATE.resources.values():
        policies = resource.get("Properties", {}).get("Policies", [])
        assert not any(isinstance(policy, dict) and "DynamoDBCrudPolicy" in policy for policy in policies)
