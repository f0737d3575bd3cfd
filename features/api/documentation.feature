@api @documentation @requires:swagger @rule:MyID-2.1-documentation
Feature: The API documentation
  MyID serves a Swagger (OpenAPI) description of its Core API (manual §2.1).

  Scenario: The OpenAPI document is served
    Given the client "service"
    When the client calls GET "/swagger/v1/swagger.json" without a token
    Then the API must answer with status 200
    And the response "info.title" must be "MyID Core API (mock)"
