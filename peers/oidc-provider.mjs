// oidc-provider (OpenID Certified), configured as a small authorization server that the
// conformance suite can be pointed at: a client-credentials service, a confidential and a
// public code-flow client and a confidential one that must also use PKCE, refresh tokens, revocation and introspection, RS256 JWT access
// tokens for one resource server, and the library's own development sign-in pages.
// It listens on 127.0.0.1 only and prints its issuer on the first line of standard output.
//
//   node peers/oidc-provider.mjs            (a free port)
//   node peers/oidc-provider.mjs 4001
//
// Client secrets are the public test values in fixtures/targets/oidc-provider.env.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';

import Provider from 'oidc-provider';

const SECRETS = {
  service: 'oidc-service-secret-1',
  encoded: 'p+ss w%rd:/&=~',
  web: 'oidc-web-secret-1',
};
const REDIRECT = 'https://client.example/callback';
const RESOURCE = 'urn:conformance:api';

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const port = Number(process.argv[2]) || (await freePort());
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'conformance-rs256', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'service',
      client_secret: SECRETS.service,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    {
      client_id: 'encoded',
      client_secret: SECRETS.encoded,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
    },
    {
      client_id: 'web',
      client_secret: SECRETS.web,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT],
      scope: 'openid offline_access api:read',
    },
    {
      client_id: 'web_pkce',
      client_secret: SECRETS.web,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT],
      scope: 'openid offline_access api:read',
    },
    {
      client_id: 'spa',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT],
      post_logout_redirect_uris: ['https://client.example/signed-out'],
      scope: 'openid offline_access api:read',
    },
  ],
  jwks: { keys: [jwk] },
  // PKCE for public clients (the library's default) and for the one confidential client
  // registered to require it.
  pkce: {
    required: (_ctx, client) => client.clientAuthMethod === 'none' || client.clientId === 'web_pkce',
  },
  scopes: ['openid', 'offline_access', 'api:read', 'api:write'],
  features: {
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== RESOURCE) throw new Provider.errors.InvalidTarget();
        return {
          scope: 'api:read api:write',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 10,
    ClientCredentials: 3600,
    RefreshToken: 86400,
  },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
  // Cookie keys for the sign-in pages; public, like everything in this test setup.
  cookies: { keys: ['conformance-peer-cookie-key'] },
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
