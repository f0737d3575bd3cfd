@auth @discovery
Feature: Discovery document and signing keys
  Clients find the token endpoint and the keys that verify access tokens through
  the auth server's metadata (OpenID Connect Discovery 1.0, RFC 8414); the MyID manual
  verifies tokens with a JWKS client found this way (§8).

  Scenario: The discovery document describes the auth server
    When the discovery document is fetched
    Then the discovery document must be served as JSON
    And the issuer must be the target's issuer
    And the discovery document must have every required member

  # The OpenID conformance suite's Config OP plan judges values too: response types that
  # are response types (not grant types), public or pairwise subjects, RS256 among the
  # id_token algorithms, openid among the scopes, the member types RFC 8414 §2 gives, and
  # https throughout under an https issuer (unjudged for a test server on http).
  Scenario: The metadata's values are what the specifications give
    When the discovery document is fetched
    Then the discovery document's values must be what the specifications give

  # What the metadata lists is what the server does: an absent list means RFC 8414 §2's
  # default (the code and implicit grants, client_secret_basic), which leaves client
  # credentials out.
  @requires:client.service
  Scenario: The metadata names the client credentials grant and Basic
    When the discovery document is fetched
    Then "grant_types_supported" must include "client_credentials"
    And "token_endpoint_auth_methods_supported" must include "client_secret_basic"

  @requires:login
  Scenario: The metadata says the server supports PKCE
    When the discovery document is fetched
    Then "code_challenge_methods_supported" should include "S256"

  Scenario: Every endpoint the metadata names is served
    When the discovery document is fetched
    Then every endpoint the metadata names must be served

  @identityserver
  Scenario: IdentityServer builds every endpoint under the issuer
    When the discovery document is fetched
    Then the endpoints must sit under the issuer

  @myid @rule:MyID-3.3-api-scope
  Scenario: MyID publishes its API scope
    When the discovery document is fetched
    Then "scopes_supported" should include "myid.rest.basic"

  Scenario: The published keys are well-formed public keys
    When the published keys are fetched
    Then the key set must be served as JSON
    And every published key must be well formed
    And the published keys must name distinct key ids
    And the published keys must hold no private key material

  @identityserver
  Scenario: Discovery answers GET only
    When the discovery document is requested by POST
    Then the discovery endpoint must refuse the method with 405

  @identityserver @rule:IS4-paths-any-case
  Scenario: Endpoint paths are matched without regard to letter case
    When the discovery document is fetched with its path in other letter case
    Then the discovery document must be served as JSON
