#!/usr/bin/env python3
"""Reference SigV4 signatures from botocore, for sigv4_signer_test.cc.

Usage: sigv4_reference.py CASES.json
CASES.json is a list of objects with method, endpoint, path (encoded, as on
the wire), query ([[key, value], ...] not encoded), headers ([[name, value],
...] in order), body, service, region, access_key_id, secret_access_key,
session_token and unix_seconds. Prints a JSON list with, for each case, the
Authorization header botocore produces and its canonical request.
"""
import copy
import datetime
import json
import sys
from unittest import mock

from botocore.auth import SIGV4_TIMESTAMP, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    credentials = Credentials(case["access_key_id"], case["secret_access_key"],
                              case.get("session_token") or None)
    auth_class = S3SigV4Auth if case["service"] == "s3" else SigV4Auth
    auth = auth_class(credentials, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=case["endpoint"] + case["path"],
                         data=case["body"].encode("utf-8"),
                         params=[tuple(p) for p in case["query"]] or None)
    # HTTPHeaders appends: repeated names (in any case) are kept in order.
    for name, value in case["headers"]:
        request.headers[name] = value
    now = datetime.datetime.fromtimestamp(case["unix_seconds"], datetime.timezone.utc)
    now = now.replace(tzinfo=None)

    # The canonical request as add_auth computes it (before Authorization is
    # added), for diagnostics.
    probe = copy.deepcopy(request)
    probe.context["timestamp"] = now.strftime(SIGV4_TIMESTAMP)
    auth._modify_request_before_signing(probe)
    canonical_request = auth.canonical_request(probe)

    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        auth.add_auth(request)
    return {"authorization": request.headers["Authorization"],
            "canonical_request": canonical_request}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    json.dump([sign(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
