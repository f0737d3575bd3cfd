@api @directories @requires:seed_data @rule:MyID-7-directories
Feature: Managing directories
  Directory connections are listed and read without their passwords, tested with new
  settings, updated and verified (MyID manual chapter 7).

  Background:
    Given the client "service" has an access token
    When the client calls GET "/api/Dirs"
    And the client remembers the "id" of the result whose "name" is "PIV ADS" as "dir"

  Scenario: Directories never show their password
    Then the API must answer with status 200
    And the results must not include one whose "password" is "directory-password"
    When the client calls GET "/api/Dirs/{dir}"
    Then the API must answer with status 200
    And the response "name" must be "PIV ADS"
    And the response "password" must be "null"

  Scenario: Testing the current settings passes
    When the client calls POST "/api/Dirs/{dir}/test" with the content type "application/json" and:
      """
      {}
      """
    Then the API must answer with status 200

  Scenario: A wrong password fails the test with WS40068
    When the client calls POST "/api/Dirs/{dir}/test" with the content type "application/json" and:
      """
      {"password": "12345678"}
      """
    Then the API must answer with the error "WS40068"

  Scenario Outline: Settings that cannot locate a server fail with WS40069
    When the client calls POST "/api/Dirs/{dir}/test" with the content type "application/json" and:
      """
      <settings>
      """
    Then the API must answer with the error "WS40069"

    Examples:
      | settings        |
      | {"host": ""}    |
      | {"port": "0"}   |
      | {"port": "x"}   |

  @mutating
  Scenario: Updating, then verifying
    When the client calls PATCH "/api/Dirs/{dir}/update" with the content type "application/json" and:
      """
      {"name": "PIV ADS", "description": "Renamed by {unique}"}
      """
    Then the API must answer with status 200
    And the response "description" must be "Renamed by {unique}"
    When the client calls GET "/api/Dirs/{dir}"
    Then the response "description" must be "Renamed by {unique}"
    When the client calls POST "/api/Dirs/{dir}/verify"
    Then the API must answer with status 200
