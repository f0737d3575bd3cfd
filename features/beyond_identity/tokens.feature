@beyond_identity
Feature: Beyond Identity's application token endpoint
  Each Beyond Identity application has its own OAuth endpoints under
  /v1/tenants/{tenant}/realms/{realm}/applications/{application}, which is also its
  issuer; introspection sits at the realm. Its developer docs show client credentials
  by HTTP Basic with space-delimited scopes, an optional expiration_time (at most the
  application's Expires) and custom_claims (which arrive as bi_custom), RS256 JWTs whose
  header names the key set (jku) and key (kid), aud an array, and the bi_* claims.

  Background:
    Given the client "service"

  @rule:BI-token-client-credentials
  Scenario: A token as Beyond Identity's docs show it
    When the client requests a token with client credentials with HTTP Basic
    Then the token response is a success
    And the response must not be cached
    And the granted scope must be "{scope}"
    And the access token header must name its key set in jku and its key in kid
    And the access token audience must be an array naming the client
    And the access token must carry the bi claims of the grant "client_credentials"
    And the access token must live 86400 seconds

  @rule:BI-token-client-credentials
  Scenario: Without a scope the application gets every allowed scope
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
    Then the token response is a success
    And the granted scope must be "{scope}"

  Scenario: expiration_time shortens the token's life
    When the client sends a token request with HTTP Basic and the form:
      | grant_type      | client_credentials |
      | expiration_time | 600                |
    Then the token response is a success
    And the access token must live 600 seconds

  # The docs give expiration_time as seconds, at most the application's Expires; the
  # error for any other value is not documented.
  @assumed @rule:assumed-BI-expiration-error
  Scenario Outline: An expiration_time that is not seconds within the application's Expires is refused
    When the client sends a token request with HTTP Basic and the form:
      | grant_type      | client_credentials |
      | expiration_time | <seconds>          |
    Then the token endpoint must name the error "invalid_request"

    Examples:
      | seconds |
      | 86401   |
      | 0       |
      | -60     |
      | soon    |

  Scenario: Custom claims travel as bi_custom
    When the client sends a token request with HTTP Basic and the form:
      | grant_type    | client_credentials                |
      | custom_claims | {"tier": "gold", "seats": 3}      |
    Then the token response is a success
    And the access token must carry bi_custom {"tier": "gold", "seats": 3}

  @rule:BI-introspection
  Scenario: A revoked token introspects as inactive
    Given the client "service" has an access token
    When the client introspects its access token
    Then the introspection must say the token is active
    When the client revokes its access token
    Then the revocation must succeed
    When the client introspects its access token
    Then the introspection must say the token is inactive

  Scenario: The key set says how long it may be cached
    When the published keys are fetched
    Then the key set must be served as JSON
    And every published key must be well formed
    And the key set must say how long it may be cached
