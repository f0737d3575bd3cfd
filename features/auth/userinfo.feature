@auth @userinfo @oidc
Feature: The userinfo endpoint
  An OpenID Provider's userinfo endpoint is a protected resource: it answers with the
  user's claims only for an access token (OpenID Connect Core §5.3, RFC 6750).

  Scenario: Without an access token the endpoint asks for one
    Given the client "service"
    When the userinfo endpoint is called without an access token
    Then the userinfo endpoint must ask for a bearer token
