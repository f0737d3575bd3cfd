"""A standard OAuth client against the served Beyond Identity mock: Authlib (pinned)
runs the code flow with PKCE S256 for the OIDC application (client_secret_basic) and
for the public one (no secret), signing in on the mock's sign-in page with requests,
validates the id_token against the application's JWKS with the nonce it sent, and
refreshes with the token it was given. Usage: python bi-authlib.py BASE_URL"""
import html.parser
import sys
import urllib.parse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

base = sys.argv[1].rstrip("/")
realm = f"{base}/v1/tenants/00018c7edb8e1e3c/realms/1fa458f68ece5b5d/applications"
REDIRECT = "https://client.example/callback"


class Form(html.parser.HTMLParser):
    """The first form's action and fields, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.action, self.fields = None, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        if tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def sign_in(browser, url):
    """Follows /authorize to the sign-in page, signs in, returns the client's URL."""
    page = browser.get(url, allow_redirects=True)
    assert page.status_code == 200, (page.status_code, page.text[:200])
    form = Form()
    form.feed(page.text)
    form.fields.update({"Username": "test.user", "Password": "bi-test-password", "button": "login"})
    done = browser.post(urllib.parse.urljoin(page.url, form.action), data=form.fields,
                        allow_redirects=False)
    assert done.status_code == 302, (done.status_code, done.text[:200])
    location = done.headers["Location"]
    assert location.startswith(REDIRECT), location
    return location


def flow(app, client_id, secret, scope, auth_method):
    issuer = f"{realm}/{app}"
    session = OAuth2Session(client_id, secret, scope=scope, redirect_uri=REDIRECT,
                            code_challenge_method="S256", token_endpoint_auth_method=auth_method)
    session.trust_env = False
    browser = requests.Session()
    browser.trust_env = False
    meta = browser.get(f"{issuer}/.well-known/openid-configuration").json()
    assert meta["issuer"] == issuer, meta
    verifier = generate_token(48)
    nonce = generate_token(16)
    url, state = session.create_authorization_url(meta["authorization_endpoint"],
                                                  code_verifier=verifier, nonce=nonce)
    back = sign_in(browser, url)
    token = session.fetch_token(meta["token_endpoint"], authorization_response=back,
                                code_verifier=verifier, state=state)
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0, token
    keys = JsonWebKey.import_key_set(browser.get(meta["jwks_uri"]).json())
    access = jwt.decode(token["access_token"], keys)
    access.validate()
    assert access["iss"] == issuer and client_id in access["aud"], dict(access)
    if "openid" in scope:
        claims = jwt.decode(token["id_token"], keys, claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "nonce": {"essential": True, "value": nonce},
        })
        claims.validate()
        info = session.get(meta["userinfo_endpoint"]).json()
        assert info["sub"] == claims["sub"], info
    refreshed = session.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"], refreshed
    print(f"authlib: {client_id} ({auth_method}) code flow with PKCE S256, "
          f"{'id_token and userinfo, ' if 'openid' in scope else ''}refresh: ok")


flow("e00d40f4-77dc-43af-b87e-0e3690d3d3de", "09PJUB8eDGJc6C_fBwDaE5YD", "bi-hosted-secret",
     "openid pets:read", "client_secret_basic")
flow("c79348d3-8e5a-49b1-8725-4f94aed38c59", "KTXSEGAhjFlWt039nxKUrDlI", None,
     "pets:read pets:write", "none")
