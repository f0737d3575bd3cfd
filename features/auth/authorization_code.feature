@auth @authorization_code @requires:login
Feature: Authorization code flow
  A person signs in and the client exchanges the code for tokens, secured by PKCE, a
  client secret, or both (RFC 6749 §4.1, RFC 7636; for MyID, manual §4.1–4.3).
  Errors the RFC wants sent back to the client stay on IdentityServer's error page; the
  MyID target lists that as a known deviation. Scenarios tagged @identityserver check
  IdentityServer4's own choices where the RFCs leave a server free.

  @requires:client.spa
  Scenario: PKCE code flow for a public client (manual §4.2)
    Given the client "spa"
    When the user signs in and authorizes the client
    Then the client must receive an authorization code
    And the state must come back unchanged
    And the authorization code must be long and random enough
    And the authorization response must name the issuer rightly
    When the client exchanges the code
    Then the token response is a success
    And the response must not be cached
    And the granted scope must be "{scope}"
    And no refresh token must be issued without offline_access
    And the access token must verify with a key published through discovery
    And the access token must name the signed-in user in sub
    And the access token must name the client in client_id
    And the access token must live exactly expires_in seconds
    And the access token audience must include "{audience}"

  @requires:client.spa @identityserver
  Scenario: Codes have IdentityServer4's format
    Given the client "spa"
    When the user signs in and authorizes the client
    Then the authorization code must be 64 uppercase hex characters

  @requires:client.web
  Scenario: Client-secret code flow without PKCE (manual §4.3)
    Given the client "web"
    When the user signs in and authorizes the client without PKCE
    Then the client must receive an authorization code
    When the client exchanges the code
    Then the token response is a success
    And the access token must name the signed-in user in sub

  # RFC 9700 §4.8.2 requires the refusal but names no error code.
  @requires:client.web @rule:RFC9700-4.8.2-downgrade
  Scenario: A verifier for a code issued without a challenge is refused (downgrade)
    Given the client "web"
    When the user signs in and authorizes the client without PKCE
    And the client exchanges the code with:
      | code_verifier | {repeat:v:43} |
    Then the token endpoint must answer with the error "invalid_grant" or "invalid_request"

  @requires:client.web_pkce
  Scenario: A client secret and PKCE together (manual §4.1.2)
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code
    Then the token response is a success

  @requires:client.web_pkce @rule:RFC7636-4.6-verifier
  Scenario: With both required, the secret alone is not enough
    Given the client "web_pkce"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | code_verifier | <absent> |
    Then the token endpoint must answer with the error "invalid_grant" or "invalid_request"

  @requires:client.spa @rule:RFC6749-4.1.2-code-once
  Scenario: A code works once
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client exchanges the code again
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.web @rule:RFC6749-4.1.2-code-once
  Scenario: A code issued without PKCE works once too
    Given the client "web"
    When the user signs in and authorizes the client without PKCE
    And the client exchanges the code
    And the client exchanges the code again
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.spa @rule:RFC6749-4.1.3-redirect-uri
  Scenario: The redirect_uri must be the one sent to authorize
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | redirect_uri | https://client.example/elsewhere |
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.spa @identityserver @rule:IS4-token-code-burned
  Scenario: A failed redirect_uri check burns the code
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | redirect_uri | https://client.example/elsewhere |
    And the client exchanges the code
    Then the token endpoint must answer with the error "invalid_grant"

  # RFC 6749 §4.1.3: a redirect_uri sent to /authorize is required at the exchange. Its
  # absence is a missing parameter (invalid_request) or not the one sent (invalid_grant).
  @requires:client.spa @rule:RFC6749-4.1.3-redirect-uri
  Scenario: A code exchange without the redirect_uri sent to authorize is refused
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | redirect_uri | <absent> |
    Then the token endpoint must answer with the error "invalid_grant" or "invalid_request"

  @requires:client.spa @identityserver @rule:IS4-token-redirect-uri-required
  Scenario: A missing redirect_uri is unauthorized_client, as IdentityServer answers
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | redirect_uri | <absent> |
    Then the token endpoint must name the error "unauthorized_client"

  @requires:client.spa
  # A missing verifier is a missing parameter (RFC 6749 §5.2 invalid_request) as much
  # as a failed PKCE check (RFC 7636 §4.6 invalid_grant).
  @rule:RFC7636-4.6-verifier
  Scenario Outline: The verifier must match the challenge
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code with:
      | code_verifier | <verifier> |
    Then the token endpoint must answer with the error "invalid_grant" or "<or>"

    Examples:
      | verifier      | or              |
      | <absent>      | invalid_request |
      | {repeat:W:43} | invalid_grant   |
      | {challenge}   | invalid_grant   |

  # RFC 7636 §4.1's length binds the client; IdentityServer refuses a verifier of
  # another length.
  @requires:client.spa @identityserver @rule:IS4-token-verifier-length
  Scenario Outline: IdentityServer refuses a verifier of fewer than 43 or more than 128 characters
    Given the client "spa"
    When the user signs in and authorizes the client with a verifier of <length> characters
    And the client exchanges the code
    Then the token endpoint must answer with the error "invalid_grant"

    Examples:
      | length |
      | 42     |
      | 129    |

  @requires:client.spa @requires:client.web @rule:RFC6749-4.1.3-code-client
  Scenario: A code is bound to the client it was issued to
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client "web" exchanges the code
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.spa @rule:RFC6749-4.1.2-code-lifetime
  Scenario: A code expires after its lifetime
    Given the client "spa"
    When the user signs in and authorizes the client
    And the code lifetime passes
    And the client exchanges the code
    Then the token endpoint must answer with the error "invalid_grant"

  @requires:client.spa
  Scenario: The state comes back exactly as sent
    Given the client "spa"
    When the client sends the user to authorize with:
      | state | a b+c/d=!&x%20~ |
    Then the client must receive an authorization code
    And the state must come back unchanged

  # RFC 6749 §3.1; the OpenID conformance suite's
  # oidcc-ensure-request-with-unknown-parameter-succeeds.
  @requires:client.spa @rule:RFC6749-3.1-unknown-params
  Scenario: A parameter the authorization endpoint does not know is ignored
    Given the client "spa"
    When the client sends the user to authorize with:
      | extra | foobar |
    Then the client must receive an authorization code

  @requires:client.spa @rule:RFC6749-4.1.2.1-no-redirect
  Scenario Outline: An untrusted client or redirect_uri never gets the user back
    Given the client "spa"
    When the client sends the user to authorize with:
      | <parameter> | <value> |
    Then the user must not be sent to the client

    Examples:
      | parameter    | value                              |
      | client_id    | no.such.client                     |
      | client_id    | <absent>                           |
      | redirect_uri | https://evil.example/callback      |
      | redirect_uri | https://client.example/callback/x  |
      | redirect_uri | {repeat:https://a.example/:40}     |

  # RFC 9700 §2.1 and §4.1.3: exact string matching, because every normalisation a server
  # allows is one an attacker can use. IdentityServer compares without regard to case,
  # which the MyID target lists as a known deviation.
  @requires:client.spa @rule:RFC9700-2.1-exact-redirect
  Scenario Outline: A redirect_uri that is not exactly a registered one never gets the user back
    Given the client "spa"
    When the client sends the user to authorize with:
      | redirect_uri | {redirect_uri:<variant>} |
    Then the user must not be sent to the client

    Examples:
      | variant        |
      | query-added    |
      | query-changed  |
      | case           |
      | trailing-slash |
      | port           |
      | http           |
      | userinfo       |
      | host-suffix    |
      | fragment       |
      | encoded        |

  # RFC 6749 §3.1.2.3 lets a client with one registered redirect URI leave it out;
  # IdentityServer requires it always.
  @requires:client.spa @identityserver @rule:IS4-authorize-redirect-uri-required
  Scenario: IdentityServer requires the redirect_uri
    Given the client "spa"
    When the client sends the user to authorize with:
      | redirect_uri | <absent> |
    Then the user must not be sent to the client

  @requires:client.spa @identityserver @rule:IS4-authorize-error-page
  Scenario Outline: IdentityServer's error page names the error
    Given the client "spa"
    When the client sends the user to authorize with:
      | <parameter> | <value> |
    Then the user must not be sent to the client
    And the error page must show "<error>"

    Examples:
      | parameter             | value                         | error                     |
      | client_id             | no.such.client                | unauthorized_client       |
      | redirect_uri          | https://evil.example/callback | invalid_request           |
      | response_type         | <absent>                      | unsupported_response_type |
      | response_type         | token                         | unauthorized_client       |
      | code_challenge        | <absent>                      | invalid_request           |
      | code_challenge_method | plain                         | invalid_request           |
      | code_challenge_method | <absent>                      | invalid_request           |
      | code_challenge        | {repeat:c:42}                 | invalid_request           |
      | scope                 | {scope} myid.operation        | invalid_scope             |
      | scope                 | {scope} offline_access x      | invalid_scope             |
      | scope                 | <absent>                      | invalid_request           |

  # Unknown scopes may be ignored (RFC 6749 §3.3) and plain PKCE may be supported
  # (RFC 7636 §4.2), so only what every server must refuse is here. A missing
  # response_type is a missing parameter, or a response type the server does not support.
  # RFC 6749 §4.1.2.1 sends the error to the client; RFC 9700 §4.11.2 would rather the
  # server not send an unauthenticated user anywhere, and the OpenID conformance suite
  # takes its own page: either refuses.
  @requires:client.spa
  Scenario Outline: An invalid authorization request is refused
    Given the client "spa"
    When the client sends the user to authorize with:
      | <parameter> | <value> |
    Then the authorization request must be refused with the error "<error>" or "<or>"

    Examples:
      | parameter     | value         | error                     | or                        |
      | response_type | <absent>      | invalid_request           | unsupported_response_type |
      | response_type | no-such-type  | unsupported_response_type | unsupported_response_type |

  # RFC 9700 §2.4: the client would see the user's password. The user's name and password
  # are the login driver's; a server that does not know the grant answers
  # unsupported_grant_type, one that keeps it from this client unauthorized_client.
  @requires:client.web @rule:RFC9700-2.4-no-password
  Scenario: The password grant is neither offered nor honoured
    Given the client "web"
    When the discovery document is fetched
    Then "grant_types_supported" must not list "password"
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | password   |
      | username   | {user}     |
      | password   | {password} |
      | scope      | {scope}    |
    Then the token endpoint must answer with the error "unsupported_grant_type" or "unauthorized_client"

  # RFC 6749 §4.1.2 (SHOULD) and the OpenID conformance suite's
  # oidcc-codereuse-30seconds: a code used twice means someone else has it, so the tokens
  # it gave should stop working. IdentityServer4 only refuses the second exchange.
  @requires:client.spa @rule:RFC6749-4.1.2-code-replay-revokes
  Scenario: A code used twice takes back the tokens it gave
    Given the client "spa"
    When the user signs in and authorizes the client with OpenID
    And the client exchanges the code
    And the client exchanges the code again
    And the client calls userinfo with its access token
    Then userinfo should no longer take the token

  # RFC 9700 §4.16: a page that can be framed lets another site trick the user into
  # clicking through it; §4.12: a 307 after the credentials' POST would post them on to
  # wherever the redirect points. IdentityServer's pages answer with a 302 (its
  # quickstart's Redirect), which the SHOULD of a 303 only warns about.
  @requires:client.spa @requires:login.form
  Scenario: The sign-in's pages cannot be framed, and its forms are not posted on
    Given the client "spa"
    When the user signs in and authorizes the client
    Then the client must receive an authorization code
    And every page of the sign-in must forbid framing by other origins
    And no form of the sign-in must be answered with a 307
    And each redirect after a form of the sign-in should be a 303

  @requires:client.spa @requires:login.form
  Scenario: Without a successful sign-in there is no code
    Given the client "spa"
    When the user signs in with the password "not-the-password"
    Then the user must stay on the sign-in form

  # IdentityServer's quickstart UI asks on a consent page; the login driver passes it by
  # its first button, "Yes, Allow".
  @requires:client.spa @identityserver @rule:IS4-consent
  Scenario: prompt=consent shows a consent page the user can pass
    Given the client "spa"
    When the client sends the user to authorize with:
      | prompt | consent |
    Then the client must receive an authorization code
    When the client exchanges the code
    Then the token response is a success
    And the granted scope must be "{scope}"
