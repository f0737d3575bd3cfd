@auth @operation @myid @requires:client.mcs @rule:MyID-6.1-operation
Feature: The operation extension grant
  The MyID Client Service trades an access token for a short-lived token that allows
  one operation on one device, person or request, or opens the Select Security Device
  dialog (MyID manual §6).

  Background:
    Given the client "service" has an access token

  Scenario: An operation token for one device (manual §6.1)
    When the client "mcs" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | token    | {access_token}                       |
    Then the token response is a success
    And the response must not be cached
    And the granted scope must be "myid.operation"
    And the token must live at most 300 seconds
    And the access token must verify with a key published through discovery
    And the access token must carry "op" = "297"
    And the access token must carry "deviceId" = "0F2B5C3D-1A2B-4C3D-8E9F-001122334455"

  Scenario: A token for the Select Security Device dialog (manual §6.2)
    When the client "mcs" asks for an operation token with:
      | op                  | 100221            |
      | scope               | myid.devicepicker |
      | deviceDetectContext |                   |
      | token               | {access_token}    |
    Then the token response is a success
    And the access token must carry "op" = "100221"

  @rule:MyID-6.1-operation-refusals
  Scenario Outline: Refusals name what is wrong
    When the client "mcs" asks for an operation token with:
      | op       | <op>       |
      | scope    | <scope>    |
      | <target> | <id>       |
      | token    | <token>    |
    Then the token endpoint must name the error "<error>"

    Examples:
      | op     | scope             | target    | id                                   | token          | error          |
      | 297    | myid.operation    | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 | not.a.token    | invalid_grant  |
      | 297    | myid.operation    | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |                | invalid_request |
      | 999999 | myid.operation    | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 | {access_token} | invalid_request |
      |        | myid.operation    | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 | {access_token} | invalid_request |
      | 297    | myid.operation    | note      | nothing                              | {access_token} | invalid_request |
      | 297    | myid.operation    | deviceId  | not-a-guid                           | {access_token} | invalid_request |
      | 297    | myid.devicepicker | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 | {access_token} | invalid_scope  |
      | 297    | myid.rest.basic   | deviceId  | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 | {access_token} | invalid_scope  |

  @rule:MyID-6.1-operation-refusals
  Scenario: Exactly one target
    When the client "mcs" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | personId | 6A3F2B1C-8D4E-4F5A-9B6C-7D8E9F0A1B2C |
      | token    | {access_token}                       |
    Then the token endpoint must name the error "invalid_request"

  # Past its lifetime and the five minutes of clock skew any JWT validator may allow.
  @rule:MyID-6.1-operation-refusals
  Scenario: An expired access token buys nothing
    When the access token lifetime passes
    And 300 seconds pass
    And the client "mcs" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | token    | {access_token}                       |
    Then the token endpoint must name the error "invalid_grant"

  # IdentityServer's token validator allows ASP.NET's five minutes of clock skew; the
  # manual does not say MyID's operation validator uses it.
  @assumed @rule:assumed-MyID-clock-skew
  Scenario: A token just past its lifetime still buys an operation within the clock skew
    When the access token lifetime passes
    And the client "mcs" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | token    | {access_token}                       |
    Then the token response is a success

  @rule:MyID-6.1-operation-refusals
  Scenario: Only clients allowed the grant may use it
    When the client "service" asks for an operation token with:
      | op       | 297                                  |
      | scope    | myid.operation                       |
      | deviceId | 0F2B5C3D-1A2B-4C3D-8E9F-001122334455 |
      | token    | {access_token}                       |
    Then the token endpoint must name the error "unsupported_grant_type"
