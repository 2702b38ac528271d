"""Object storage: the S3 bucket, and an in-memory stand-in with the same methods."""

import email.header
import hashlib
import json
import threading
import uuid
from typing import Any, Protocol

from pydantic import BaseModel

from spec2listing.errors import ArtifactMissing, ArtifactUnreadable

# The largest object one CopyObject request copies (5 GB, S3 user guide "Copying objects"); larger copies go
# in parts.
MAX_COPY_OBJECT_BYTES = 5 * 2**30


class ObjectStore(Protocol):
    """The few bucket operations the pipeline needs.

    A `version_id` names one version of an object in a versioned bucket; None
    means the latest version.
    """

    bucket: str

    def get_bytes(self, key: str, version_id: str | None = None) -> bytes: ...

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def put_if_absent(self, key: str, data: bytes, content_type: str) -> bool:
        """Write the object only when no object has the key, atomically; return whether it was written."""
        ...

    def copy(
        self, source_key: str, target_key: str, source_version_id: str | None = None, *, size: int | None = None
    ) -> None:
        """Copy an object in the bucket; `size`, where known, lets a copy of more than 5 GB go in parts."""
        ...

    def exists(self, key: str, version_id: str | None = None) -> bool: ...

    def etag(self, key: str, version_id: str | None = None) -> str | None:
        """Return the object's ETag without quotes, or None when it does not exist.

        The ETag changes when the object's content changes. For a single-part upload
        without SSE-KMS or SSE-C encryption it is the MD5 of the bytes, so uploading
        the same bytes again keeps it.
        """
        ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def metadata(self, key: str, version_id: str | None = None) -> dict[str, str]: ...

    def latest_version(self, key: str) -> str | None:
        """Return the version id of the object's current version; None when it has none or does not exist."""
        ...

    def size(self, key: str, version_id: str | None = None) -> int:
        """Return the object's size in bytes; raise ArtifactMissing when it does not exist."""
        ...


def put_json(store: ObjectStore, key: str, document: BaseModel | dict[str, Any] | list[Any]) -> None:
    if isinstance(document, BaseModel):
        body = document.model_dump_json(indent=2)
    else:
        body = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    store.put_bytes(key, body.encode("utf-8"), "application/json")


def get_json(store: ObjectStore, key: str) -> Any:
    data = store.get_bytes(key)
    try:
        return json.loads(data)
    except ValueError as error:
        raise ArtifactUnreadable(f"{key} does not hold valid JSON: {error}") from error


class S3ObjectStore:
    """One bucket through a boto3 S3 client."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self._client = client

    def get_bytes(self, key: str, version_id: str | None = None) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key, **_version(version_id))
        except self._client.exceptions.ClientError as error:
            if _is_missing(error, version_id):
                raise ArtifactMissing(f"{_location(self.bucket, key, version_id)} does not exist") from error
            raise
        body: bytes = response["Body"].read()
        return body

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def put_if_absent(self, key: str, data: bytes, content_type: str) -> bool:
        try:
            self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type, IfNoneMatch="*")
        except self._client.exceptions.ClientError as error:
            # 412 when the key exists; 409 when another conditional write of the key is under way.
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise
        return True

    def copy(
        self, source_key: str, target_key: str, source_version_id: str | None = None, *, size: int | None = None
    ) -> None:
        source = {"Bucket": self.bucket, "Key": source_key, **_version(source_version_id)}
        if size is not None and size > MAX_COPY_OBJECT_BYTES:
            # boto3's managed copy copies in parts (UploadPartCopy), which CopyObject's limit does not bound.
            self._client.copy(source, self.bucket, target_key)
            return
        self._client.copy_object(Bucket=self.bucket, Key=target_key, CopySource=source)

    def exists(self, key: str, version_id: str | None = None) -> bool:
        return self._head(key, version_id) is not None

    def etag(self, key: str, version_id: str | None = None) -> str | None:
        response = self._head(key, version_id)
        return None if response is None else str(response["ETag"]).strip('"')

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys

    def metadata(self, key: str, version_id: str | None = None) -> dict[str, str]:
        """Read the object's user metadata (x-amz-meta-* headers), with keys in lower case as S3 stores them.

        S3 returns a value with characters outside US-ASCII as RFC 2047 encoded words, which are decoded here.
        """
        response = self._head(key, version_id)
        if response is None:
            raise ArtifactMissing(f"{_location(self.bucket, key, version_id)} does not exist")
        metadata: dict[str, str] = response.get("Metadata", {})
        return {name: _decoded_header(value) for name, value in metadata.items()}

    def latest_version(self, key: str) -> str | None:
        response = self._head(key)
        # An object put before versioning was turned on has the version id "null".
        version = response.get("VersionId") if response else None
        return version if version and version != "null" else None

    def size(self, key: str, version_id: str | None = None) -> int:
        response = self._head(key, version_id)
        if response is None:
            raise ArtifactMissing(f"{_location(self.bucket, key, version_id)} does not exist")
        return int(response["ContentLength"])

    def _head(self, key: str, version_id: str | None = None) -> dict[str, Any] | None:
        """HEAD one object; None when it does not exist (a 404, since the functions may list the bucket)."""
        try:
            response: dict[str, Any] = self._client.head_object(Bucket=self.bucket, Key=key, **_version(version_id))
        except self._client.exceptions.ClientError as error:
            if _is_missing(error, version_id):
                return None
            raise
        return response


def _decoded_header(value: str) -> str:
    if "=?" not in value:
        return value
    return str(email.header.make_header(email.header.decode_header(value)))


def _version(version_id: str | None) -> dict[str, str]:
    return {"VersionId": version_id} if version_id else {}


def _location(bucket: str, key: str, version_id: str | None) -> str:
    return f"s3://{bucket}/{key}" + (f" version {version_id}" if version_id else "")


def _is_missing(error: Any, version_id: str | None) -> bool:
    """Tell a missing object or version from other failures.

    S3 returns 400 InvalidArgument for a malformed version id, which for the
    caller is a version that does not exist.
    """
    code = error.response.get("Error", {}).get("Code")
    if code in ("404", "NoSuchKey", "NotFound", "NoSuchVersion"):
        return True
    return version_id is not None and code in ("400", "InvalidArgument")


class MemoryObjectStore:
    """A dict-backed bucket for unit tests and benchmarks, versioned like the deployed one.

    Every put gets a new version id; `version_ids` maps each key to its latest.
    """

    def __init__(self, bucket: str = "memory-bucket") -> None:
        self.bucket = bucket
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.versions: dict[tuple[str, str], tuple[bytes, str]] = {}
        self.version_ids: dict[str, str] = {}
        self.user_metadata: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def get_bytes(self, key: str, version_id: str | None = None) -> bytes:
        return self._get(key, version_id)[0]

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self._put(key, data, content_type)

    def put_if_absent(self, key: str, data: bytes, content_type: str) -> bool:
        with self._lock:
            if key in self.objects:
                return False
            self._put(key, data, content_type)
            return True

    def _put(self, key: str, data: bytes, content_type: str) -> None:
        version_id = uuid.uuid4().hex
        self.objects[key] = self.versions[(key, version_id)] = (bytes(data), content_type)
        self.version_ids[key] = version_id

    def copy(
        self, source_key: str, target_key: str, source_version_id: str | None = None, *, size: int | None = None
    ) -> None:
        data, content_type = self._get(source_key, source_version_id)
        self.put_bytes(target_key, data, content_type)

    def exists(self, key: str, version_id: str | None = None) -> bool:
        with self._lock:
            return key in self.objects if version_id is None else (key, version_id) in self.versions

    def etag(self, key: str, version_id: str | None = None) -> str | None:
        """Return the MD5 of the object's bytes, as S3 does for an object uploaded in one part."""
        try:
            data, _ = self._get(key, version_id)
        except ArtifactMissing:
            return None
        return hashlib.md5(data, usedforsecurity=False).hexdigest()

    def list_keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(key for key in self.objects if key.startswith(prefix))

    def metadata(self, key: str, version_id: str | None = None) -> dict[str, str]:
        self._get(key, version_id)
        with self._lock:
            return dict(self.user_metadata.get(key, {}))

    def latest_version(self, key: str) -> str | None:
        with self._lock:
            return self.version_ids.get(key) if key in self.objects else None

    def size(self, key: str, version_id: str | None = None) -> int:
        return len(self._get(key, version_id)[0])

    def _get(self, key: str, version_id: str | None) -> tuple[bytes, str]:
        with self._lock:
            found = self.objects.get(key) if version_id is None else self.versions.get((key, version_id))
        if found is None:
            raise ArtifactMissing(f"{_location(self.bucket, key, version_id)} does not exist")
        return found
