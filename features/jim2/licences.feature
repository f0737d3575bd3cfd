@jim2 @serial @rule:Jim2-token
Feature: Jim2's token endpoint and its licence pool
  Jim2 (Happen Business) issues tokens to a back-end system by client credentials, the
  secret being the mapped CardFile user's password (Jim2 help, "token"). A token with any
  scope but `view` holds a licensed user session, which lives as long as the refresh
  token: 20 minutes from the client's latest token request. With no licence free the
  authentication fails; `logoff` releases the licence. The target file's [licences]
  section names the pool's size and the client roles that fill it. Where the help is
  silent (the error a refusal names, what logoff answers) the scenarios say @assumed.
  One pool serves every client, so on a shared server these scenarios run one at a time.

  Scenario: The C# sample's request gets a token
    Given the client "service"
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
      | scope      | view               |
    Then the token response is a success
    And the response must not be cached
    And a refresh token must be issued

  Scenario: The credentials may travel in the body instead
    Given the client "service"
    When the client requests a token with client credentials with its credentials in the body
    Then the token response is a success

  @rule:Jim2-token-grant
  Scenario: Only the client credentials grant is served
    Given the client "service"
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | password |
      | username   | someone  |
      | password   | secret   |
    Then the token endpoint must answer with the error "unsupported_grant_type"

  @rule:RFC6749-3.2.1-client-authentication
  Scenario: A wrong password is refused
    Given the client "service"
    When the client sends a token request with HTTP Basic and a wrong secret and the form:
      | grant_type | client_credentials |
    Then the token endpoint must answer with the error "invalid_client"

  @rule:Jim2-token-licence
  Scenario: With every licence held, a full-access token is refused
    Given every licence is held
    When the waiting client asks for a token with full access
    Then the token must be refused for want of a licence

  @assumed @rule:Jim2-token-licence
  Scenario: A refusal for want of a licence names invalid_grant
    Given every licence is held
    When the waiting client asks for a token with full access
    Then the token must be refused for want of a licence
    And the refusal must name the error "invalid_grant"

  @rule:Jim2-token-view
  Scenario: A view token needs no licence
    Given every licence is held
    When the waiting client asks for a view token
    Then the token response is a success

  @rule:Jim2-token-session
  Scenario: Asking again does not take a second licence
    Given every licence is held
    When every holder asks for a token again
    And the waiting client asks for a token with full access
    Then the token must be refused for want of a licence

  @rule:Jim2-logoff
  Scenario: Logging off gives the licence back
    Given every licence is held
    When the first holder logs off
    Then the logoff must succeed
    When the waiting client asks for a token with full access
    Then the token response is a success

  # A minute is well within the 20-minute session; that the access token outlives it
  # is assumed (Jim2 does not publish the access token's lifetime).
  @assumed @rule:assumed-Jim2-access-lifetime
  Scenario: A holder may log off a minute later
    Given every licence is held
    When 61 seconds pass
    And the first holder logs off
    Then the logoff must succeed
    When the waiting client asks for a token with full access
    Then the token response is a success

  @assumed
  Scenario: A logged-off session's token is no longer accepted
    Given every licence is held
    When the first holder logs off
    And the first holder logs off again
    Then the logged-off token must be refused

  @rule:Jim2-token-session
  Scenario: A licence frees itself when its session runs out
    Given every licence is held
    When the licensed session lifetime nearly passes
    And the waiting client asks for a token with full access
    Then the token must be refused for want of a licence
    When 2 seconds pass
    And the waiting client asks for a token with full access
    Then the token response is a success

  @rule:Jim2-token-session
  Scenario: Each token request extends the licensed session
    Given every licence is held
    When the licensed session lifetime nearly passes
    And every holder asks for a token again
    And 2 seconds pass
    And the waiting client asks for a token with full access
    Then the token must be refused for want of a licence
