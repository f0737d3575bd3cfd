@api @scope @requires:client.limited @rule:MyID-2.2.1-scope
Feature: Role scope limits what the API user sees
  The API user sees only the people its roles' scope reaches: itself, its department,
  its division or everyone (MyID manual §2.2.1, §3.1.3).

  @requires:seed_data
  Scenario: A department-scoped user sees only its own group
    Given the client "limited" has an access token
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"
    And the client calls GET "/api/People?q=*"
    Then the API must answer with status 200
    And every result's "group.id" must be "{finance}"

  @requires:seed_data
  Scenario: A person outside the scope is not found
    Given the client "service" has an access token
    When the client calls GET "/api/People?logonName=test.user"
    And the client remembers the "id" of the result whose "logonName" is "test.user" as "outsider"
    Given the client "limited" has an access token
    When the client calls GET "/api/People/{outsider}"
    Then the API must answer with the error "WS40005"

  @requires:seed_data
  Scenario: An all-scoped user sees every department
    Given the client "service" has an access token
    When the client calls GET "/api/People?q=*"
    Then the results must include one whose "logonName" is "test.user"
    And the results must include one whose "logonName" is "api.limited"
