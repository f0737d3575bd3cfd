@beyond_identity @requires:login
Feature: Beyond Identity's code flow, refresh tokens and userinfo
  A person signs in at an application's /authorize (BI's hosted passkey page; the mock
  shows a test sign-in in its place) and the client exchanges the code at the same
  application's /token. BI's docs: confidential applications authenticate by HTTP Basic
  or in the body; public ones must use PKCE; OIDC applications get an id_token for
  openid; refresh tokens come only from applications that enable them, reusable unless
  "Rotate" is on, never past the "Absolute Duration". What BI does not publish (the
  sign-in page, userinfo's answer) is @assumed.

  @requires:client.web_pkce @rule:BI-token-code-flow
  Scenario: An OIDC application's code flow, as BI's docs show it
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    Then the client must receive an authorization code
    And the state must come back unchanged
    When the client exchanges the code
    Then the token response is a success
    And the response must not be cached
    And the granted scope must be "{scope}"
    And an id_token must be issued, signed with a key of the application
    And the access token header must name its key set in jku and its key in kid
    And the access token audience must be an array naming the client
    And the access token must carry the bi claims of the grant "authorization_code"
    And the access token must name the signed-in identity

  @requires:client.web_pkce @rule:BI-token-code-flow
  Scenario: A confidential application may authenticate in the body instead
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code with its credentials in the body
    Then the token response is a success

  @requires:client.web_pkce
  Scenario: expiration_time and custom_claims work in the code exchange too
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | expiration_time | 600              |
      | custom_claims   | {"plan": "trial"} |
    Then the token response is a success
    And the access token must live 600 seconds
    And the access token must carry bi_custom {"plan": "trial"}

  @requires:client.spa @rule:BI-pkce-public
  Scenario: A public application cannot sign in without PKCE
    Given the client "spa"
    When the user signs in and authorizes the client without PKCE
    Then the user must be sent to the client with the error "invalid_request"

  @requires:client.spa @rule:BI-token-code-flow
  Scenario: A public application's code flow with PKCE S256
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    Then the token response is a success
    And the access token must carry the bi claims of the grant "authorization_code"
    And the access token must name the signed-in identity
    And a refresh token must be issued, as the application has enabled them

  @requires:client.web
  Scenario: No refresh token for an application that has not enabled them
    Given the client "web"
    When the user signs in and authorizes the client without PKCE
    And the client exchanges the code
    Then the token response is a success
    And no refresh token must be issued, as the application has not enabled them

  @requires:client.spa @rule:BI-refresh-rotate
  Scenario: With rotation on, a used refresh token is spent
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client refreshes the token
    Then the token response is a success
    And the refresh token must have been replaced by a new one
    When the client refreshes with its first refresh token again
    Then the token endpoint must answer with the error "invalid_grant"

  # BI documents introspection of access tokens only; a refresh token is assumed to
  # answer as it serves.
  @requires:client.spa @requires:client.management @assumed @rule:assumed-BI-refresh-introspection
  Scenario: A refresh token introspects as active until rotation spends it
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the Management API introspects the client's refresh token
    Then the introspection must say the token is active
    When the client refreshes the token
    And the Management API introspects the client's first refresh token
    Then the introspection must say the token is inactive
    When the Management API introspects the client's refresh token
    Then the introspection must say the token is active

  @requires:client.spa @requires:client.management @assumed @rule:assumed-BI-refresh-introspection
  Scenario: A refresh token serves through its absolute duration's last second and not after
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And 2591999 seconds pass
    And the Management API introspects the client's refresh token
    Then the introspection must say the token is active
    When 1 seconds pass
    And the Management API introspects the client's refresh token
    Then the introspection must say the token is inactive
    When the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  # BI's docs give an id_token to OIDC applications' codes asked with openid; that
  # none answers a code without it is read from that, not stated.
  @requires:client.web_pkce @assumed
  Scenario: Without openid there is no id_token
    Given the client "web_pkce"
    When the user signs in and authorizes the client without OpenID
    And the client exchanges the code
    Then the token response is a success
    And no id_token must be issued, as the code was asked without openid

  # Expired records are swept once a minute; a request on the code's last second
  # makes the exchange a second later meet the code's own expiry check. That a code
  # is spent on the second its lifetime ends is assumed (BI does not say).
  @requires:client.web_pkce @requires:client.service @requires:client.management @assumed @rule:assumed-BI-code-lifetime
  Scenario: A code is refused on the second its lifetime ends
    Given the client "service" has an access token
    And the client "web_pkce"
    When the user signs in and authorizes the client
    And the code lifetime nearly passes
    And the Management API introspects the client's access token
    And 1 seconds pass
    And the client exchanges the code
    Then the token endpoint must answer with the error "invalid_grant"

  # The docs' PKCE setting "plain": the verifier is the challenge itself. An
  # application without PKCE that is sent a challenge holds the code to it (assumed).
  @requires:client.web @assumed @rule:assumed-BI-plain-pkce
  Scenario: A plain challenge is met by the verifier itself
    Given the client "web"
    When the client sends the user to authorize with:
      | code_challenge        | {verifier} |
      | code_challenge_method | plain      |
    And the client exchanges the code
    Then the token response is a success

  @requires:client.web @assumed @rule:assumed-BI-plain-pkce
  Scenario: A plain challenge is not met by another verifier
    Given the client "web"
    When the client sends the user to authorize with:
      | code_challenge        | {verifier} |
      | code_challenge_method | plain      |
    And the client exchanges the code with:
      | code_verifier | {repeat:v:43} |
    Then the token endpoint must answer with the error "invalid_grant"

  # Reuse detection: a spent refresh token presented again ends its whole chain, so
  # whoever replayed it cannot go on with the successor either (assumed: BI says a
  # rotated token is revoked, not what a replay does to the chain).
  @requires:client.spa @assumed @rule:assumed-BI-replay-ends-chain
  Scenario: Replaying a spent refresh token ends its chain
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client refreshes the token
    Then the token response is a success
    When the client refreshes with its first refresh token again
    Then the token endpoint must answer with the error "invalid_grant"
    When the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.web_pkce @rule:BI-refresh-rotate
  Scenario: With rotation off, the refresh token serves again
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client refreshes the token
    Then the token response is a success
    When the client refreshes with its first refresh token again
    Then the token response is a success

  @requires:client.spa @rule:BI-refresh-absolute
  Scenario: No refresh past the application's absolute duration
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And 2592000 seconds pass
    And the client refreshes the token
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.web_pkce @assumed @rule:assumed-BI-userinfo
  Scenario: Userinfo names the signed-in user
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client calls userinfo with its access token
    Then userinfo must name the access token's subject

  @requires:client.web_pkce @requires:client.service @assumed @rule:assumed-BI-userinfo
  Scenario: Userinfo is for a signed-in user's token, not an application's
    Given the client "service" has an access token
    When the client calls userinfo of the client "web_pkce" with its access token
    Then userinfo must refuse the token

  @requires:client.web_pkce @requires:client.management @rule:BI-revoke
  Scenario: An OIDC application's token is revoked with a Management API token
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client revokes its access token
    Then the revocation must refuse the application's own credentials
    When the Management API revokes the client's access token
    Then the revocation must succeed
    When the client introspects its access token
    Then the introspection must say the token is inactive

  @requires:client.web_pkce @requires:login.form
  Scenario: Without a successful sign-in there is no code
    Given the client "web_pkce"
    When the user signs in with the password "not-the-password"
    Then the user must stay on the sign-in form

  @requires:client.web_pkce @rule:BI-discovery
  Scenario: The application's discovery document describes the code flow
    Given the client "web_pkce"
    When the discovery document is fetched
    Then the discovery document must be served as JSON
    And the issuer must be the target's issuer
    And the discovery document must have every required member
