@auth @refresh @requires:login @requires:client.spa
Feature: Refresh tokens
  With offline_access a client may get a refresh token (OpenID Connect Core §11 asks;
  RFC 6749 leaves it to the server) it can use for fresh tokens; a public client's is
  replaced on each use (RFC 9700 §4.14.2), and a reused or foreign one is refused
  (RFC 6749 §6). IdentityServer's sliding and
  absolute lifetimes (MyID: two hours, never past six days from the first sign-in;
  manual §4.4) are its own model, tagged @identityserver. A server that issues no
  refresh token skips the scenarios that need one.

  Background:
    Given the client "spa"
    When the user signs in and authorizes the client with offline access
    And the client exchanges the code

  @rule:IS4-refresh-offline-access
  Scenario: offline_access gives a refresh token (manual §4.4.3)
    Then the token response is a success
    And a refresh token must be issued

  @identityserver @rule:IS4-refresh-scope-names-offline
  Scenario: The granted scope names offline_access
    Then the token response is a success
    And the granted scope must be "{scope} offline_access"

  Scenario: A refresh gives a new access token and a new refresh token
    When the client refreshes the token
    Then the token response is a success
    And the response must not be cached
    And the refresh token must have been replaced by a new one
    And the refresh token must be long and random enough
    And the access token must verify with a key published through discovery
    And the access token must be valid now by the server's clock

  @rule:RFC9700-4.14.2-old-refused
  Scenario: A refresh token works once
    When the client refreshes the token
    And the client refreshes with its first refresh token again
    Then the token endpoint must answer with the error "invalid_grant"

  # RFC 9700 §4.14.2: a public client cannot tell the server whether it or a thief
  # replayed the old token, so the server revokes the one that replaced it.
  # IdentityServer4 only refuses the replay, which the MyID target lists as a known
  # deviation.
  @rule:RFC9700-4.14.2-replay-revokes
  Scenario: Replaying a rotated-out refresh token revokes the one that replaced it
    When the client refreshes the token
    Then the refresh token must have been replaced by a new one
    When the client refreshes with its first refresh token again
    And the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  # RFC 9700 §4.14.2 and RFC 6749 §6: a refresh token is bound to the consented scope.
  # Refusing the request and ignoring its scope are both right; IdentityServer4 ignores it.
  Scenario: A refresh cannot widen the scope of the grant
    When the client refreshes the token asking for "openid profile" besides
    Then the refresh must grant no scope beyond the grant's

  @identityserver @rule:IS4-refresh-keeps-access-token
  Scenario: The earlier access token stays valid after a refresh (manual §4.4.4)
    When 600 seconds pass
    And the client refreshes the token
    Then the token response is a success
    And the first access token must still be valid by the server's clock
    When the client introspects its first access token
    Then the introspection must say the token is active

  @rule:RFC6749-6-refresh-valid
  Scenario: A refresh token the server never issued is refused
    When the client refreshes with the token "never-issued-by-this-server"
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.web @rule:RFC6749-6-refresh-client
  Scenario: A refresh token is bound to its client
    When the client "web" refreshes the other client's token
    Then the token endpoint must answer with the error "invalid_grant"

  # RFC 6749 §6 and §5.2's invalid_grant: an expired refresh token is refused, on any
  # server. The absolute lifetime the target declares is the longest one lives.
  @rule:RFC6749-6-refresh-valid
  Scenario: A refresh token past the lifetime the server gives it is refused
    When the absolute refresh lifetime passes
    And the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @identityserver @rule:IS4-refresh-sliding
  Scenario: Each use slides the expiry forward
    When the sliding refresh lifetime nearly passes
    And the client refreshes the token
    Then the token response is a success
    When the sliding refresh lifetime nearly passes
    And the client refreshes the token
    Then the token response is a success

  @identityserver @rule:IS4-refresh-sliding
  Scenario: An unused refresh token expires after the sliding lifetime
    When the sliding refresh lifetime passes
    And the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @identityserver
  Scenario: The absolute lifetime ends the chain, however often it is refreshed
    When the client keeps refreshing just within the sliding lifetime until the absolute lifetime has passed
    Then every refresh within the absolute lifetime must succeed and the first one after it fail with "invalid_grant"

  @rule:RFC6749-5.2-error-code
  Scenario: A refresh without a refresh_token is invalid_request
    When the client sends a token request with only its client id in the body and the form:
      | grant_type | refresh_token |
    Then the token endpoint must name the error "invalid_request"
