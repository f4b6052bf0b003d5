#!/usr/bin/env python3
"""Checks a live `paydesk serve` against docs/openapi.yaml with schemathesis (PyPI).

Every /v1 request is signed the way a business system signs it (PayDesk-Signature:
t=UNIX,v1=HMAC-SHA256(secret, "t.METHOD.path.body")), as a requests auth hook that runs on the
final bytes, so the generated cases reach the routes behind the signature check.

usage: schemathesis_signed.py SPEC BASE_URL LINE SECRET MAX_EXAMPLES
Prints one line per operation; exits 1 when any operation fails a check.
"""
import hashlib
import hmac
import sys
import time

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

spec, base, line, secret, examples = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
schema = schemathesis.from_path(spec, base_url=base)


class Signed(requests.auth.AuthBase):
    def __call__(self, request):
        if request.path_url.startswith("/v1/"):
            t = str(int(time.time()))
            body = request.body or b""
            if isinstance(body, str):
                body = body.encode()
            message = f"{t}.{request.method}.{request.path_url}.".encode() + body
            digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
            request.headers["PayDesk-Signature"] = f"t={t},v1={digest}"
            request.headers["PayDesk-Business"] = line
        return request


failures = []
operations = 0
for result in schema.get_all_operations():
    operation = result.ok()
    operations += 1

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call(auth=Signed(), timeout=30)
        case.validate_response(response)

    try:
        check()
        print(f"ok   {operation.verbose_name}", flush=True)
    except Exception as error:  # one operation's failure must not hide the others'
        failures.append(operation.verbose_name)
        print(f"FAIL {operation.verbose_name}:\n{error}", flush=True)

print(f"{operations} operations, {len(failures)} failed", flush=True)
sys.exit(1 if failures or operations == 0 else 0)
