@auth @revocation
Feature: Token revocation
  Clients revoke tokens they no longer need (RFC 7009; MyID manual §4.5). Every server
  must revoke refresh tokens (§2); revoking an access token may end its grant's refresh
  tokens too (§2.1), which MyID does, recording the token so the Core API refuses it.

  @requires:login @requires:client.spa @myid @rule:MyID-4.5-revocation-ends-grant
  Scenario: Revoking an access token ends its refresh tokens too (manual §4.5)
    Given the client "spa"
    When the user signs in and authorizes the client with offline access
    And the client exchanges the code
    And the client revokes its access token
    Then the revocation must succeed
    When the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  # RFC 7009 §2.1: a public client names itself and revokes its own tokens; a server
  # that asks it for a secret leaves a leaked token live. A server that revokes no access
  # tokens may say so (400 unsupported_token_type, §2.2.1), and whether a revoked one
  # then stops working is a SHOULD (§2): IdentityServer's JWT access tokens stay valid
  # until they expire.
  @requires:login @requires:client.spa @rule:RFC7009-2.1-public-client
  Scenario: A public client revokes its own access token
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the client revokes its access token
    Then the revocation must be taken
    When the client calls userinfo with its access token
    Then userinfo should no longer take the revoked token

  @requires:login @requires:client.spa @rule:RFC7009-2-refresh-revoked
  Scenario: A revoked refresh token is refused
    When the user signs in with offline access and the code is exchanged, as client "spa" or else "web"
    And the client revokes its refresh token
    Then the revocation must succeed
    When the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:login @requires:client.spa @rule:RFC7009-2.1-search
  Scenario: Without a hint the server finds the refresh token
    When the user signs in with offline access and the code is exchanged, as client "spa" or else "web"
    And the client revokes its refresh token without a hint
    Then the revocation must succeed
    When the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:login @requires:client.spa @requires:client.web @rule:RFC7009-2.1-client-binding
  Scenario: Another client cannot revoke a client's tokens
    Given the client "spa"
    When the user signs in and authorizes the client with offline access
    And the client exchanges the code
    And the client "web" revokes the other client's refresh token
    And the client refreshes the token
    Then the token response is a success

  @rule:RFC7009-2.2-ok
  Scenario: An unknown token is answered with success (RFC 7009 §2.2)
    Given the client "service"
    When the client revokes the token "not-a-token-this-server-issued"
    Then the revocation must succeed

  # A server need not revoke access tokens (§2: SHOULD), but every one revokes refresh
  # tokens, so the hint is tried on one of those.
  @requires:login @requires:client.spa @rule:RFC7009-2.1-unknown-hint
  Scenario: An unknown hint is ignored (RFC 7009 §2.1)
    When the user signs in with offline access and the code is exchanged, as client "spa" or else "web"
    And the client revokes its refresh token with the hint "id_token"
    Then the revocation must succeed

  @identityserver @rule:IS4-revocation-hint
  Scenario: IdentityServer refuses an unknown hint
    Given the client "service" has an access token
    When the client revokes its access token with the hint "id_token"
    Then the revocation endpoint must name the error "unsupported_token_type"

  @identityserver @rule:IS4-revocation-form-only
  Scenario Outline: Revocation takes only form posts
    Given the client "service" has an access token
    When the client revokes its access token <how>
    Then the revocation endpoint must answer with status <status>

    Examples:
      | how     | status |
      | by GET  | 405    |
      | as JSON | 415    |

  @myid @requires:client.mcs @rule:MyID-4.5-revocation-at-api
  Scenario: A revoked access token is recorded, so it buys no operation token
    Given the client "service" has an access token
    When the client revokes its access token
    And the client "mcs" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | token    | {access_token}                       |
    Then the token endpoint must answer with the error "invalid_grant"
