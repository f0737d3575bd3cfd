@api @errors @rule:MyID-8.8.6-ws-errors
Feature: MyID's error codes
  Every error body is {"message", "code", "invalidField"?, "invalidFieldReason"?} with
  the WS code the manual documents (§8.8.6, §8.13.6); bodies that do not bind get
  ASP.NET problem details (§8.10.7).

  Background:
    Given the client "service" has an access token
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"

  Scenario: An id that is not a GUID is WS30001
    When the client calls GET "/api/People/not-a-guid"
    Then the API must answer with the error "WS30001"

  Scenario: An unknown id is WS40005
    When the client calls GET "/api/People/00000000-0000-0000-0000-000000000000"
    Then the API must answer with the error "WS40005"

  @mutating
  Scenario Outline: Adding a person checks what MyID requires
    When the client calls POST "/api/People?confirm=false" with:
      """
      <body>
      """
    Then the API must answer with the error "<code>" for the field "<field>"

    Examples:
      | body                                                                                                                  | code    | field      |
      | {"name": {"first": "No", "last": "Logon"}, "group": {"id": "{finance}"}}                                               | WS30015 | logonName  |
      | {"logonName": "noname.{unique}", "name": {"title": "Mr"}, "group": {"id": "{finance}"}}                                | WS30017 | name.first |
      | {"logonName": "badrole.{unique}", "name": {"first": "B"}, "group": {"id": "{finance}"}, "roles": [{"id": "No Such Role", "scope": "self"}]} | WS30004 | roles |
      | {"logonName": "badscope.{unique}", "name": {"first": "B"}, "group": {"id": "{finance}"}, "roles": [{"id": "Cardholder", "scope": "galaxy"}]} | WS30004 | roles |
      | {"logonName": "badgroup.{unique}", "name": {"first": "B"}, "group": {"id": "not-a-guid"}}                              | WS30001 | group.id   |

  @mutating
  Scenario: A group that does not exist is WS40005
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "nogroup.{unique}", "name": {"first": "No"}, "group": {"id": "00000000-0000-0000-0000-000000000000"}}
      """
    Then the API must answer with the error "WS40005"

  @rule:MyID-8.10.7-problem-details
  Scenario Outline: A body that is not a JSON object gets problem details
    When the client calls POST "/api/People?confirm=false" with:
      """
      <body>
      """
    Then the API must answer with problem details

    Examples:
      | body         |
      | not json     |
      | [1, 2, 3]    |
      | {"unclosed": |

  @rule:MyID-8.8-media-type
  Scenario: A body that is not JSON at all is 415
    When the client calls POST "/api/People?confirm=false" with the content type "text/plain" and:
      """
      logonName=x
      """
    Then the API must answer with status 415
