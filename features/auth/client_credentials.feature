@auth @client_credentials
Feature: Client credentials grant
  A back-end system trades its client id and shared secret for an access token to
  call an API (RFC 6749 §4.4; for MyID, manual §3.3). Scenarios tagged @identityserver
  check IdentityServer4's own choices where the RFC leaves a server free, and @myid
  ones MyID's; a server whose profile does not claim them skips them.

  Background:
    Given the client "service"

  Scenario: A token through HTTP Basic, as the manual shows it
    When the client requests a token with client credentials with HTTP Basic
    Then the token response is a success
    And the response must not be cached
    And the response must carry "Pragma: no-cache"
    And the granted scope must be "{scope}"
    And no refresh token should be issued
    And the token response members must be in IdentityServer's order

  # RFC 6749 §2.3.1 lets a server take credentials in the body (MAY); IdentityServer
  # does.
  @rule:IS4-client-body-credentials
  Scenario: A token with the credentials in the body
    When the client requests a token with client credentials with its credentials in the body
    Then the token response is a success
    And the response must not be cached
    And the granted scope must be "{scope}"

  Scenario: The access token verifies with the keys found through discovery
    When the client requests a token with client credentials with HTTP Basic
    Then the token response is a success
    And the access token must verify with a key published through discovery
    And the access token header must have typ "at+jwt"
    And the access token must be issued by the discovery issuer
    And the access token audience must include "{audience}"
    And the access token must live exactly expires_in seconds
    And the access token must be valid now by the server's clock
    And the access token must name the client in client_id
    And the access token scope claim should list the granted scope

  Scenario: The access token against the strict JWT profile
    When the client requests a token with client credentials with HTTP Basic
    Then the token response is a success
    And the access token must carry the claims "iss, exp, aud, client_id, iat, jti"
    And the access token must carry the claims "sub"
    And the access token scope claim should be a space-delimited string

  @identityserver @rule:IS4-token-default-scopes
  Scenario: Without a scope the client gets all of its API scopes
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
    Then the token response is a success
    And the granted scope must be "{scope}"

  @rule:RFC6749-3.2-unknown-params
  Scenario: Parameters the server does not know are ignored
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials  |
      | scope      | {scope}             |
      | padding    | {repeat:x:2000}     |
    Then the token response is a success

  @identityserver @rule:IS4-token-first-value
  Scenario: A repeated parameter counts by its first value
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
      | grant_type | password           |
      | scope      | {scope}            |
    Then the token response is a success

  @identityserver @rule:IS4-client-basic-first
  Scenario: With a Basic secret, body credentials are ignored
    When the client sends a token request with HTTP Basic and another client's credentials in the body and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token response is a success

  @requires:client.encoded @rule:RFC6749-2.3.1-basic-decoding
  Scenario: A secret with reserved characters through RFC 6749 §2.3.1 encoding
    Given the client "encoded"
    When the client requests a token with client credentials with HTTP Basic
    Then the token response is a success

  @requires:client.encoded @rule:RFC6749-2.3.1-basic-decoding
  Scenario: The server decodes Basic credentials, so an unencoded secret fails
    Given the client "encoded"
    When the client sends a token request with HTTP Basic encoded without RFC 6749 §2.3.1 and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token endpoint must answer with the error "invalid_client" or "invalid_request"

  @rule:RFC6749-3.2.1-client-authentication
  Scenario Outline: Client authentication failures are invalid_client
    When the client sends a token request <authentication> and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token endpoint must answer with the error "invalid_client"
    And the invalid_client answer must be 401 with a Basic challenge

    Examples:
      | authentication                                     |
      | with HTTP Basic and a wrong secret                 |
      | with HTTP Basic and an empty secret                |
      | with a wrong secret in the body                    |
      | with only its client id in the body                |
      | without credentials                                |
      | with HTTP Basic as the unknown client "nobody"     |
      | with HTTP Basic as the unknown client "MYID.MYSYSTEM" |
      | with the Authorization header "Bearer abc"         |

  # RFC 6749 §5.2 fits a malformed Authorization header under invalid_request as well
  # as under invalid_client; either refuses the client.
  @rule:RFC6749-3.2.1-client-authentication
  Scenario Outline: A malformed Basic header is refused
    When the client sends a token request <authentication> and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token endpoint must answer with the error "invalid_client" or "invalid_request"

    Examples:
      | authentication                                     |
      | with the Authorization header "Basic !!not-base64" |
      | with the Authorization header "Basic bm9jb2xvbg==" |

  @identityserver @rule:IS4-client-malformed-basic
  Scenario Outline: IdentityServer calls a malformed Basic header invalid_client
    When the client sends a token request <authentication> and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token endpoint must name the error "invalid_client"

    Examples:
      | authentication                                     |
      | with the Authorization header "Basic !!not-base64" |
      | with the Authorization header "Basic bm9jb2xvbg==" |

  @rule:RFC6749-3.2.1-client-authentication
  Scenario Outline: Over-long credentials are not credentials
    When the client sends a token request without credentials and the form:
      | grant_type    | client_credentials |
      | client_id     | <client_id>        |
      | client_secret | <client_secret>    |
    Then the token endpoint must answer with the error "invalid_client"

    Examples:
      | client_id         | client_secret     |
      | {repeat:a:101}    | secret            |
      | {client_id}       | {repeat:s:101}    |

  @rule:RFC6749-5.2-error-code
  Scenario Outline: The grant type must be one the server supports
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | <grant_type> |
      | scope      | {scope}      |
    Then the token endpoint must name the error "unsupported_grant_type"

    Examples:
      | grant_type         |
      | foo                |
      | implicit           |
      | {repeat:g:101}     |

  # RFC 6749 names grant types exactly and leaves a server free to be lenient;
  # IdentityServer is not.
  @identityserver @rule:IS4-token-grant-type-exact
  Scenario: IdentityServer compares grant types exactly
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | Client_Credentials |
      | scope      | {scope}            |
    Then the token endpoint must name the error "unsupported_grant_type"

  # A missing value is a missing parameter (invalid_request) as much as an unknown type.
  @rule:RFC6749-5.2-error-code
  Scenario: An empty grant type is refused
    When the client sends a token request with HTTP Basic and the form:
      | grant_type |         |
      | scope      | {scope} |
    Then the token endpoint must name the error "unsupported_grant_type" or "invalid_request"

  @identityserver @rule:IS4-token-empty-grant
  Scenario: IdentityServer calls an empty grant type unsupported
    When the client sends a token request with HTTP Basic and the form:
      | grant_type |         |
      | scope      | {scope} |
    Then the token endpoint must name the error "unsupported_grant_type"

  # IdentityServer checks AllowedGrantTypes for each grant type it knows, the password
  # and device grants among them, before anything else of that grant
  # (`TokenRequestValidator`), so a client not allowed one is unauthorized_client.
  @identityserver @rule:IS4-token-grant-not-allowed
  Scenario Outline: IdentityServer refuses a known grant type the client may not use as unauthorized_client
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | <grant_type> |
      | scope      | {scope}      |
    Then the token endpoint must name the error "unauthorized_client"

    Examples:
      | grant_type                                   |
      | password                                     |
      | urn:ietf:params:oauth:grant-type:device_code |

  @requires:client.web @rule:RFC6749-5.2-error-code
  Scenario: A client not allowed client credentials is unauthorized_client
    Given the client "web"
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
      | scope      | {scope}            |
    Then the token endpoint must name the error "unauthorized_client"

  # RFC 6749 §3.3 lets a server ignore a scope it will not grant, or refuse the request.
  Scenario Outline: A scope the client may not have is refused or left out
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
      | scope      | <scope>            |
    Then the scope "<forbidden>" must not be granted

    Examples:
      | scope                 | forbidden     |
      | no.such.scope         | no.such.scope |
      | {other_scope}         | {other_scope} |
      | {scope} {other_scope} | {other_scope} |

  @identityserver @rule:IS4-token-invalid-scope
  Scenario Outline: Scopes the client cannot have are invalid_scope
    When the client sends a token request with HTTP Basic and the form:
      | grant_type | client_credentials |
      | scope      | <scope>            |
    Then the token endpoint must name the error "invalid_scope"

    Examples:
      | scope                    |
      | no.such.scope            |
      | {other_scope}            |
      | {scope} {other_scope}    |
      | openid                   |
      | {scope} offline_access   |
      | {repeat:{scope} :40}     |

  @identityserver @rule:IS4-token-form-only
  Scenario Outline: IdentityServer answers a request that is not a form post with invalid_request
    When the client posts a client credentials request as "<content type>" with HTTP Basic
    Then the token endpoint must name the error "invalid_request"

    Examples:
      | content type                      |
      | application/json                  |
      | multipart/form-data; boundary=XyZ |
      | text/plain                        |
      |                                   |

  @identityserver @rule:IS4-token-form-only
  Scenario Outline: IdentityServer answers other methods with invalid_request
    When the client sends a client credentials request by <method>
    Then the token endpoint must name the error "invalid_request"

    Examples:
      | method |
      | GET    |
      | PUT    |
      | DELETE |

  # A 500 here is the failure looked for (@robustness), not a server error to set aside.
  @myid @robustness @rule:MyID-3.3-form-utf8
  Scenario: A form that is not UTF-8 is refused cleanly
    When the client sends a token request with HTTP Basic whose scope is not UTF-8
    Then the token endpoint must name the error "invalid_scope"

  # RFC 7523 §2.2 and OpenID Connect Core §9: a client that authenticates with a signed
  # assertion (private_key_jwt) instead of a shared secret, and the assertions a server
  # must not take. For MyID this is assumed: the manual shows shared secrets only, and
  # the mock takes assertions as IdentityServer4 does from a client with a key (a secret
  # of Type JWK).
  @requires:client.jwt @rule:RFC7523-2.2-client-auth
  Scenario: A client may authenticate with a signed assertion
    Given the client "jwt"
    When the client requests a token with a client assertion
    Then the token response is a success

  @requires:client.jwt @rule:OIDC-Core-9-assertion-once
  Scenario: A client assertion works once
    Given the client "jwt"
    When the client requests a token with a client assertion
    Then the token response is a success
    When the client sends the same client assertion again
    Then the token endpoint must answer with the error "invalid_client"

  @requires:client.jwt @rule:RFC7523-3-audience
  Scenario: A client assertion for another audience is invalid_client
    Given the client "jwt"
    When the client requests a token with a client assertion for the audience "https://elsewhere.example/token"
    Then the token endpoint must answer with the error "invalid_client"

  @requires:client.jwt @rule:RFC7523-3-expiry
  Scenario: An expired client assertion is invalid_client
    Given the client "jwt"
    When the client requests a token with a client assertion that expired an hour ago
    Then the token endpoint must answer with the error "invalid_client"

  @requires:client.jwt @rule:RFC7523-3-signature
  Scenario: A client assertion signed with another key is invalid_client
    Given the client "jwt"
    When the client requests a token with a client assertion signed with another key
    Then the token endpoint must answer with the error "invalid_client"
