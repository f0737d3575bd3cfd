@api @links @myid @requires:seed_data @rule:MyID-8.12-links
Feature: The API's links lead somewhere
  Listings name each record's own URL in href (groups/{id}, credprofiles/{id},
  people/{id}); those, and a device's own URL, answer with the record (MyID manual
  §8.7, §8.12).

  Background:
    Given the client "service" has an access token

  Scenario: A group's href reads the group
    When the client calls GET "/api/Groups?q=*"
    And the client remembers the "id" of the result whose "name" is "Finance" as "finance"
    And the client calls GET "/api/Groups/{finance}"
    Then the API must answer with status 200
    And the response "name" must be "Finance"
    And the response "href" must be "groups/{finance}"

  Scenario: A credential profile's href reads the profile
    When the client calls GET "/api/CredProfiles/177732B8-ED11-497A-AFA3-73A8C0E79964"
    Then the API must answer with status 200
    And the response "name" must be "Smart Card"

  Scenario: A device reads with a link to its owner
    When the client calls GET "/api/Devices/C47C923E-802E-5296-9723-33453B77C4A3"
    Then the API must answer with status 200
    And the response "sn" must be "04000002"
    And the response "owner.href" must be "people/ECB2481E-C0E8-5904-8A92-3418F101CBDB"

  @rule:MyID-8.8.6-ws-errors
  Scenario: An unknown group is WS40005
    When the client calls GET "/api/Groups/00000000-0000-0000-0000-000000000000"
    Then the API must answer with the error "WS40005"
