"""Run the deployed state machine locally on moto, with Lambda tasks dispatched to the handlers in-process.

The same ASL file and the same handler modules that `sam deploy` ships run here.
The template's DefinitionSubstitutions are filled with local ARNs, and moto's
Step Functions interpreter executes the definition. Each Lambda invoke it makes
is routed to the handler's `lambda_handler` in this process. A handler
exception comes back the way Lambda reports it (the x-amz-function-error header
and an errorType/errorMessage body), so Retry and Catch match typed errors.

The output folder is the local bucket and table: objects under its bucket
prefixes and its table.json are loaded before a run and written back after it,
so later runs see what earlier runs left.
"""

import base64
import functools
import gc
import hashlib
import importlib.util
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any, cast

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.dynamodb.models import DynamoDBBackend
from moto.s3.models import S3Backend
from moto.s3.responses import S3Response
from pydantic import BaseModel, ValidationError

from spec2listing.local.references import REFERENCES_PREFIX, stage_reference_photos
from spec2listing.local.template import Template, find_project_root, load_template, resolve, substitute_definition
from spec2listing.models.records import ProductRecord, RunRecord
from spec2listing.review.html import render_runs_index
from spec2listing.storage import keys
from spec2listing.storage.objects import S3ObjectStore
from spec2listing.storage.records import DynamoRecordStore

logger = logging.getLogger(__name__)
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
LOCAL_NAME = "spec2listing-local"
TABLE_FILE = "table.json"
# An index of every run in the output folder; it exists only locally, where no console lists executions.
RUNS_INDEX_FILE = "index.html"
LOG_FILE = "logs/spec2listing.log"
# Loggers of the emulator, the provider SDKs and their HTTP clients, and of Python warnings, whose lines go to
# the log file with the handlers' own. Otherwise they print on the terminal: the google-genai SDK warns about
# a finish reason it does not know, and Pillow about a very large image.
LIBRARY_LOGGERS = ("moto", "google_genai", "openai", "httpx", "httpx2", "httpcore2", "py.warnings")
BUCKET_PREFIXES = (
    keys.INCOMING_PREFIX,
    keys.BRANDS_PREFIX,
    keys.RUNS_PREFIX,
    keys.REJECTED_PREFIX,
    keys.CACHE_PREFIX,
    REFERENCES_PREFIX,
)
POLL_SECONDS = 0.1
# Step Functions' quota on the input or output of a state (256 KiB). The emulator does not enforce it, and on
# AWS a larger payload fails with States.DataLimitExceeded, which no States.ALL catcher catches, so a local run
# warns where AWS would fail.
STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024
# How long stop() waits for handler calls already under way after it stops their executions.
STOP_GRACE_SECONDS = 30.0
# Receives the status-change event of an execution stopped locally, as the rule on the default bus does on AWS.
CLOSE_ENDED_RUN_FUNCTION = "CloseEndedRunFunction"
# Polls of a long run slow down to this, so that they do not load the emulator in proportion to its length.
MAX_POLL_SECONDS = 1.0
# The progress count is taken again only after this many times the last count's duration.
COUNT_COST_FACTOR = 50
# moto's in-memory backends are not thread-safe: a transaction or listing that iterates a dict while
# another thread writes to it fails with "dictionary changed size during iteration". Handlers run in
# many threads locally, so these operations are serialized (each is a fast in-memory step).
# S3's key requests are serialized whole, response included: moto builds a response (the ETag of a
# new object, the body of a read) after the backend call returns, and an overwrite of the same key
# in between closes the old object's buffer ("I/O operation on closed file"). Real S3 replaces an
# object atomically, so this happens only on the emulator.
SERIALIZED_OPERATIONS: dict[type, tuple[str, ...]] = {
    S3Response: ("key_response",),
    DynamoDBBackend: ("put_item", "get_item", "query", "scan", "update_item", "delete_item", "transact_write_items"),
    S3Backend: (
        "put_object",
        "get_object",
        "head_object",
        "list_objects",
        "list_objects_v2",
        "copy_object",
        "delete_object",
    ),
}
# Ends the name of a file save_state is writing, until it replaces the real one.
PARTIAL_SUFFIX = ".partial"
MOTO_CONFIG: Any = {
    "lambda": {"use_docker": False},
    "stepfunctions": {"execute_state_machine": True},
    "core": {"mock_credentials": True, "passthrough": {"urls": [], "services": []}},
}


class LocalStateInvalid(Exception):
    """The output folder cannot be loaded as the local bucket and table, or another command is using it."""


LOCK_FILE = ".spec2listing.lock"


def lock_output_folder(out_dir: Path) -> io.TextIOWrapper | None:
    """Take an exclusive lock on the output folder for this process; raise LocalStateInvalid when it is taken.

    Each command loads the folder's table when it starts and writes the whole table back when it ends, so two
    commands at once would keep only the records of the one that ends last. The operating system releases
    the lock when the returned file is closed or the process ends, so a killed command leaves no stale lock.
    """
    try:
        import fcntl
    except ImportError:
        # NOTE: Windows has no fcntl, so there two commands on one folder are not kept apart.
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    handle = (out_dir / LOCK_FILE).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise LocalStateInvalid(
            f"{out_dir} is in use by another spec2listing command ({holder}); wait for it to end, "
            "or give this one another --out"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    return handle


@dataclass
class Submission:
    """One file handed to the pipeline, and where its execution stands."""

    path: Path
    key: str
    execution_arn: str
    status: str = "RUNNING"
    run_id: str | None = None
    error: str | None = None
    expected_products: int | None = None
    duplicate_of: str | None = None


@dataclass
class RunOutcome:
    """What one file produced: the run record, its products and any rejections."""

    path: Path
    status: str
    run: RunRecord | None
    products: list[ProductRecord]
    rejections: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    duplicate_of: str | None = None


@dataclass
class _Context:
    """The parts of a Lambda context object handlers and Powertools read."""

    function_name: str
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 1024
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, round((self._deadline - time.monotonic()) * 1000))


class LocalPipeline:
    """The application's bucket, table, bus, functions and state machine on moto, in this process."""

    def __init__(
        self,
        out_dir: Path,
        *,
        environment: dict[str, str] | None = None,
        project_root: Path | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.root = project_root or find_project_root()
        self.template: Template = load_template(self.root)
        self.extra_environment = environment or {}
        self.bucket = LOCAL_NAME
        self.table_name = LOCAL_NAME
        self.bus_name = LOCAL_NAME
        self._handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        self._timeouts: dict[str, int] = {}
        self._loaded_etags: dict[str, str] = {}
        self._saved_environment: dict[str, str] = {}
        self._saved_warning_filters: list[Any] = []
        self._saved_invoke: Any = None
        self._restore_backends: Callable[[], None] | None = None
        self._mock: Any = None
        self._log_stream: io.TextIOWrapper | None = None
        self._folder_lock: io.TextIOWrapper | None = None
        self.invocations: dict[str, int] = {}
        # Every execution start() began, also one whose submission an interrupt kept from its caller.
        self.started: list[Submission] = []
        # The largest input and output of each function, in bytes: Step Functions fails a state over 256 KiB.
        self.largest_input: dict[str, int] = {}
        self.largest_output: dict[str, int] = {}
        self._count_lock = threading.Lock()
        # Handler calls under way, so that stop() can let them end before the emulator goes away.
        self._active_calls = 0
        self._calls_done = threading.Condition()
        self._metrics = Metrics()

    # ---------- lifecycle ----------

    def __enter__(self) -> "LocalPipeline":
        self._saved_environment = dict(os.environ)
        self._saved_warning_filters = list(warnings.filters)
        # Metrics are off locally and cleared after every call, so a handler may find none to publish.
        warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)
        self._folder_lock = lock_output_folder(self.out_dir)
        os.environ.update(self._base_environment())
        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start()
        try:
            self._open_log()
            self._create_resources()
            self._load_state()
            os.environ.update(self._function_environment())
            # The handlers' modules log while they load (a model missing from the price table), so their
            # service's logger is made and sent to the log file first. Each handler's Logger() then reuses it.
            Logger()
            self._route_handler_logs()
            self._load_handlers()
            self._restore_backends = serialize_moto_backends()
            self._saved_invoke = LambdaSimpleBackend.invoke
            LambdaSimpleBackend.invoke = self._invoke  # type: ignore[method-assign,assignment]
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.save_state()
        finally:
            self._stop()

    def _stop(self) -> None:
        if self._restore_backends is not None:
            self._restore_backends()
            self._restore_backends = None
        gc.unfreeze()
        if self._saved_invoke is not None:
            LambdaSimpleBackend.invoke = self._saved_invoke  # type: ignore[method-assign]
            self._saved_invoke = None
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        if self._log_stream is not None:
            self._unroute_logs()
        if self._folder_lock is not None:
            self._folder_lock.close()  # closing the file releases its lock
            self._folder_lock = None
        os.environ.clear()
        os.environ.update(self._saved_environment)
        cast(list[Any], warnings.filters)[:] = self._saved_warning_filters

    def _base_environment(self) -> dict[str, str]:
        return {
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_LAMBDA_FUNCTION_NAME": "",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }

    # ---------- resources ----------

    def _names(self) -> dict[str, str]:
        names = dict(self.template.parameter_defaults())
        names.update({"AWS::Region": REGION, "AWS::AccountId": ACCOUNT_ID, "AWS::Partition": "aws"})
        names["AWS::StackName"] = LOCAL_NAME
        for logical_id, resource in self.template.resources.items():
            kind = resource["Type"]
            if kind == "AWS::S3::Bucket":
                names[logical_id] = self.bucket
                names[f"{logical_id}.Arn"] = f"arn:aws:s3:::{self.bucket}"
            elif kind == "AWS::DynamoDB::Table":
                names[logical_id] = self.table_name
            elif kind == "AWS::Events::EventBus":
                names[logical_id] = self.bus_name
            elif kind == "AWS::Serverless::Function":
                arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{logical_id}"
                names[logical_id] = logical_id
                names[f"{logical_id}.Arn"] = arn
        return names

    def _function_environment(self) -> dict[str, str]:
        """Build the functions' shared environment: template values, then the caller's settings over them.

        A variable the template sets from a literal or a parameter is a setting, so the value in the
        environment this process started with replaces it, and `environment` given to the constructor
        replaces both. Variables that name resources (the bucket, table and bus) keep their local names.
        """
        names = self._names()
        parameters = set(self.template.parameter_defaults())
        environment: dict[str, str] = {}
        settings: set[str] = set()
        for spec in self.template.functions.values():
            for name, value in spec.environment.items():
                resolved = str(resolve(value, names))
                if environment.get(name, resolved) != resolved:
                    raise ValueError(f"functions disagree on {name}; local runs share one environment")
                environment[name] = resolved
                if not isinstance(value, dict) or value.get("Ref") in parameters:
                    settings.add(name)
        environment.update({name: self._saved_environment[name] for name in settings & set(self._saved_environment)})
        environment.update(self.extra_environment)
        return environment

    def _create_resources(self) -> None:
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="spec2listing-local", AssumeRolePolicyDocument="{}")["Role"]["Arn"]

        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=self.bucket)

        _, table = self.template.resource_of_type("AWS::DynamoDB::Table")
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=self.table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=table["AttributeDefinitions"],
            KeySchema=table["KeySchema"],
            GlobalSecondaryIndexes=table.get("GlobalSecondaryIndexes", []),
        )
        boto3.client("events", region_name=REGION).create_event_bus(Name=self.bus_name)

        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("app.py", "# dispatched in-process by spec2listing.local.runtime\n")
        lambda_client = boto3.client("lambda", region_name=REGION)
        for logical_id, spec in self.template.functions.items():
            lambda_client.create_function(
                FunctionName=logical_id,
                Runtime="python3.13",
                Role=role,
                Handler=spec.handler,
                Code={"ZipFile": archive.getvalue()},
                Timeout=spec.timeout,
            )

        _, machine = self.template.state_machine()
        names = self._names()
        substitutions = {name: str(resolve(value, names)) for name, value in machine["DefinitionSubstitutions"].items()}
        definition = substitute_definition((self.root / machine["DefinitionUri"]).read_text(), substitutions)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        self.state_machine_arn = sfn.create_state_machine(
            name=f"{LOCAL_NAME}-listing-pipeline", definition=definition, roleArn=role, type="STANDARD"
        )["stateMachineArn"]

    def _load_handlers(self) -> None:
        for logical_id, spec in self.template.functions.items():
            module_name, function_name = spec.handler.rsplit(".", 1)
            path = spec.code_uri / f"{module_name.replace('.', '/')}.py"
            import_name = f"spec2listing_local_{logical_id}_{uuid.uuid4().hex[:8]}"
            module_spec = importlib.util.spec_from_file_location(import_name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImportError(f"cannot load handler {path}")
            module: ModuleType = importlib.util.module_from_spec(module_spec)
            sys.modules[import_name] = module
            module_spec.loader.exec_module(module)
            self._handlers[logical_id] = getattr(module, function_name)
            self._timeouts[logical_id] = spec.timeout

    def _open_log(self) -> None:
        """Send emulator and handler logs to <out>/logs/ so the terminal stays readable."""
        path = self.out_dir / LOG_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        self._log_stream = path.open("a", encoding="utf-8")
        self._redirected: list[tuple[logging.StreamHandler[Any], Any]] = []
        self._library_handlers: dict[str, logging.Handler] = {}
        # Python warnings become log records of the "py.warnings" logger while the run's log is open.
        logging.captureWarnings(True)
        for name in LIBRARY_LOGGERS:
            handler = logging.StreamHandler(self._log_stream)
            # JSON lines like the handlers' own, so that the whole file reads with jq.
            handler.setFormatter(LambdaPowertoolsFormatter(service=name))
            library_logger = logging.getLogger(name)
            library_logger.addHandler(handler)
            library_logger.propagate = False
            self._library_handlers[name] = handler

    def _route_handler_logs(self) -> None:
        service = os.environ.get("POWERTOOLS_SERVICE_NAME", "service_undefined")
        for handler in logging.getLogger(service).handlers:
            if isinstance(handler, logging.StreamHandler):
                # Assigned, not setStream(): the old stream may already be closed and cannot be flushed.
                self._redirected.append((handler, handler.stream))
                handler.stream = self._log_stream

    def _unroute_logs(self) -> None:
        for handler, stream in self._redirected:
            handler.stream = stream
        for name, library_handler in self._library_handlers.items():
            library_logger = logging.getLogger(name)
            library_logger.removeHandler(library_handler)
            library_logger.propagate = True
        logging.captureWarnings(False)
        assert self._log_stream is not None
        self._log_stream.close()
        self._log_stream = None

    # ---------- Lambda dispatch ----------

    def _invoke(
        self,
        function_name: str,
        qualifier: str | None,
        body: Any,
        headers: Any,
        response_headers: dict[str, str],
    ) -> bytes:
        name = function_name.rsplit(":function:", maxsplit=1)[-1].split(":", maxsplit=1)[0]
        handler = self._handlers[name]
        with self._count_lock:
            self.invocations[name] = self.invocations.get(name, 0) + 1
            self.largest_input[name] = max(self.largest_input.get(name, 0), len(body or b""))
        event = json.loads(body) if body else {}
        context = _Context(function_name=name, timeout_seconds=self._timeouts[name])
        with self._calls_done:
            self._active_calls += 1
        try:
            result = handler(event, context)
        except Exception as error:  # noqa: BLE001 - reported to the state machine as Lambda would
            response_headers["x-amz-function-error"] = "Unhandled"
            payload = {
                "errorType": type(error).__name__,
                "errorMessage": str(error),
                "stackTrace": traceback.format_exception(error)[-6:],
            }
            return json.dumps(payload).encode("utf-8")
        finally:
            # Metrics are disabled locally, so Powertools keeps them in one set shared by every handler, and it
            # prints that set to stdout once a metric has 100 values. Dropping them after each call keeps it empty.
            self._metrics.clear_metrics()
            # moto keeps every object, item and history event of the run in this process, which no Lambda
            # container does. Freezing what exists after each call keeps garbage collection passes from
            # growing with the run; _stop() unfreezes it all.
            gc.freeze()
            with self._calls_done:
                self._active_calls -= 1
                self._calls_done.notify_all()
        output = json.dumps(result).encode("utf-8")
        with self._count_lock:
            self.largest_output[name] = max(self.largest_output.get(name, 0), len(output))
        for direction, size in (("input", len(body or b"")), ("output", len(output))):
            if size > STATE_PAYLOAD_LIMIT_BYTES:
                logger.warning(
                    "%s %s is %d bytes, over the Step Functions limit of 256 KiB for a state's input or output, "
                    "so on AWS it fails with States.DataLimitExceeded",
                    name,
                    direction,
                    size,
                    extra={"function": name, "bytes": size},
                )
        return output

    def invoke(self, function: str, event: dict[str, Any]) -> Any:
        """Call one function's handler directly, as `sam local invoke` would, and return its result."""
        context = _Context(function_name=function, timeout_seconds=self._timeouts[function])
        return self._handlers[function](event, context)

    # ---------- state in the output folder ----------

    def _load_state(self) -> None:
        s3 = boto3.client("s3", region_name=REGION)
        if self.out_dir.is_dir():
            for prefix in BUCKET_PREFIXES:
                folder = self.out_dir / prefix
                if not folder.is_dir():
                    continue
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and not _is_partial(path):
                        key = path.relative_to(self.out_dir).as_posix()
                        data = path.read_bytes()
                        s3.put_object(Bucket=self.bucket, Key=key, Body=data)
                        self._loaded_etags[key] = hashlib.md5(data, usedforsecurity=False).hexdigest()
        table_file = self.out_dir / TABLE_FILE
        if table_file.is_file():
            table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
            with table.batch_writer() as batch:
                for item in _table_items(table_file):
                    if "record" in item:
                        item["record"] = json.dumps(item["record"], separators=(",", ":"))
                    batch.put_item(Item=item)

    def save_state(self) -> None:
        """Write new or changed bucket objects and the whole table into the output folder."""
        s3 = boto3.client("s3", region_name=REGION)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        paginator = s3.get_paginator("list_objects_v2")
        for listing in paginator.paginate(Bucket=self.bucket):
            for entry in listing.get("Contents", []):
                key = entry["Key"]
                etag = entry["ETag"].strip('"')
                if self._loaded_etags.get(key) == etag:
                    continue
                # S3 keeps 'a/../b' as a key of its own; on disk it would land on, or outside, another file.
                parts = PurePosixPath(key).parts
                if any(part in (".", "..") for part in parts) or not key or key != "/".join(parts):
                    warnings.warn(
                        f"bucket key {key!r} has no path of its own in the output folder; not saved", stacklevel=2
                    )
                    continue
                target = self.out_dir / PurePosixPath(key)
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _write_whole(target, s3.get_object(Bucket=self.bucket, Key=key)["Body"].read())
                except OSError as error:
                    # One file that cannot be written (a folder in its place, a name too long) must not
                    # cost the table and every other file of the command.
                    warnings.warn(f"bucket key {key!r} not saved to {target}: {error}", stacklevel=2)
                    continue
                self._loaded_etags[key] = etag

        table = boto3.resource("dynamodb", region_name=REGION).Table(self.table_name)
        items: list[dict[str, Any]] = []
        arguments: dict[str, Any] = {}
        while True:
            page = table.scan(**arguments)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        for item in items:
            for name, value in item.items():
                if isinstance(value, Decimal):
                    item[name] = int(value) if value == value.to_integral_value() else float(value)
            if "record" in item:
                item["record"] = json.loads(item["record"])
        items.sort(key=lambda item: (item["pk"], item["sk"]))
        document = {"note": "Local copy of the spec2listing table; edit only to reset state.", "items": items}
        _write_whole(self.out_dir / TABLE_FILE, json.dumps(document, indent=1, default=str).encode("utf-8"))
        runs = [RunRecord.model_validate(item["record"]) for item in items if item["sk"] == "RUN" and "record" in item]
        products: dict[str, list[ProductRecord]] = {}
        for item in items:
            if item["pk"].startswith("RUN#") and item["sk"].startswith("PRODUCT#") and "record" in item:
                record = ProductRecord.model_validate(item["record"])
                products.setdefault(record.run_id, []).append(record)
        _write_whole(self.out_dir / RUNS_INDEX_FILE, render_runs_index(runs, products).encode("utf-8"))

    # ---------- running files ----------

    @property
    def store(self) -> S3ObjectStore:
        return S3ObjectStore(self.bucket, boto3.client("s3", region_name=REGION))

    @property
    def records(self) -> DynamoRecordStore:
        return DynamoRecordStore(boto3.resource("dynamodb", region_name=REGION).Table(self.table_name))

    def put_object(self, key: str, data: bytes) -> None:
        boto3.client("s3", region_name=REGION).put_object(Bucket=self.bucket, Key=key, Body=data)

    def upload_brand_guides(self, folder: Path) -> list[str]:
        uploaded = []
        for path in sorted(folder.glob("*.json")):
            key = keys.brand_guide(path.stem)
            self.put_object(key, path.read_bytes())
            uploaded.append(key)
        return uploaded

    def submit_file(self, path: Path, metadata: dict[str, str] | None = None) -> Submission:
        """Upload a file under incoming/ and start a run with the event S3 would send through EventBridge.

        Each submission gets its own key, incoming/<submission id>/<file name>, so two files that share
        a name (or one file submitted twice) never overwrite each other before intake reads them.
        Reference photos the file names by local path are uploaded first, under references/<sku>/, and
        the file itself goes up unchanged. `metadata` becomes the object's user metadata, where uploads
        carry reader options.
        """
        key = f"{keys.INCOMING_PREFIX}{_submission_id()}/{path.name}"
        data = path.read_bytes()
        stage_reference_photos(path, data, metadata or {}, self.put_object)
        s3 = boto3.client("s3", region_name=REGION)
        encoded = {name: _metadata_value(value) for name, value in (metadata or {}).items()}
        s3.put_object(Bucket=self.bucket, Key=key, Body=data, Metadata=encoded)
        event = s3_object_created_event(self.bucket, key, data)
        return self.start(path, key, event)

    def start(self, path: Path, key: str, event: dict[str, Any]) -> Submission:
        sfn = boto3.client("stepfunctions", region_name=REGION)
        execution = sfn.start_execution(
            stateMachineArn=self.state_machine_arn, name=str(uuid.uuid4()), input=json.dumps(event)
        )
        submission = Submission(path=path, key=key, execution_arn=execution["executionArn"])
        self.started.append(submission)
        return submission

    def wait(
        self,
        submissions: list[Submission],
        *,
        on_progress: Callable[[int, int], None] | None = None,
        timeout_seconds: float | None = None,
    ) -> list[RunOutcome]:
        """Poll until every execution ends, reporting finished and expected product counts."""
        sfn = boto3.client("stepfunctions", region_name=REGION)
        records = self.records
        started = time.monotonic()
        deadline = None if timeout_seconds is None else started + timeout_seconds
        finished: dict[str, int] = {}
        next_count = started
        while True:
            running = False
            for submission in submissions:
                if submission.status == "RUNNING":
                    description = sfn.describe_execution(executionArn=submission.execution_arn)
                    submission.status = description["status"]
                    if submission.status != "RUNNING":
                        submission.error = description.get("error")
                    if submission.status in ("FAILED", "TIMED_OUT"):
                        self._close_ended_run(description)
                    running = running or submission.status == "RUNNING"
                if submission.run_id is None:
                    submission.run_id = self._run_id_of(submission)
                if submission.run_id is not None and not submission.expected_products:
                    # Intake records the run before it has counted the products.
                    run = records.get_run(submission.run_id)
                    submission.expected_products = (run.product_count or None) if run is not None else None
            if on_progress is not None and (not running or time.monotonic() >= next_count):
                count_started = time.monotonic()
                for submission in submissions:
                    if submission.run_id is not None:
                        finished[submission.execution_arn] = records.count_finished_products(submission.run_id)
                # A count reads every product item of the runs, and the emulator's query sorts the whole
                # table, so its cost grows with the catalog. Waiting COUNT_COST_FACTOR times its duration
                # before the next count keeps the polling's share of the run's time flat.
                next_count = time.monotonic() + COUNT_COST_FACTOR * (time.monotonic() - count_started)
                expected = sum(submission.expected_products or 0 for submission in submissions)
                on_progress(sum(finished.values()), expected)
            if not running:
                break
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout_seconds:g} s with runs still going")
            time.sleep(min(MAX_POLL_SECONDS, POLL_SECONDS + (time.monotonic() - started) / 50))
        return self.outcomes(submissions)

    def outcomes(self, submissions: list[Submission]) -> list[RunOutcome]:
        """Read what each submission's run has recorded so far, as wait returns it once they end."""
        return [self._outcome(submission) for submission in submissions]

    def _close_ended_run(self, description: Mapping[str, Any]) -> None:
        """Deliver a failed execution's status-change event, as the rule on the default bus does on AWS.

        A failure the state machine caught has closed its run already, so the
        function leaves that run as it is. A failure no Catch handles, such as
        States.DataLimitExceeded on a trigger near 256 KB, would otherwise leave
        the run RUNNING.
        """
        error = str(description.get("error") or "States.Runtime")
        cause = str(description.get("cause") or "the execution failed")
        self.invoke(CLOSE_ENDED_RUN_FUNCTION, _status_change_event(description, description["status"], error, cause))

    def running(self, submissions: list[Submission]) -> bool:
        """Tell whether any of the submissions' executions is still running."""
        sfn = boto3.client("stepfunctions", region_name=REGION)
        return any(
            sfn.describe_execution(executionArn=submission.execution_arn)["status"] == "RUNNING"
            for submission in submissions
        )

    def stop(self, submissions: list[Submission], *, reason: str) -> list[str]:
        """Stop the executions still running and close their runs as FAILED with `reason`; return their run ids.

        `reason` reads "Name: message". On AWS a stopped execution sends a
        "Step Functions Execution Status Change" event that the CloseEndedRun
        function receives; the emulator sends none, so the same event is
        delivered here. CloseEndedRun records the run FAILED, records its
        unfinished products, releases its claims and announces ListingsFailed.
        """
        sfn = boto3.client("stepfunctions", region_name=REGION)
        error, _, cause = reason.partition(": ")
        ended = []
        for submission in submissions:
            status = sfn.describe_execution(executionArn=submission.execution_arn)["status"]
            if status != "RUNNING":
                continue
            try:
                sfn.stop_execution(executionArn=submission.execution_arn, error=error, cause=cause or reason)
            except Exception:
                # moto cannot stop an execution whose thread has not started yet; its run is closed below.
                logger.warning("execution not stopped", extra={"execution": submission.execution_arn}, exc_info=True)
            submission.status = "ABORTED"
            submission.error = reason
            ended.append(sfn.describe_execution(executionArn=submission.execution_arn))
        # Handler calls under way finish first, so a product they finish keeps its own outcome.
        with self._calls_done:
            self._calls_done.wait_for(lambda: self._active_calls == 0, timeout=STOP_GRACE_SECONDS)
        stopped: list[str] = []
        for description in ended:
            closed = self.invoke(
                CLOSE_ENDED_RUN_FUNCTION, _status_change_event(description, "ABORTED", error, cause or reason)
            )
            if closed.get("run_id"):
                stopped.append(closed["run_id"])
        return stopped

    def _run_id_of(self, submission: Submission) -> str | None:
        from spec2listing.pipeline.intake import make_run_id

        sfn = boto3.client("stepfunctions", region_name=REGION)
        description = sfn.describe_execution(executionArn=submission.execution_arn)
        started = description["startDate"]
        run_id = make_run_id(started if started.tzinfo else started.replace(tzinfo=UTC), description["name"])
        return run_id if self.records.get_run(run_id) is not None else None

    def _outcome(self, submission: Submission) -> RunOutcome:
        duplicate_of = self._duplicate_of(submission)
        if duplicate_of is not None:
            return RunOutcome(
                path=submission.path, status=submission.status, run=None, products=[], duplicate_of=duplicate_of
            )
        run = self.records.get_run(submission.run_id) if submission.run_id else None
        if run is None:
            submission.run_id = self._run_id_of(submission)
            run = self.records.get_run(submission.run_id) if submission.run_id else None
        products = self.records.list_run_products(run.run_id) if run else []
        rejections: list[dict[str, Any]] = []
        if run is not None:
            errors_key = keys.rejected_errors(run.run_id)
            if self.store.exists(errors_key):
                rejections = json.loads(self.store.get_bytes(errors_key))["rejected"]
        status = submission.status if run is None else run.status.value
        error = run.error if run is not None and run.error else submission.error
        return RunOutcome(
            path=submission.path, status=status, run=run, products=products, rejections=rejections, error=error
        )

    def _duplicate_of(self, submission: Submission) -> str | None:
        """Find the run an earlier delivery started, when this execution ended as a duplicate delivery."""
        sfn = boto3.client("stepfunctions", region_name=REGION)
        output = sfn.describe_execution(executionArn=submission.execution_arn).get("output")
        if not output:
            return None
        intake = json.loads(output).get("intake") or {}
        duplicate_of = intake.get("duplicate_of")
        return str(duplicate_of) if duplicate_of else None


def _table_items(table_file: Path) -> list[dict[str, Any]]:
    try:
        items: list[dict[str, Any]] = json.loads(table_file.read_text(encoding="utf-8"))["items"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise LocalStateInvalid(
            f"{table_file} is not a local table ({type(error).__name__}: {error}); "
            "repair it, or move it away to start with an empty table"
        ) from error
    if not isinstance(items, list):
        raise LocalStateInvalid(f"{table_file}: items is not a list; repair it, or move the file away")
    for index, item in enumerate(items):
        problem = _item_problem(item)
        if problem is not None:
            raise LocalStateInvalid(
                f"{table_file}: item {index} {problem}; repair it, or move the file away to start with an empty table"
            )
    return items


def _item_problem(item: object) -> str | None:
    """Return why a table.json item is not a record the handlers can read, or None when it is."""
    if not isinstance(item, dict) or not isinstance(item.get("pk"), str) or not isinstance(item.get("sk"), str):
        return "is not an object with text pk and sk"
    if "record" not in item:
        return None
    model: type[BaseModel] = RunRecord if item["sk"] == "RUN" else ProductRecord
    try:
        model.model_validate(item["record"])
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "record"
        return f"({item['pk']} {item['sk']}) has an invalid record: {where}: {first['msg']}"
    return None


def _metadata_value(value: str) -> str:
    """Encode a user metadata value for S3, which sends metadata as HTTP headers of US-ASCII text.

    A value with other characters becomes an RFC 2047 encoded word, the form S3 itself returns
    such values in; ObjectStore.metadata decodes it.
    """
    if value.isascii():
        return value
    return f"=?UTF-8?B?{base64.b64encode(value.encode('utf-8')).decode('ascii')}?="


def _submission_id() -> str:
    """Return a time-ordered id, so that a listing of incoming/ shows submissions in the order they were made."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _write_whole(target: Path, data: bytes) -> None:
    """Write a file through a temporary file beside it, so that an interrupted save leaves the old file whole."""
    temporary = target.with_name(f".{uuid.uuid4().hex}{PARTIAL_SUFFIX}")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def _is_partial(path: Path) -> bool:
    """Tell whether the file is a temporary one that a killed save left behind."""
    return path.name.startswith(".") and path.name.endswith(PARTIAL_SUFFIX)


def serialize_moto_backends() -> Callable[[], None]:
    """Put the operations in SERIALIZED_OPERATIONS behind one lock, and return the function that removes it.

    This gives moto the atomic conditional writes DynamoDB guarantees, for any
    code that calls the emulator from several threads.
    """
    lock = threading.RLock()
    saved: list[tuple[type, str, Any]] = []
    for backend, names in SERIALIZED_OPERATIONS.items():
        for name in names:
            original = backend.__dict__[name]
            saved.append((backend, name, original))
            setattr(backend, name, _locked(original, lock))

    def restore() -> None:
        for backend, name, original in saved:
            setattr(backend, name, original)

    return restore


def _locked(function: Callable[..., Any], lock: threading.RLock) -> Callable[..., Any]:
    @functools.wraps(function)
    def call(*arguments: Any, **keywords: Any) -> Any:
        with lock:
            return function(*arguments, **keywords)

    return call


def s3_object_created_event(bucket: str, key: str, data: bytes) -> dict[str, Any]:
    """The EventBridge event S3 sends for a new object, with the key URL-encoded as S3 does."""
    from urllib.parse import quote_plus

    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {
                "key": quote_plus(key, safe="/"),
                "size": len(data),
                "etag": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                # S3 gives each write of a key a larger sequencer; a second upload is a new delivery.
                "sequencer": f"{time.time_ns():020X}",
            },
            "request-id": uuid.uuid4().hex[:16].upper(),
            "requester": ACCOUNT_ID,
            "reason": "PutObject",
        },
    }


@contextmanager
def local_pipeline(out_dir: Path, **options: Any) -> Iterator[LocalPipeline]:
    with LocalPipeline(out_dir, **options) as pipeline:
        yield pipeline


def _status_change_event(description: Mapping[str, Any], status: str, error: str, cause: str) -> dict[str, Any]:
    """Build the event that Step Functions puts on the default bus for an execution that ended."""

    def epoch_ms(value: datetime) -> int:
        return round((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp() * 1000)

    stop_date = description.get("stopDate") or datetime.now(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [description["executionArn"]],
        "detail": {
            "executionArn": description["executionArn"],
            "stateMachineArn": description["stateMachineArn"],
            "name": description["name"],
            "status": status,
            "startDate": epoch_ms(description["startDate"]),
            "stopDate": epoch_ms(stop_date),
            "input": description.get("input"),
            "inputDetails": {"included": "input" in description},
            "error": error,
            "cause": cause,
        },
    }
