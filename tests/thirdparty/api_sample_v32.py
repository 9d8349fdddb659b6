"""Sends one request the way BTSE's `btsecom/api-sample` python scripts do (spot API v3.2).

Usage: API_KEY=… API_SECRET_KEY=… API_HOST=http://host:port \
       python api_sample_v32.py METHOD /api/v3.2/PATH [JSON] [--public]

Like those scripts it uses `requests`, builds the URL as API_HOST + "/spot" + path, signs
path + millisecond nonce + `json.dumps(body)` with HMAC-SHA384 (key and message as latin-1),
sends the request-api / request-nonce / request-sign / Accept / Content-Type headers, passes a
POST/PUT body with `json=` and GET/DELETE parameters with `params=`. Public calls carry no
headers. Prints `{"status": HTTP status, "body": the JSON reply}`. No project code is imported.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time

import requests


def signed_headers(api_key: str, secret: str, path: str, body_text: str = "") -> dict[str, str]:
    nonce = str(int(time.time() * 1000))
    digest = hmac.new(
        secret.encode("latin-1"), (path + nonce + body_text).encode("latin-1"), hashlib.sha384
    )
    return {
        "request-api": api_key,
        "request-nonce": nonce,
        "request-sign": digest.hexdigest(),
        "Accept": "application/json;charset=UTF-8",
        "Content-Type": "application/json",
    }


def main(argv: list[str]) -> int:
    public = "--public" in argv
    args = [a for a in argv if a != "--public"]
    method, path = args[0].upper(), args[1]
    payload = json.loads(args[2]) if len(args) > 2 else None
    url = os.environ["API_HOST"] + "/spot" + path
    has_body = method in ("POST", "PUT")
    headers = None
    if not public:
        body_text = json.dumps(payload) if has_body and payload is not None else ""
        headers = signed_headers(
            os.environ["API_KEY"], os.environ["API_SECRET_KEY"], path, body_text
        )
    if has_body:
        resp = requests.request(method, url, json=payload, headers=headers, timeout=10)
    else:
        resp = requests.request(method, url, params=payload, headers=headers, timeout=10)
    try:
        body = resp.json()
    except ValueError:
        body = resp.text
    print(json.dumps({"status": resp.status_code, "body": body}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
