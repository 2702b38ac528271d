"""Object storage: the S3 bucket, and an in-memory stand-in with the same methods."""

import json
import threading
from typing import Any, Protocol

from pydantic import BaseModel

from spec2listing.errors import ArtifactMissing


class ObjectStore(Protocol):
    """The few bucket operations the pipeline needs."""

    bucket: str

    def get_bytes(self, key: str) -> bytes: ...

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def copy(self, source_key: str, target_key: str) -> None: ...

    def exists(self, key: str) -> bool: ...

    def list_keys(self, prefix: str) -> list[str]: ...

    def metadata(self, key: str) -> dict[str, str]: ...


def put_json(store: ObjectStore, key: str, document: BaseModel | dict[str, Any] | list[Any]) -> None:
    if isinstance(document, BaseModel):
        body = document.model_dump_json(indent=2)
    else:
        body = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    store.put_bytes(key, body.encode("utf-8"), "application/json")


def get_json(store: ObjectStore, key: str) -> Any:
    return json.loads(store.get_bytes(key))


class S3ObjectStore:
    """One bucket through a boto3 S3 client."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self._client = client
        self._missing = client.exceptions.NoSuchKey

    def get_bytes(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key)
        except self._missing as error:
            raise ArtifactMissing(f"s3://{self.bucket}/{key} does not exist") from error
        body: bytes = response["Body"].read()
        return body

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def copy(self, source_key: str, target_key: str) -> None:
        self._client.copy_object(
            Bucket=self.bucket,
            Key=target_key,
            CopySource={"Bucket": self.bucket, "Key": source_key},
        )

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys

    def metadata(self, key: str) -> dict[str, str]:
        """Read the object's user metadata (x-amz-meta-* headers), with keys in lower case as S3 stores them."""
        response = self._head(key)
        if response is None:
            raise ArtifactMissing(f"s3://{self.bucket}/{key} does not exist")
        metadata: dict[str, str] = response.get("Metadata", {})
        return metadata

    def _head(self, key: str) -> dict[str, Any] | None:
        """HEAD one object; None when it does not exist (a 404, since the functions may list the bucket)."""
        try:
            response: dict[str, Any] = self._client.head_object(Bucket=self.bucket, Key=key)
        except self._client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return response


class MemoryObjectStore:
    """A dict-backed bucket for unit tests and benchmarks."""

    def __init__(self, bucket: str = "memory-bucket") -> None:
        self.bucket = bucket
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.user_metadata: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def get_bytes(self, key: str) -> bytes:
        with self._lock:
            if key not in self.objects:
                raise ArtifactMissing(f"s3://{self.bucket}/{key} does not exist")
            return self.objects[key][0]

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self.objects[key] = (bytes(data), content_type)

    def copy(self, source_key: str, target_key: str) -> None:
        data = self.get_bytes(source_key)
        with self._lock:
            self.objects[target_key] = (data, self.objects[source_key][1])

    def exists(self, key: str) -> bool:
        with self._lock:
            return key in self.objects

    def list_keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(key for key in self.objects if key.startswith(prefix))

    def metadata(self, key: str) -> dict[str, str]:
        with self._lock:
            if key not in self.objects:
                raise ArtifactMissing(f"s3://{self.bucket}/{key} does not exist")
            return dict(self.user_metadata.get(key, {}))
