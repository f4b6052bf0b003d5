"""Shared helpers of the interop checks: arguments, the served sandbox's callbacks, failing loudly."""
import json
import sys
import urllib.request


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print(f"ok: {message}")


def load_keys(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def callbacks(base, account):
    """The callbacks the served sandbox has sent for `account`, headers and body as sent."""
    with urllib.request.urlopen(f"{base}/_sandbox/callbacks?account={account}", timeout=10) as answer:
        return json.load(answer)["callbacks"]
