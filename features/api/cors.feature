@api @cors @myid @requires:cors @rule:MyID-4.1.3-cors
Feature: CORS on the Core API
  A browser application on another origin calls rest.core when that origin is in
  MyID:Cors:AllowedOrigins (manual §4.1.3): the preflight is answered before the API
  asks for a token, and the call itself carries the allow header. An origin not listed
  (or listed as a URL, with a trailing slash) is what the manual's troubleshooting
  entry shows: the browser finds no Access-Control-Allow-Origin.

  Scenario: A preflight from an allowed origin is answered before authentication
    When a page at the allowed origin sends a preflight to the Core API
    Then the response must allow the allowed origin

  Scenario: A call from an allowed origin carries the allow header
    Given the client "service" has an access token
    When a page at the allowed origin calls the Core API with the client's access token
    Then the API must answer with status 200
    And the response must allow the allowed origin

  Scenario: Another origin's preflight is not allowed (manual §4.1.3.1)
    When a page at the disallowed origin sends a preflight to the Core API
    Then the response must not allow the disallowed origin

  Scenario: Another origin's call gets no allow header (manual §4.1.3.1)
    Given the client "service" has an access token
    When a page at the disallowed origin calls the Core API with the client's access token
    Then the response must not allow the disallowed origin
