"""Identify an AWS API request arriving over WSGI: service, operation, region, protocol.

moto routes every service on one port by the SigV4 credential scope; the local
cloud needs the same facts before moto sees the request (to count it, inject a
fault, or enforce a rate), so this module reads them once and puts the body back
for moto to read again.
"""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass

_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")
_RPC_PATH = re.compile(r"^/service/[^/]+/operation/([^/]+)$")
_QUERY_SCOPE = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")

# Services whose requests use JSON 1.0/1.1 with X-Amz-Target; all the others the
# local cloud serves speak the Query protocol with XML answers.
JSON_SERVICES = frozenset(
    {"ecs", "ecr", "logs", "application-autoscaling", "secretsmanager", "ssm", "events"}
)

# Operation name prefixes that do not change state. Everything else counts as mutating.
_READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Filter", "Lookup", "Search")


@dataclass(frozen=True)
class AwsRequest:
    service: str  # signing name from the credential scope: "ecs", "ec2", "elasticloadbalancing", ...
    operation: str  # "CreateService", "DescribeSecurityGroups", ... ("" when unknown)
    region: str
    access_key_id: str
    protocol: str  # "json", "query" or "rpc-v2-cbor"

    @property
    def mutating(self) -> bool:
        return bool(self.operation) and not self.operation.startswith(_READ_PREFIXES)


def read_body(environ: dict) -> bytes:
    """Reads the request body and puts a fresh stream back so the next reader sees it too."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def identify(environ: dict) -> AwsRequest | None:
    """The AWS request in `environ`, or None when it carries no SigV4 scope (not an AWS call)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    match = _SCOPE.search(auth)
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
    if match:
        access_key, _, region, service = match.groups()
    else:
        scope = query.get("X-Amz-Credential", [""])[0]
        qmatch = _QUERY_SCOPE.match(scope)
        if not qmatch:
            return None
        access_key, _, region, service = qmatch.groups()

    rpc = _RPC_PATH.match(environ.get("PATH_INFO", ""))
    if rpc:  # Smithy RPC v2 CBOR (boto3's CloudWatch): POST /service/<Service>/operation/<Op>
        return AwsRequest(service, rpc.group(1), region, access_key, "rpc-v2-cbor")

    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return AwsRequest(service, target.rsplit(".", 1)[-1], region, access_key, "json")

    operation = query.get("Action", [""])[0]
    if not operation and environ.get("REQUEST_METHOD") == "POST":
        ctype = environ.get("CONTENT_TYPE", "")
        if "x-www-form-urlencoded" in ctype:
            form = urllib.parse.parse_qs(read_body(environ).decode("utf-8", "replace"))
            operation = form.get("Action", [""])[0]
    protocol = "json" if service in JSON_SERVICES else "query"
    return AwsRequest(service, operation, region, access_key, protocol)
