"""The service with a trusted issuer (a TOML config naming the test key set
crates/nettx-server/tests/keys/issuer-jwks.json): a CDS client's JWT, signed
with PyJWT (an implementation independent of the service's), is accepted
when valid and refused with 401 when missing, expired, replayed, for another
endpoint or signed by a key the issuer does not have. The page sends the
token typed into its token field."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, Iterator, Optional

import httpx
import jwt
import pytest

from conftest import KEYS, SERVICE, Server, cli_cards, good_records
from test_hook import PREFETCH_KEYS, as_prefetch, audit_for, hook_request, record_text

ISSUER = "https://ehr.test.example"
CONFIG = """
listen = "127.0.0.1:{port}"
public_base_url = "http://127.0.0.1:{port}"
cors_allowed_origins = []

[audit]
path = "{audit}"

[[issuers]]
iss = "https://ehr.test.example"
jwks_file = "{keys}/issuer-jwks.json"
"""


@pytest.fixture(scope="module")
def guarded() -> Iterator[Server]:
    s = Server(CONFIG)
    yield s
    s.cleanup()


def token(server: Server, path: str, key: str = "es384-private.pem", kid: str = "test-es384",
          alg: str = "ES384", lifetime: int = 300, issued: Optional[int] = None,
          **claims: Any) -> str:
    now = int(time.time()) if issued is None else issued
    payload = {"iss": ISSUER, "aud": server.url + path, "iat": now, "exp": now + lifetime,
               "jti": str(uuid.uuid4()), **claims}
    return jwt.encode(payload, (KEYS / key).read_bytes(), algorithm=alg, headers={"kid": kid})


def bearer(t: str) -> Dict[str, str]:
    return {"Authorization": "Bearer " + t}


def a_request() -> Dict[str, Any]:
    for path in good_records():
        doc = json.loads(path.read_text())
        split = as_prefetch(doc) if doc.get("resourceType") == "Bundle" else None
        if split is not None and "error" not in cli_cards(record_text(split), fhir=True):
            return hook_request(split, split["patient"]["id"])
    raise AssertionError("no Bundle of tests/fhir splits into an evaluable prefetch")


def assert_401(r: httpx.Response) -> None:
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    doc = r.json()
    assert doc["kind"] == "unauthorized" and doc["field"] == "Authorization"
    assert doc["message"]


def test_open_routes_need_no_token(guarded: Server) -> None:
    assert httpx.get(guarded.url + "/healthz").status_code == 200
    assert httpx.get(guarded.url + "/").status_code == 200


@pytest.mark.parametrize(("key", "kid", "alg"), [
    ("es384-private.pem", "test-es384", "ES384"),
    ("rs384-private.pem", "test-rs384", "RS384"),
])
def test_valid_token_is_accepted(guarded: Server, key: str, kid: str, alg: str) -> None:
    request = a_request()
    t = token(guarded, SERVICE, key=key, kid=kid, alg=alg)
    r = httpx.post(guarded.url + SERVICE, json=request, headers=bearer(t))
    assert r.status_code == 200
    assert r.json() == cli_cards(record_text(request["prefetch"]), fhir=True)
    lines = audit_for(guarded, request["hookInstance"])
    assert len(lines) == 1 and lines[0]["issuer"] == ISSUER
    assert t not in guarded.audit.read_text()
    # Discovery and feedback are guarded too, each with a token for its URL.
    r = httpx.get(guarded.url + "/cds-services",
                  headers=bearer(token(guarded, "/cds-services", key=key, kid=kid, alg=alg)))
    assert r.status_code == 200 and r.json()["services"]
    path = SERVICE + "/feedback"
    r = httpx.post(guarded.url + path,
                   json={"feedback": [{"card": str(uuid.uuid4()), "outcome": "accepted"}]},
                   headers=bearer(token(guarded, path, key=key, kid=kid, alg=alg)))
    assert r.status_code == 200


def test_missing_token_is_401(guarded: Server) -> None:
    request = a_request()
    assert_401(httpx.post(guarded.url + SERVICE, json=request))
    assert_401(httpx.get(guarded.url + "/cds-services"))
    assert_401(httpx.post(guarded.url + SERVICE, json=request,
                          headers={"Authorization": "Basic dXNlcjpwYXNz"}))
    assert audit_for(guarded, request["hookInstance"]) == []


def test_expired_token_is_401(guarded: Server) -> None:
    # Expired ten minutes ago, well past the clock skew allowed.
    issued = int(time.time()) - 900
    t = token(guarded, SERVICE, issued=issued, lifetime=300)
    r = httpx.post(guarded.url + SERVICE, json=a_request(), headers=bearer(t))
    assert_401(r)
    assert "expired" in r.json()["message"]


def test_replayed_token_is_401(guarded: Server) -> None:
    t = token(guarded, SERVICE)
    assert httpx.post(guarded.url + SERVICE, json=a_request(), headers=bearer(t)).status_code == 200
    assert_401(httpx.post(guarded.url + SERVICE, json=a_request(), headers=bearer(t)))


@pytest.mark.parametrize("change", [
    {"path": "/cds-services"},                        # aud of another endpoint
    {"key": "es384-other-private.pem"},               # a key the issuer does not have
    {"iss": "https://someone-else.example"},          # an issuer not trusted
    {"alg": "HS384", "key": None},                    # an algorithm not allowed
    {"lifetime": 24 * 3600},                          # lives longer than allowed
    {"issued": int(time.time()) + 3600},              # issued in the future
])
def test_bad_token_is_401(guarded: Server, change: Dict[str, Any]) -> None:
    change = dict(change)
    path = change.pop("path", SERVICE)
    if change.get("alg") == "HS384":
        t = jwt.encode({"iss": ISSUER, "aud": guarded.url + SERVICE, "iat": int(time.time()),
                        "exp": int(time.time()) + 300, "jti": str(uuid.uuid4())},
                       "a shared secret of at least 48 bytes, for HS384 only....",
                       algorithm="HS384", headers={"kid": "test-es384"})
    else:
        t = token(guarded, path, **change)
    assert_401(httpx.post(guarded.url + SERVICE, json=a_request(), headers=bearer(t)))


def test_page_sends_the_typed_token(guarded: Server, browser: Any) -> None:
    from test_page import evaluate_in_page

    text = json.dumps({k: a_request()["prefetch"][k] for k in PREFETCH_KEYS})
    # Without a token the page says why it was refused.
    shown = evaluate_in_page(browser, guarded, "fhir", text)
    assert shown["error"].startswith("Not evaluated: ")
    assert "(field Authorization)" in shown["error"]
    assert shown["cards"] == []
    # With a token for /evaluate, the cards.
    t = token(guarded, "/evaluate")
    shown = evaluate_in_page(browser, guarded, "fhir", text, token=t)
    assert shown["error"] == ""
    assert shown["summaries"] == [c["summary"] for c in cli_cards(text, fhir=True)["cards"]]
    # The token is not kept by the page.
    browser.refresh()
    assert browser.execute_script("return document.getElementById('token').value") == ""
    assert t not in json.dumps(browser.execute_script(
        "return [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]"))
