// A standard OpenID Connect client against the served MyID mock: openid-client
// (pinned in package-lock.json) discovers web.oauth2, runs the code flow with PKCE S256
// and a nonce as a public client, signing in on the mock's login page, validates the
// id_token (signature from the JWKS, iss, aud, nonce, at_hash, times), calls userinfo,
// refreshes (and validates the new id_token), introspects as the myid.rest API
// resource, and logs out with the id_token as hint.
//   node peers/myid-openid-client.mjs BASE_URL
import { Issuer, generators } from 'openid-client';

const base = process.argv[2].replace(/\/$/, '');
const REDIRECT = 'https://client.example/callback';
const SIGNED_OUT = 'https://client.example/signed-out';
const jar = new Map();

// A browser's fetch: the cookie jar, redirects followed by hand.
async function browse(url, init = {}) {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const r = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers || {}), cookie } });
  for (const c of r.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return r;
}

function field(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`));
  return m ? m[1].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>') : '';
}

// Follows /authorize through the login page and back; answers the client's URL.
async function signIn(url) {
  for (let i = 0; i < 8; i++) {
    const r = await browse(url);
    const location = r.headers.get('location');
    if (location) {
      const next = new URL(location, url).href;
      if (next.startsWith(REDIRECT)) return next;
      url = next;
      continue;
    }
    const html = await r.text();
    if (!html.includes('name="Password"')) throw new Error(`no login form at ${url}: ${r.status}`);
    const form = new URLSearchParams({
      ReturnUrl: field(html, 'ReturnUrl'),
      __RequestVerificationToken: field(html, '__RequestVerificationToken'),
      Username: 'test.user',
      Password: 'test-password',
      button: 'login',
    });
    const posted = await browse(`${base}/web.oauth2/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    url = new URL(posted.headers.get('location'), url).href;
  }
  throw new Error('the sign-in did not finish');
}

const issuer = await Issuer.discover(`${base}/web.oauth2`);
const client = new issuer.Client({
  client_id: 'myid.myclient',
  token_endpoint_auth_method: 'none',
  redirect_uris: [REDIRECT],
  post_logout_redirect_uris: [SIGNED_OUT],
  response_types: ['code'],
});
const code_verifier = generators.codeVerifier();
const nonce = generators.nonce();
const state = generators.state();
const url = client.authorizationUrl({
  scope: 'openid profile myid.rest.basic offline_access',
  code_challenge: generators.codeChallenge(code_verifier),
  code_challenge_method: 'S256',
  nonce,
  state,
});
const back = await signIn(url);
const params = client.callbackParams(back);
if (!params.session_state) throw new Error('no session_state for an OpenID request');
const tokens = await client.callback(REDIRECT, params, { code_verifier, nonce, state });
const claims = tokens.claims();
const info = await client.userinfo(tokens);
if (info.sub !== claims.sub || info.name !== 'Test User') throw new Error(`userinfo ${JSON.stringify(info)}`);
const refreshed = await client.refresh(tokens.refresh_token);
if (refreshed.claims().sub !== claims.sub) throw new Error('the refreshed id_token names someone else');
const resource = new issuer.Client({ client_id: 'myid.rest', client_secret: 'myid-rest-api-secret' });
const introspection = await resource.introspect(refreshed.access_token);
if (!introspection.active || introspection.sub !== claims.sub) throw new Error(`introspection ${JSON.stringify(introspection)}`);
const logout = client.endSessionUrl({ id_token_hint: refreshed.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
let r = await browse(logout);
const page = await (await browse(new URL(r.headers.get('location'), logout).href)).text();
if (!page.includes(`${SIGNED_OUT}?state=bye`)) throw new Error('the logged-out page does not lead back');
console.log(`openid-client ${issuer.metadata.issuer}: code flow with PKCE and nonce, id_token validated, userinfo, refresh, introspection, logout: ok`);
