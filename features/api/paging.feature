@api @paging
Feature: Paged reports
  Reports come a page at a time; each page with a successor links to it with a
  nextPage link, and past the end the results are empty (MyID manual §8.14).
  A walk judges the pages of data that holds still: against a shared server it runs
  alone (@serial), since rows added meanwhile shift later pages.

  Background:
    Given the client "service" has an access token

  @serial
  Scenario: Walking the requests report (100406)
    When the client walks every page of report "100406" ordered by "InitiationDate"
    Then the pages must hold every row once, by "RequestID", in "InitiationDate" order, linked page to page
    And the page after the last must be empty

  @serial
  Scenario: The order does not change which rows there are
    When the client walks every page of report "100406" ordered by "InitiationDate"
    And the client walks every page of report "100406" ordered by "-InitiationDate"
    Then the pages must hold every row once, by "RequestID", in "-InitiationDate" order, linked page to page
    And the two walks must visit the same rows, by "RequestID"

  @rule:MyID-8.8.6-ws-errors
  Scenario Outline: A page number must be a whole number from 1
    When the client calls GET "/api/Reports/100406?page=<page>"
    Then the API must answer with the error "WS30001" for the field "page"

    Examples:
      | page |
      | 0    |
      | -1   |
      | abc  |
      | 1.5  |

  @requires:seed_data @rule:MyID-8.8.6-ws-errors
  Scenario: An unknown report is WS40005
    When the client calls GET "/api/Reports/999999?page=1"
    Then the API must answer with the error "WS40005"

  # The manual puts the client identifier on the grant request and says the audit
  # keeps it (§3.3.2), but not under which column the report shows it.
  @assumed @rule:assumed-MyID-audit-columns
  Scenario: The audit report records the client identifier of the grant request (290015)
    Given the client "service" has an access token requested with the header "CLIENT_IDENTIFIER: ci-{unique}"
    When the client calls GET "/api/Groups?q=*"
    And the client walks every page of report "290015" ordered by "AuditID"
    Then the walked rows must include one whose "ClientIdentifier" is "ci-{unique}"

  # Nor does it say rest.core reads the header on API calls too: the mock does.
  @assumed @rule:assumed-MyID-audit-columns
  Scenario: An identifier sent with an API call is recorded for that call (290015)
    When the client calls GET "/api/Groups?q=*" with the header "CLIENT_IDENTIFIER: call-{unique}"
    And the client walks every page of report "290015" ordered by "AuditID"
    Then the walked rows must include one whose "ClientIdentifier" is "call-{unique}"

  # Nor does it name the audit's columns: an AuditID numbering its rows is assumed. A
  # walk by AuditID lets each audited call (the walk's own among them) join at the end.
  @assumed @serial
  Scenario: Walking the audit report holds each audited call once, in AuditID order (290015)
    When the client calls GET "/api/Groups?q=*"
    And the client calls GET "/api/Groups?q=*"
    And the client walks every page of report "290015" ordered by "AuditID"
    Then the pages must hold every row once, by "AuditID", in "AuditID" order, linked page to page
