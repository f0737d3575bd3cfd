@auth @introspection
Feature: Token introspection
  A resource server asks the authorization server whether a token is active (RFC 7662).
  The endpoint is found through the server's metadata; one that publishes none skips
  these scenarios.

  Scenario: A token the server never issued is inactive (RFC 7662 §2.2)
    Given the client "service"
    When the client introspects the token "never-issued-by-this-server"
    Then the introspection must say the token is inactive

  Scenario: A fresh access token is active
    Given the client "service" has an access token
    When the client introspects its access token
    Then the introspection must say the token is active

  Scenario: The endpoint answers only callers that authenticate (RFC 7662 §2.1)
    Given the client "service" has an access token
    When its access token is introspected without credentials
    Then the introspection endpoint must refuse the caller
