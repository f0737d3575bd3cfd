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

  # The suite's oidcc-server: the same sign-in by a confidential client, which
  # authenticates with its secret at the token endpoint.
  @requires:client.web @rule:OIDC-Core-3.1.3.3-id-token
  Scenario: A confidential client's OpenID sign-in gives a verifiable id_token
    Given the client "web"
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
    And userinfo must answer with JSON

  # oidcc-userinfo-post-header. The token in the form body instead (RFC 6750 §2.2) is a
  # MAY, so nothing judges it.
  @rule:OIDC-Core-5.3.1-post
  Scenario: Userinfo takes a POST as well as a GET
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | scope | openid |
    And the client exchanges the code
    And the client calls userinfo by POST with its access token
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

  # The suite's oidcc-scope-profile, -email, -address, -phone and -all: claims are
  # returned as the server has them, so their absence only warns. A scope the metadata
  # does not offer is not asked for, and one the server keeps from this client
  # (invalid_scope, its policy: RFC 6749 §3.3) skips.
  Scenario Outline: A claim scope brings its claims at userinfo
    Given the client "spa"
    And the claim scopes "<scopes>" the server offers
    When the user signs in and authorizes the client with OpenID and the claim scopes
    And the client exchanges the code
    And the client calls userinfo with its access token
    Then userinfo should carry claims of each claim scope
    And userinfo's standard claims must have the types Core gives

    Examples:
      | scopes                      |
      | profile                     |
      | email                       |
      | address                     |
      | phone                       |
      | profile email address phone |

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

  # The OpenID conformance suite's Basic plan sends each of these (oidcc-display-page,
  # -popup, -ui-locales, -claims-locales, -login-hint, -ensure-request-with-acr-values,
  # -claims-essential, -ensure-request-without-nonce-succeeds-for-code-flow) and fails a
  # provider that errors: they are optional, so a provider may ignore them, not refuse.
  @rule:OIDC-Core-3.1.2.1-optional-params
  Scenario Outline: OpenID's optional parameters do not stop the sign-in
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | <parameter> | <value> |
    Then the client must receive an authorization code

    Examples:
      | parameter      | value                                    |
      | display        | page                                     |
      | display        | popup                                    |
      | ui_locales     | se fr-CA en                              |
      | claims_locales | se fr-CA en                              |
      | login_hint     | someone@example.com                      |
      | acr_values     | 1 2                                      |
      | claims         | {"userinfo":{"name":{"essential":true}}} |
      | nonce          | <absent>                                 |

  # OpenID Connect Core §6 and the suite's request-object modules: an unsigned object by
  # value, and a request_uri the server cannot fetch. Processing it or refusing are both
  # right (IdentityServer refuses both); ignoring it, and acting on the query alone, is
  # not.
  @rule:OIDC-Core-6-request-object
  Scenario Outline: A request object is processed or refused, never ignored
    Given the client "spa"
    When the client sends the user to authorize with OpenID and a request object <how>
    Then the request object must not have been ignored

    Examples:
      | how          |
      | by value     |
      | by reference |

  # oidcc-id-token-hint: the id_token of the session as a hint, with prompt=none.
  @requires:login.session @rule:OIDC-Core-3.1.2.1-optional-params
  Scenario: prompt=none with the id_token as a hint returns a code
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the client sends the user to authorize with OpenID and:
      | prompt        | none       |
      | id_token_hint | {id_token} |
    Then the client must receive an authorization code

  # oidcc-alternate-happy-flow: openid last, the client's own scopes reversed.
  @rule:RFC6749-3.3-scope-order
  Scenario: The scope values may come in any order
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | scope | {reverse:openid {scope}} |
    Then the client must receive an authorization code
    When the client exchanges the code
    Then the token response is a success

  # oidcc-ensure-post-request-succeeds.
  @requires:login.form @rule:OIDC-Core-3.1.2.1-post
  Scenario: The authorization request may be a form POST
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID by POST
    Then the client must receive an authorization code

  # oidcc-prompt-login: seconds of the server's time pass, so the new auth_time can be
  # later; max_age asks every server to say when the user signed in (Core §2).
  @requires:login.session @requires:login.form @rule:OIDC-Core-3.1.2.1-prompt-login
  Scenario: prompt=login asks a signed-in user to sign in again
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | max_age | 10000 |
    And the client exchanges the code
    And 2 seconds pass
    And the client sends the user to authorize with OpenID and:
      | prompt  | login |
      | max_age | 10000 |
    Then the user must have been asked to sign in again
    And the client must receive an authorization code
    When the client exchanges the code
    Then the new id_token's auth_time must be later than the first

  # oidcc-prompt-none-logged-in and oidcc-max-age-10000: a current session is reused
  # without a page.
  @requires:login.session @rule:OIDC-Core-3.1.2.1-prompt-none
  Scenario Outline: prompt=none with a current session returns a code at once
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | max_age | 10000 |
    And the client exchanges the code
    And 2 seconds pass
    And the client sends the user to authorize with OpenID and:
      | prompt  | none      |
      | max_age | <max_age> |
    Then the client must receive an authorization code
    And the user must have been shown nothing
    When the client exchanges the code
    Then the new id_token's auth_time must be the first's

    Examples:
      | max_age  |
      | <absent> |
      | 10000    |

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

  # RP-Initiated Logout §3 and the OpenID conformance suite's
  # oidcc-rp-initiated-logout-bad-post-logout-redirect-uri, -query-added-to-…,
  # -bad-id-token-hint and -modified-id-token-hint: a logout must not become an open
  # redirect, by a redirect or by a link on the logged-out page.
  @rule:OIDC-RPLogout-3-redirect
  Scenario Outline: After logout the user is led nowhere the client did not register
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the user logs out with:
      | post_logout_redirect_uri | <uri>  |
      | id_token_hint            | <hint> |
    Then the user must not be led to the post-logout URI sent

    Examples:
      | uri                                | hint                |
      | https://evil.example/signed-out    | {id_token}          |
      | {post_logout_redirect_uri}?x=1     | {id_token}          |
      | {post_logout_redirect_uri}         | not-an-id-token     |
      | {post_logout_redirect_uri}         | {id_token_tampered} |

  # A flaw seen on real servers: one user signed in from two browsers gets id_tokens that
  # mix the sessions up, or a logout that fails. Each browser keeps its own cookies;
  # seconds of the server's time pass between the sign-ins.
  @requires:login.session @rule:OIDC-Core-2-own-session
  Scenario: One user signed in twice has two sessions, and each can log out
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | max_age | 10000 |
    And the client exchanges the code
    And 2 seconds pass
    And the user opens another browser
    And the client sends the user to authorize with OpenID and:
      | max_age | 10000 |
    And the client exchanges the code
    Then the two sign-ins must be two sessions
    When the user logs out with the id_token
    And the client sends the user to authorize with OpenID and:
      | prompt | none |
    Then the user must be sent to the client with the error "login_required" or "interaction_required"
    When the user goes back to the first browser
    And the user logs out with the first id_token
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
