"""A real client against the served ClearID mock: PyJWT signs an RFC 7523 assertion
with the client's key, trades it for an access token, and verifies that token (RS512)
with the key PyJWT finds in the STS's JWKS. Usage: python clearid-pyjwt.py BASE_URL"""
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid

import jwt

base = sys.argv[1].rstrip("/")
client_id = "6625221f-4e66-4bc8-8305-cb8cbd87b21f:cleariddemos"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with open("fixtures/keys/clearid-client.pem", "rb") as f:
    key = f.read()
now = int(time.time())
assertion = jwt.encode(
    {"sub": client_id, "jti": uuid.uuid4().hex, "nbf": now, "exp": now + 3600, "iat": now,
     "iss": client_id, "aud": "iams-sts"},
    key, algorithm="RS512", headers={"kid": client_id, "typ": "JWT"})
form = urllib.parse.urlencode({
    "client_id": client_id,
    "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "assertion": assertion,
}).encode()
answer = json.load(opener.open(urllib.request.Request(f"{base}/connect/token", data=form)))
token = answer["access_token"]
assert answer["token_type"] == "Bearer" and answer["expires_in"] <= 3600, answer
jwks = json.load(opener.open(f"{base}/.well-known/openid-configuration/jwks"))
header = jwt.get_unverified_header(token)
signing_key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == header["kid"])
claims = jwt.decode(token, signing_key.key, algorithms=["RS512"], issuer=base,
                    options={"verify_aud": False, "require": ["exp", "nbf", "iss"]})
assert header["alg"] == "RS512" and header["typ"] == "at+jwt", header
assert claims["exp"] - claims["nbf"] == 3600, claims
assert claims["scope"] == answer["scope"].split(" "), (claims["scope"], answer["scope"])
assert claims["amr"] == ["assertion"], claims
try:
    jwt.decode(token, signing_key.key, algorithms=["RS256"], options={"verify_aud": False})
    raise SystemExit("PyJWT accepted an RS512 token as RS256")
except jwt.InvalidAlgorithmError:
    pass
print(f"clearid-pyjwt: PyJWT {jwt.__version__} verified an RS512 token from {base}; 1 passed, 0 failed")
