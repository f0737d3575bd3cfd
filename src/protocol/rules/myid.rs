//! The MyID Core API manual (12.10), cited by section, and what the mock assumed where
//! the manual is silent. Both bind only the `myid` profile; an assumption judges as a
//! must only against the mock, which is where it was decided, and warns elsewhere.

use super::{Doc, Document, rules};

/// The MyID Core API manual, which comes with the product (no public link).
pub static MANUAL: Document = Document {
    key: "myid",
    title: "MyID Core API manual",
    url: None,
};

rules! { Doc::Product(&MANUAL);
    MYID_API_TOKEN = "MyID-5.1-api-token", "5.1", Must,
        "The Core API answers a call with a valid access token of its auth server, and refuses (401) one without, or with an invalid, expired or foreign one";
    MYID_REVOCATION_AT_API = "MyID-4.5-revocation-at-api", "4.5", Must,
        "A revoked access token that carries myid.rest.basic is refused by the Core API, and by the operation grant, from then on";
    MYID_REVOCATION_ENDS_GRANT = "MyID-4.5-revocation-ends-grant", "4.5", Must,
        "Revoking an access token ends its grant's refresh tokens too";
    MYID_PERMISSIONS = "MyID-2.2-permissions", "2.2", Must,
        "The API user's roles grant what it may do: without the permission the answer is 403 WS50000";
    MYID_SCOPE = "MyID-2.2.1-scope", "2.2.1", Must,
        "The API user sees only the people, requests and devices its roles' scope reaches; others are not found (WS40005)";
    MYID_WS_ERRORS = "MyID-8.8.6-ws-errors", "8.8.6", Must,
        "A refusal carries {message, code} with the WS code the manual documents for the case, and invalidField where it names one";
    MYID_WS50000_STATUS = "MyID-8.6.4-ws50000-status", "8.6.4", Must,
        "WS50000 is answered 403";
    MYID_PROBLEM_DETAILS = "MyID-8.10.7-problem-details", "8.10.7", Must,
        "A body that does not bind (not JSON, an empty image) gets 400 problem details (type, title, status, traceId)";
    MYID_UNSUPPORTED_MEDIA = "MyID-8.8-media-type", "8.8", Must,
        "Bodies are application/json-patch+json or application/json; another media type is 415";
    MYID_WORKED_EXAMPLE = "MyID-8.7-worked-example", "8.7–8.9", Must,
        "The manual's worked example works: groups are listed, a person is added (answered with its new id), found by logon name and renamed";
    MYID_PATCH = "MyID-8.9-patch", "8.9", Must,
        "PATCH /People/{id} changes the members given and keeps the rest; attributes MyID does not know are ignored (200)";
    MYID_IMAGES = "MyID-8.10-images", "8.10", Must,
        "A photo posted to a person is stored and read back byte for byte with its MIME type";
    MYID_REQUESTS = "MyID-8.11-requests", "8.11", Must,
        "A credential profile the person can receive can be requested; the request reads back with its target and profile, and is listed for the person and in /Requests";
    MYID_DEVICES = "MyID-8.13-devices", "8.13", Must,
        "A device's requests are the requests for that device";
    MYID_LINKS = "MyID-8.12-links", "8.12", Must,
        "A record's href and links lead to that record";
    MYID_PAGES_ONCE = "MyID-8.14-rows-once", "8.14", Must,
        "Walking a report's pages visits each row once";
    MYID_PAGES_ORDER = "MyID-8.14-order", "8.14", Must,
        "A report's rows keep the order order_by asks for, across pages";
    MYID_PAGES_NEXT = "MyID-8.14-next-page", "8.14", Must,
        "Each page with a successor links to it (nextPage, same order_by), the last links nowhere, and full pages are of one size";
    MYID_PAGES_PAST_END = "MyID-8.14-past-end", "8.14", Must,
        "A page past the end answers 200 with empty results";
    MYID_PAGES_SAME_ROWS = "MyID-8.14-same-rows", "8.14", Must,
        "The order does not change which rows a report has";
    MYID_DIRECTORIES = "MyID-7-directories", "7", Must,
        "Directories are read without their passwords, tested (WS40068, WS40069), updated and verified";
    MYID_OPERATION = "MyID-6.1-operation", "6.1", Must,
        "The operation grant trades a valid access token for a token naming one operation and one target (device, person or request), or the Select Security Device dialog (§6.2)";
    MYID_OPERATION_REFUSALS = "MyID-6.1-operation-refusals", "6.1", Must,
        "An operation request that is malformed (no op, no or several targets, an id that is not a GUID) is invalid_request, a bad or expired token invalid_grant, a scope the operation cannot have invalid_scope, a client not allowed the grant unsupported_grant_type";
    MYID_CORS = "MyID-4.1.3-cors", "4.1.3", Must,
        "Origins in MyID:Cors:AllowedOrigins may call the Core API (the preflight answered before authentication); others get no Access-Control-Allow-Origin";
    MYID_API_SCOPE_PUBLISHED = "MyID-3.3-api-scope", "3.3", Should,
        "The auth server's metadata lists the API scope myid.rest.basic";
    MYID_DOCUMENTATION = "MyID-2.1-documentation", "2.1", Must,
        "The Core API's OpenAPI description is served";
    MYID_SIGNED_IN_USER = "MyID-4.2-signed-in-user", "4.2", Must,
        "A signed-in person's token acts at the Core API with that person's roles; one without myid.rest.basic buys nothing there";
    MYID_FORM_UTF8 = "MyID-3.3-form-utf8", "3.3", Must,
        "A token request whose form is not UTF-8 is refused cleanly (invalid_scope), not with a server error";
}

/// What the mock decided where the manual is silent.
pub mod assumed {
    use super::super::{Doc, rules};
    use super::MANUAL;
    rules! { Doc::Assumed(&MANUAL);
        ASSUMED_WS_STATUS = "assumed-MyID-ws-status", "WS status codes", Must,
            "A WS error other than WS50000 is 400, except WS40005 (not found), which is 404";
        ASSUMED_CLOCK_SKEW = "assumed-MyID-clock-skew", "clock skew", Must,
            "The Core API and the operation grant accept a token within ASP.NET's five minutes of clock skew";
        ASSUMED_AUDIT_COLUMNS = "assumed-MyID-audit-columns", "audit report 290015", Must,
            "Report 290015 shows the CLIENT_IDENTIFIER of the grant request or the call in ClientIdentifier, numbered by AuditID";
        ASSUMED_REQUEST_STATUS = "assumed-MyID-request-status", "request status", Must,
            "A new request for a person who needs no validation starts Awaiting Issue";
        ASSUMED_OPERATION_LIFETIME = "assumed-MyID-operation-lifetime", "operation token lifetime", Must,
            "An operation token lives at most the MyID Client Service client's AccessTokenLifetime (300 s)";
        ASSUMED_USERINFO_NAME = "assumed-MyID-userinfo-name", "userinfo claims", Must,
            "With profile granted, userinfo gives the person's name as the seed data has it";
    }
}

pub use assumed::*;

/// Every MyID rule, the manual's and the assumed.
pub static ALL: &[&[&super::Rule]] = &[RULES, assumed::RULES];
