@clearid @rule:ClearID-token-secret
Feature: Genetec ClearID's STS and Identity Service
  A ClearID API integration gets an access token from the STS either with its client
  secret in the body (no scope needed) or with a JWT assertion it signs with its own key
  (RFC 7523 §2.1). ClearID's developer guide and the tokens it publishes show what comes
  back: an RS512 JWT of typ at+jwt with a kid, living at most 3600 s, its claims in a set
  order, scope an array inside and a string outside, account_id a string or an array,
  and no refresh token. Its APIs take the token as a bearer token.

  Background:
    Given the client "service"

  Scenario: A token as ClearID's samples show it
    When the client requests a token with client credentials with its credentials in the body
    Then the token response is a success
    And the response must not be cached
    And no refresh token must be issued
    And the access token header must have alg "RS512"
    And the access token header must have typ "at+jwt"
    And the access token must verify with a key published through discovery
    And the access token must live at most 3600 seconds
    And the access token scope claim should list the granted scope
    And the access token account_id must be a string or an array of strings
    And the access token claims must be in ClearID's order

  @rule:RFC6749-3.2.1-client-authentication
  Scenario: A wrong secret is refused
    When the client sends a token request with a wrong secret in the body and the form:
      | grant_type | client_credentials |
    Then the token endpoint must answer with the error "invalid_client"

  @rule:ClearID-token-assertion
  Scenario: A signed assertion buys a token
    When the client asks for a token with an assertion
    Then the token response is a success
    And the access token header must have alg "RS512"
    And the access token must verify with a key published through discovery
    And the access token must live at most 3600 seconds
    And the access token must carry amr "assertion"

  @rule:RFC7523-3-signature
  Scenario: An assertion signed with another key is refused
    When the client asks for a token with an assertion signed with another key
    Then the token endpoint must answer with the error "invalid_grant"

  @rule:RFC7523-3-audience
  Scenario: An assertion for another audience is refused
    When the client asks for a token with an assertion for the audience "https://elsewhere.example"
    Then the token endpoint must answer with the error "invalid_grant"

  @rule:RFC7523-3-expiry
  Scenario: An expired assertion is refused
    When the client asks for a token with an assertion that expired an hour ago
    Then the token endpoint must answer with the error "invalid_grant"

  @rule:RFC7523-3-issuer
  Scenario: An assertion issued by someone else is refused
    When the client asks for a token with an assertion issued by "someone-else:cleariddemos"
    Then the token endpoint must answer with the error "invalid_grant"

  # IdentityServer calls a missing grant type unsupported, not a missing parameter.
  @assumed @rule:assumed-ClearID-missing-grant
  Scenario: A request without a grant type is unsupported_grant_type
    When the client sends a token request with its credentials in the body and the form:
      | grant_type |  |
    Then the token endpoint must name the error "unsupported_grant_type"

  @assumed @rule:assumed-ClearID-assertion-once
  Scenario: An assertion works once
    When the client asks for a token with an assertion
    Then the token response is a success
    When the client sends the same assertion again
    Then the token endpoint must answer with the error "invalid_grant"

  @rule:ClearID-identities
  Scenario: The Identity Service lists the account's identities for a bearer token
    Given the client holds an access token
    When the client lists the identities of its account with its access token
    Then the identities must be listed

  @rule:ClearID-identities
  Scenario: The Identity Service asks for a token
    When the client lists the identities of its account without a token
    Then the Identity Service must answer 401

  @rule:ClearID-identities
  Scenario: An expired token is refused by the Identity Service
    Given the client holds an access token
    When 3901 seconds pass
    And the client lists the identities of its account with its access token
    Then the Identity Service must answer 401

  @assumed @rule:assumed-ClearID-other-account
  Scenario: Another account's identities are out of reach
    Given the client holds an access token
    When the client lists the identities of the account "devdemos" with its access token
    Then the Identity Service must answer 403
