"""AWS error responses as the services put them on the wire, for answers the local cloud makes up.

Pure: value in, value out. A policy that answers a call itself (an injected fault, an
enforced rate) builds the answer here so that a client parses it exactly as it parses
the real service's: the same status, headers, body shape and error code.

Wire formats, chosen by the request's protocol and the service:
  json         HTTP body {"__type": code, "message": ...}, Content-Type
               application/x-amz-json-1.1 (1.0 for SQS), x-amzn-RequestId header.
               SQS (query-compatible) adds x-amzn-query-error "Code;Sender".
  ec2          <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
  query        <ErrorResponse xmlns=service namespace><Error><Type>Sender|Receiver</Type>
               <Code/><Message/></Error><RequestId/></ErrorResponse>
  rpc-v2-cbor  CBOR map {"__type", "message"}, Content-Type application/cbor,
               smithy-protocol: rpc-v2-cbor (what boto3 speaks to CloudWatch).

Codes: each service's real throttling code (ECS "ThrottlingException", EC2
"RequestLimitExceeded" with HTTP 503, ELBv2/IAM/STS/CloudWatch "Throttling") and its
modeled 5xx codes (ECS/ECR "ServerException", EC2 "InternalError"/"Unavailable", Query
services "InternalFailure"/"ServiceUnavailable"). Sources: botocore's service models
(metadata.xmlNamespace, jsonVersion, awsQueryCompatible, the fault shapes) and the
services' "Request throttling" pages.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class ErrorResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class ServiceErrors:
    """How one service (by its SigV4 signing name) reports errors."""

    throttle_code: str
    internal_code: str  # HTTP 500
    unavailable_code: str  # HTTP 503
    json_version: str = "1.1"
    xml_namespace: str = ""
    query_compatible: bool = False  # JSON/CBOR answers carry x-amzn-query-error


_JSON_500 = "InternalFailure"
_JSON_503 = "ServiceUnavailable"

# Keyed by signing name (AwsRequest.service).
SERVICES: dict[str, ServiceErrors] = {
    "ecs": ServiceErrors("ThrottlingException", "ServerException", _JSON_503),
    "ecr": ServiceErrors("ThrottlingException", "ServerException", _JSON_503),
    "logs": ServiceErrors("ThrottlingException", "ServiceUnavailableException", "ServiceUnavailableException"),
    "application-autoscaling": ServiceErrors("ThrottlingException", "InternalServiceException", _JSON_503),
    "secretsmanager": ServiceErrors("ThrottlingException", "InternalServiceError", _JSON_503),
    "ssm": ServiceErrors("ThrottlingException", "InternalServerError", _JSON_503),
    "events": ServiceErrors("ThrottlingException", "InternalException", _JSON_503),
    "ec2": ServiceErrors("RequestLimitExceeded", "InternalError", "Unavailable"),
    "elasticloadbalancing": ServiceErrors(
        "Throttling", "InternalFailure", "ServiceUnavailable",
        xml_namespace="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"),
    "iam": ServiceErrors("Throttling", "InternalFailure", "ServiceUnavailable",
                         xml_namespace="https://iam.amazonaws.com/doc/2010-05-08/"),
    "sts": ServiceErrors("Throttling", "InternalFailure", "ServiceUnavailable",
                         xml_namespace="https://sts.amazonaws.com/doc/2011-06-15/"),
    "monitoring": ServiceErrors("Throttling", "InternalFailure", "ServiceUnavailable", json_version="1.0",
                                xml_namespace="http://monitoring.amazonaws.com/doc/2010-08-01/",
                                query_compatible=True),
    "sqs": ServiceErrors("RequestThrottled", "InternalFailure", "ServiceUnavailable", json_version="1.0",
                         xml_namespace="http://queue.amazonaws.com/doc/2012-11-05/", query_compatible=True),
}

# What an unknown service gets: the generic codes of AWS's "Common Errors" pages.
_GENERIC_JSON = ServiceErrors("ThrottlingException", _JSON_500, _JSON_503)
_GENERIC_QUERY = ServiceErrors("Throttling", "InternalFailure", "ServiceUnavailable")

THROTTLE_MESSAGE = "Rate exceeded"
EC2_THROTTLE_MESSAGE = "Request limit exceeded."
MESSAGES_5XX = {
    500: "We encountered an internal error. Please try again.",
    503: "Service Unavailable. Please try again later.",
}
# Real query-compatible namespaces for JSON/CBOR __type values.
_JSON_TYPE_PREFIX = {"sqs": "com.amazonaws.sqs#"}


_CBOR = ("rpc-v2-cbor", "smithy-rpc-v2-cbor")  # our name and botocore's


def service_errors(service: str, protocol: str) -> ServiceErrors:
    known = SERVICES.get(service)
    if known is not None:
        return known
    return _GENERIC_JSON if protocol == "json" or protocol in _CBOR else _GENERIC_QUERY


def new_request_id(rng: random.Random) -> str:
    """An AWS-style request id (a version-4 UUID) drawn from `rng`, so a seeded run repeats."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def throttling(service: str, protocol: str, request_id: str) -> ErrorResponse:
    """The service's answer to a call over its rate (HTTP 400; EC2: 503 RequestLimitExceeded)."""
    errors = service_errors(service, protocol)
    if service == "ec2" and protocol != "json" and protocol not in _CBOR:
        return error_response(service, protocol, errors.throttle_code, EC2_THROTTLE_MESSAGE, 503, request_id)
    return error_response(service, protocol, errors.throttle_code, THROTTLE_MESSAGE, 400, request_id)


def server_error(service: str, protocol: str, status: int, request_id: str) -> ErrorResponse:
    """The service's answer when it fails on its side: `status` 500 or 503."""
    if status not in MESSAGES_5XX:
        raise ValueError(f"server_error: status must be 500 or 503, not {status}")
    errors = service_errors(service, protocol)
    code = errors.internal_code if status == 500 else errors.unavailable_code
    return error_response(service, protocol, code, MESSAGES_5XX[status], status, request_id)


def error_response(service: str, protocol: str, code: str, message: str, status: int,
                   request_id: str) -> ErrorResponse:
    """Any error, in the wire format of `service` spoken over `protocol` ("json", "query", "rpc-v2-cbor")."""
    errors = service_errors(service, protocol)
    fault = "Receiver" if status >= 500 else "Sender"
    if protocol == "json" or protocol in _CBOR:
        type_name = _JSON_TYPE_PREFIX.get(service, "") + code
        headers = [("x-amzn-RequestId", request_id)]
        if errors.query_compatible:
            headers.append(("x-amzn-query-error", f"{code};{fault}"))
        if protocol == "json":
            body = json.dumps({"__type": type_name, "message": message}, separators=(",", ":")).encode()
            headers.append(("Content-Type", f"application/x-amz-json-{errors.json_version}"))
        else:
            body = cbor_map({"__type": type_name, "message": message})
            headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    elif service == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
                f"</Error></Errors><RequestID>{request_id}</RequestID></Response>").encode()
        headers = [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml;charset=UTF-8")]
    else:
        xmlns = f' xmlns="{errors.xml_namespace}"' if errors.xml_namespace else ""
        body = (f"<ErrorResponse{xmlns}>\n"
                f"  <Error>\n"
                f"    <Type>{fault}</Type>\n"
                f"    <Code>{escape(code)}</Code>\n"
                f"    <Message>{escape(message)}</Message>\n"
                f"  </Error>\n"
                f"  <RequestId>{request_id}</RequestId>\n"
                f"</ErrorResponse>\n").encode()
        headers = [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")]
    headers.append(("Content-Length", str(len(body))))
    return ErrorResponse(status, headers, body)


def cbor_map(value: dict[str, str]) -> bytes:
    """CBOR (RFC 8949) for a map of text to text: all an error body needs."""
    return _cbor_head(5, len(value)) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in value.items())


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    return _cbor_head(3, len(data)) + data


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | info]) + length.to_bytes(size, "big")
    raise ValueError("CBOR item too long")
