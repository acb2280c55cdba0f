"""Reports in S3: one folder per incident, overwritten when a report is written again."""

from __future__ import annotations

from typing import Any


class S3ReportStore:
    def __init__(self, s3_client: Any, bucket: str, prefix: str = "reports/") -> None:
        self._s3 = s3_client
        self._bucket = bucket
        self._prefix = prefix

    def put(self, incident_id: str, files: dict[str, tuple[bytes, str]]) -> str:
        folder = f"{self._prefix}{incident_id}/"
        for name, (content, media_type) in files.items():
            self._s3.put_object(Bucket=self._bucket, Key=folder + name, Body=content, ContentType=media_type)
        return f"s3://{self._bucket}/{folder}"
