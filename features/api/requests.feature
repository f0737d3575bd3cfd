@api @requests @rule:MyID-8.11-requests
Feature: Photos, credential profiles, requests and devices
  The rest of the manual's worked example (§8.10–8.13): upload a photo and read it
  back, list the credential profiles a person can receive, request a device, follow
  the request, and use its MyID Client Service link.

  Background:
    Given the client "service" has an access token
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"

  @mutating @rule:MyID-8.10-images
  Scenario: A photo is stored and returned with its MIME type (manual §8.10)
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "photo.{unique}", "name": {"first": "Photo", "last": "Person"}, "group": {"id": "{finance}"},
       "roles": [{"id": "Cardholder", "scope": "self"}]}
      """
    And the client remembers the response "id" as "person"
    And the client uploads a photo for "{person}"
    Then the API must return the uploaded photo with its MIME type
    When the client calls GET "/api/People/{person}/images/photo"
    Then the API must return the uploaded photo with its MIME type

  @mutating @rule:MyID-8.10.7-problem-details
  Scenario: An empty image is refused with problem details
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "empty.{unique}", "name": {"first": "Empty"}, "group": {"id": "{finance}"}}
      """
    And the client remembers the response "id" as "person"
    And the client uploads an empty image for "{person}"
    Then the API must answer with problem details

  @mutating
  Scenario: Request a device and follow the request (manual §8.11–8.13)
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "card.{unique}", "name": {"first": "Card", "last": "Holder"}, "group": {"id": "{finance}"},
       "roles": [{"id": "Cardholder", "scope": "self"}], "contact": {"emailAddress": "card.{unique}@example.com"},
       "account": {"dn": "cn=Card Holder,ou=Finance,dc=example,dc=com"}}
      """
    And the client remembers the response "id" as "person"
    And the client calls GET "/api/People/{person}/credProfiles?canReceive=true&canRequest=me"
    Then the API must answer with status 200
    And the results must include one whose "name" is "Smart Card"
    When the client remembers the "id" of the result whose "name" is "Smart Card" as "profile"
    And the client calls POST "/api/people/{person}/requests" with:
      """
      {"credProfile": {"id": "{profile}"}, "jobLabel": "Core API request {unique}", "expiryDate": "2030-12-25"}
      """
    Then the API must answer with status 200
    When the client remembers the response "id" as "request"
    And the client calls GET "/api/requests/{request}"
    Then the API must answer with status 200
    And the response "status" must be "Awaiting Issue", as assumed
    And the response "target.id" must be "{person}"
    And the response "credProfile.name" must be "Smart Card"
    When the client calls GET "/api/People/{person}/requests"
    Then the results must include one whose "id" is "{request}"
    When the client calls GET "/api/Requests"
    Then the results must include one whose "id" is "{request}"

  @mutating @myid @requires:client.mcs @rule:MyID-6.1-operation
  Scenario: A request's MyID Client Service link buys an operation token (manual §6.1)
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "link.{unique}", "name": {"first": "Link"}, "group": {"id": "{finance}"},
       "roles": [{"id": "Cardholder", "scope": "self"}]}
      """
    And the client remembers the response "id" as "person"
    And the client calls GET "/api/People/{person}/credProfiles?canReceive=true&canRequest=me"
    And the client remembers the "id" of the result whose "name" is "Smart Card" as "profile"
    And the client calls POST "/api/people/{person}/requests" with:
      """
      {"credProfile": {"id": "{profile}"}, "jobLabel": "link"}
      """
    And the client remembers the response "id" as "request"
    And the client calls GET "/api/requests/{request}"
    And the client "mcs" follows the response's "Assisted Activation" link for the MyID Client Service
    Then the token response is a success
    And the access token must carry "requestId" = "{request}"

  @requires:seed_data @rule:MyID-8.13-devices
  Scenario: A completed request shows its device, and the device its requests
    When the client calls GET "/api/Requests"
    And the client remembers the "device.id" of the result whose "status" is "Completed" as "device"
    And the client calls GET "/api/Devices/{device}/requests"
    Then the API must answer with status 200
    And every result's "device.id" must be "{device}"

  @rule:MyID-8.8.6-ws-errors
  Scenario: An unknown device is WS40005
    When the client calls GET "/api/Devices/00000000-0000-0000-0000-000000000000/requests"
    Then the API must answer with the error "WS40005"

  @mutating @requires:seed_data @rule:MyID-8.8.6-ws-errors
  Scenario Outline: MyID refuses requests it cannot fulfil
    When the client calls POST "/api/People?confirm=false" with:
      """
      {"logonName": "<who>.{unique}", "name": {"first": "R"}, "group": {"id": "{finance}"}, "roles": [{"id": "<role>", "scope": "self"}]}
      """
    And the client remembers the response "id" as "person"
    And the client calls GET "/api/People/{person}/credProfiles"
    And the client remembers the "id" of the result whose "name" is "<profile>" as "profile"
    And the client calls POST "/api/people/{person}/requests" with:
      """
      {"credProfile": {"id": "{profile}"}, "jobLabel": "refused"}
      """
    Then the API must answer with the error "<code>"

    Examples:
      | who       | role       | profile              | code    |
      | restrict  | Cardholder | Restricted Token     | WS50008 |
      | nohold    | Personnel  | Smart Card           | WS50011 |
      | nodn      | Cardholder | Directory Smart Card | WS50017 |
      | noface    | Cardholder | PIV Card             | WS50034 |
      | nodata    | Cardholder | Mobile Identity      | WS50016 |

  @rule:MyID-8.8.6-ws-errors
  Scenario: A request id that is not a GUID is WS30001
    When the client calls GET "/api/Requests/42"
    Then the API must answer with the error "WS30001"
