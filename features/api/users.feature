@api @users @myid @requires:login @requires:client.spa @requires:seed_data @rule:MyID-4.2-signed-in-user
Feature: A signed-in person's token at the Core API
  Chapter 4 of the MyID manual is about calling the API as a person: the access token
  from the code flow carries their sub, and the API acts with that person's roles — the
  permissions they grant and the scope they reach (§2.2) — as it does with a system's
  MyIDLogonName. Revoking the person's token ends it at the API (§4.5). The shipped
  person is test.user: Cardholder (self) and Personnel (division) in Engineering.

  Scenario: The API answers as the signed-in person (manual §4.2)
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client calls GET "/api/People?q=*"
    Then the API must answer with status 200
    And the results must include one whose "logonName" is "test.user"
    And every result's "group.id" must be "5E6F7A8B-9C0D-4E1F-A2B3-C4D5E6F7A8B9"

  @rule:MyID-2.2.1-scope
  Scenario: Someone outside the person's division is not found (manual §2.2.1)
    Given the client "service" has an access token
    When the client calls GET "/api/People?logonName=api.limited"
    And the client remembers the "id" of the result whose "logonName" is "api.limited" as "outsider"
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client calls GET "/api/People/{outsider}"
    Then the API must answer with the error "WS40005"

  @rule:MyID-2.2-permissions
  Scenario: A permission none of the person's roles grants is refused (manual §2.2)
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client calls GET "/api/Dirs"
    Then the API must answer with the error "WS50000"

  @rule:MyID-4.5-revocation-at-api
  Scenario: A revoked person's token is refused from then on (manual §4.5)
    Given the client "spa"
    When the user signs in and authorizes the client
    And the client exchanges the code
    And the client revokes its access token
    And the client calls GET "/api/People?q=*"
    Then the API must refuse the token as invalid_token

  Scenario: A sign-in without the API's scope buys nothing there (manual §4.2)
    Given the client "spa"
    When the client sends the user to authorize with OpenID and:
      | scope | openid |
    And the client exchanges the code
    And the client calls GET "/api/People?q=*"
    Then the API must refuse the token as invalid_token
