@api @mutating @rule:MyID-8.7-worked-example
Feature: The manual's worked example
  What an integrator tries first (MyID manual chapter 8): list the groups, add Susan
  Smith, find her by logon name and rename her.

  Background:
    Given the client "service" has an access token

  Scenario: Groups, then add, find and rename a person (manual §8.7–8.9)
    When the client calls GET "/api/Groups?q=*"
    Then the API must answer with status 200
    And the results must include one whose "name" is "Finance"
    When the client remembers the "id" of the result whose "name" is "Finance" as "finance"
    And the client calls POST "/api/People?confirm=false" with:
      """
      {
        "account": {"cn": "Susan Smith", "dn": "cn=Susan Smith, o=example, c=us", "domain": "example",
                    "ou": "ou=example, c=us", "samAccountName": "Susan Smith", "sysLogonName": "Susan Smith",
                    "upn": "susan.smith.{unique}@example.com"},
        "contact": {"emailAddress": "susan.smith.{unique}@example.com"},
        "employeeId": "11223344",
        "enabled": "1",
        "name": {"first": "Susan", "last": "Smith", "title": "Ms"},
        "group": {"id": "{finance}"},
        "logonName": "susan.smith.{unique}",
        "roles": [{"id": "Cardholder", "scope": "self"}],
        "personal": {"dateOfBirth": "1970-01-01"}
      }
      """
    Then the API must answer with status 200
    And the response "name.first" must be "Susan"
    When the client remembers the response "id" as "susan"
    And the client calls GET "/api/People?logonName=susan.smith.{unique}"
    Then the API must answer with status 200
    And the results must include one whose "id" is "{susan}"
    When the client calls PATCH "/api/People/{susan}?confirm=false" with:
      """
      {"name": {"last": "Jones"}}
      """
    Then the API must answer with status 200
    And the response "name.last" must be "Jones"
    When the client calls GET "/api/people/{susan}"
    Then the API must answer with status 200
    And the response "name.last" must be "Jones"
    And the response "name.first" must be "Susan"

  @myid @rule:MyID-8.9-patch
  Scenario: PATCH ignores attributes MyID does not know, with 200
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"
    And the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "patch.me.{unique}", "name": {"first": "Patch", "last": "Me"}, "group": {"id": "{finance}"}}
      """
    And the client remembers the response "id" as "person"
    And the client calls PATCH "/api/People/{person}?confirm=false" with:
      """
      {"shoeSize": "44", "name": {"nickname": "P", "title": "Dr"}}
      """
    Then the API must answer with status 200
    And the response "name.title" must be "Dr"
    And the response "name.first" must be "Patch"

  @rule:MyID-8.8-media-type
  Scenario: The body may also be application/json
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"
    And the client calls POST "/api/People?confirm=false" with the content type "application/json" and:
      """
      {"logonName": "json.body.{unique}", "name": {"first": "Json", "last": "Body"}, "group": {"id": "{finance}"}}
      """
    Then the API must answer with status 200
