@auth @cors @requires:cors
Feature: CORS on the auth server
  Browser applications on other origins call the token, revocation and discovery
  endpoints when the server allows their origin (the target file's allowed_origin: for
  IdentityServer, one in a client's AllowedCorsOrigins). No RFC asks a server to refuse
  other origins; IdentityServer does. The authorization endpoint is navigated to, never
  fetched, so it answers no CORS request at all (RFC 9700 §2.6).

  Scenario Outline: A preflight from an allowed origin is answered
    When a page at the allowed origin sends a preflight to the <endpoint>
    Then the response must allow the allowed origin

    Examples:
      | endpoint            |
      | token endpoint      |
      | revocation endpoint |
      | discovery document  |

  Scenario: A request from an allowed origin carries the allow header
    When a page at the allowed origin fetches the discovery document
    Then the response must allow the allowed origin

  @identityserver @rule:IS4-cors-policy
  Scenario Outline: Other origins are not allowed
    When a page at the disallowed origin sends a preflight to the <endpoint>
    Then the response must not allow the disallowed origin

    Examples:
      | endpoint            |
      | token endpoint      |
      | discovery document  |

  @identityserver @rule:IS4-cors-policy
  Scenario: A fetch from another origin gets no allow header
    When a page at the disallowed origin fetches the discovery document
    Then the response must not allow the disallowed origin

  @rule:RFC9700-2.6-no-authorize-cors
  Scenario: The authorize endpoint is not a CORS endpoint
    When a page at the allowed origin sends a preflight to the authorize endpoint
    Then the response must not allow the allowed origin
