@auth @oidc @requires:login @requires:client.spa
Feature: OpenID Connect sign-in, userinfo and logout
  An OpenID request (scope openid, a nonce) gets an identity token the client can
  verify (OpenID Connect Core §3.1.3.7), userinfo answers for its subject (§5.3), and
  logging out ends the session (RP-Initiated Logout). Scenarios tagged @identityserver
  check what IdentityServer4 adds: session_state, sid, idp and amr, a link back after
  logout. The client's scope gets openid in front when it lacks it.

  Scenario: Signing in with OpenID gives an id_token the client can verify
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    Then the client must receive an authorization code
    When the client exchanges the code
    Then the token response is a success
    And an id_token must be issued
    And the id_token must be valid for the client

  @identityserver
  Scenario: IdentityServer adds the session to the sign-in
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    Then the client must receive a session_state
    When the client exchanges the code
    Then an id_token must be issued
    And the id_token must carry IdentityServer's session claims

  # Scope openid alone: a token for an API (a resource indicator) need not be one
  # userinfo takes.
  Scenario: Userinfo answers for the id_token's subject
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | scope | openid |
    And the client exchanges the code
    And the client calls userinfo with its access token
    Then userinfo must name the id_token's subject

  # A token with no user is no userinfo token for IdentityServer; a server that gives
  # its service clients a user of their own (as Keycloak does) may answer.
  @requires:client.service @identityserver @rule:IS4-userinfo-openid
  Scenario: IdentityServer's userinfo refuses a client's own token
    Given the client "service" has an access token
    When the client calls userinfo of the client "spa" with its access token
    Then userinfo must refuse the token

  @identityserver @rule:IS4-userinfo-openid
  Scenario: IdentityServer's userinfo wants openid in the token
    Given the client "spa"
    When the user signs in and authorizes the client without OpenID
    And the client exchanges the code
    And the client calls userinfo with its access token
    Then userinfo must refuse the token

  @myid @requires:seed_data @rule:assumed-MyID-userinfo-name
  Scenario: With profile, userinfo gives the signed-in person's name
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | scope | openid profile {scope} |
    And the client exchanges the code
    And the client calls userinfo with its access token
    Then userinfo must carry "name" = "Test User"

  @requires:login.session @rule:OIDC-Core-3.1.2.1-max-age
  Scenario: max_age asks for a fresh sign-in, and the id_token says when it was
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | max_age | 600 |
    And the client exchanges the code
    Then an id_token must be issued
    And the id_token must carry auth_time
    When 5 seconds pass
    And the client sends the user to authorize with OpenID and:
      | max_age | 1    |
      | prompt  | none |
    Then the user must be sent to the client with the error "login_required" or "interaction_required"

  # RP-Initiated Logout §2: the provider may ask the user first (the driver says yes);
  # once the user has said yes, it logs them out of itself too.
  @requires:login.session @rule:OIDC-RPLogout-2-ends-session
  Scenario: After logging out, the session is gone
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the user logs out with the id_token
    And the client sends the user to authorize with OpenID and:
      | prompt | none |
    Then the user must be sent to the client with the error "login_required" or "interaction_required"

  @identityserver
  Scenario: IdentityServer's logged-out page leads back to the client with its state
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the user logs out with the id_token
    Then the user must be led back to the post-logout redirect URI with the state

  @identityserver
  Scenario: A refresh of an OpenID grant brings a new id_token
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID and offline access
    And the client exchanges the code
    And the client refreshes the token
    Then the token response is a success
    And a new id_token must come with the refresh
    And the id_token must be valid for the client
