import Foundation
import Testing
import PayCore
@testable import PayHTTP

@Suite("API request bodies and the error table")
struct APIBodyTests {
    func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        HTTPRequest(method: "POST", path: "/v1/orders", headers: contentType.map { ["content-type": $0] } ?? [:], body: Array(body.utf8))
    }

    func failure(_ body: () throws -> Void) -> APIFailure? {
        do { try body() } catch let failure as APIFailure { return failure } catch { Issue.record("not an APIFailure: \(error)") }
        return nil
    }

    @Test func aBodyNeedsTheJSONContentType() {
        for type in [nil, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"] as [String?] {
            let refused = failure { _ = try JSONFields.body(of: request("{}", contentType: type)) }
            #expect(refused?.status == 415, "\(type ?? "none")")
            #expect(refused?.code == "unsupported_media_type")
        }
        for type in ["application/json", "Application/JSON; charset=UTF-8"] {
            #expect(failure { _ = try JSONFields.body(of: request("{}", contentType: type)) } == nil, "\(type)")
        }
    }

    @Test func malformedJSONAndANonObjectAreMalformedJSON() {
        for body in ["{", "{\"a\":}", "[1,2]", "\"text\"", "nul"] {
            let refused = failure { _ = try JSONFields.body(of: request(body)) }
            #expect(refused?.status == 400, "\(body)")
            #expect(refused?.code == "malformed_json", "\(body)")
        }
    }

    @Test("a field named twice in one object is refused, however it is spelt; the same name in two objects is fine")
    func repeatedFieldsAreMalformed() {
        for body in [#"{"orderNo":"D1","amount":"1.00","amount":"999.00"}"#,
                     #"{"orderNo":"D1","amount":"1.00","\u0061mount":"999.00"}"#,
                     #"{"card":{"number":"4242","number":"4111"}}"#,
                     #"{"items":[{"name":"Tea"},{"name":"Bun","name":"Cake"}]}"#] {
            let refused = failure { _ = try JSONFields.body(of: request(body)) }
            #expect(refused?.code == "malformed_json", "\(body)")
        }
        for body in [#"{"a":{"name":"x"},"b":{"name":"y"},"c":"name,name"}"#, #"{"s":"\"a\":1,\"a\":2"}"#] {
            #expect(failure { _ = try JSONFields.body(of: request(body)) } == nil, "\(body)")
        }
    }

    @Test func fieldsOfTheWrongTypeMissingOrUnknownAreNamedByPath() throws {
        var fields = try JSONFields.body(of: request(#"{"orderNo": 12, "items": [{"name": "Tea", "quantity": 1.5}], "ammount": "1"}"#))
        #expect(failure { _ = try fields.string("orderNo") }?.param == "orderNo")
        var items = try fields.objects("items", limit: 10)
        #expect(failure { _ = try items[0].integer("quantity", in: 1...10) }?.param == "items[0].quantity")
        #expect(failure { _ = try items[0].string("unitPrice") }?.message == "items[0].unitPrice: required")
        let unknown = failure { try fields.finish() }
        #expect(unknown?.param == "ammount")
        #expect(unknown?.code == "invalid_parameter")
    }

    @Test func nullIsAbsentAndAnEmptyBodyIsAnEmptyObject() throws {
        var fields = try JSONFields.body(of: request(#"{"customerId": null}"#))
        #expect(try fields.optionalString("customerId") == nil)
        try fields.finish()
        var empty = try JSONFields.body(of: request("", contentType: nil))
        #expect(failure { _ = try empty.string("method") }?.param == "method")
    }

    @Test func serviceErrorsMapToTheirStatusTypeAndCode() {
        let table: [(PayError, Int, String, String)] = [
            (.usage("give one"), 400, "invalid_request_error", "bad_request"),
            (.invalidInput("amount '1.234': CNY has 2 decimal places"), 400, "invalid_request_error", "invalid_parameter"),
            (.declined("no"), 402, "payment_error", "payment_declined"),
            (.pending("called, then failed"), 202, "pending_error", "payment_unsettled"),
            (.notFound("order 'X' of retail: not found"), 404, "invalid_request_error", "resource_missing"),
            (.conflict("order 'X' is already paid"), 409, "invalid_request_error", "conflict"),
            (.notPermitted("may not"), 403, "permission_error", "forbidden"),
            (.internal("store: disk I/O error at /var/secret"), 500, "api_error", "internal_error"),
        ]
        for (error, status, type, code) in table {
            let failure = APIFailure.from(error, requestId: "abc")
            #expect(failure.status == status, "\(error.kind)")
            #expect(failure.type == type, "\(error.kind)")
            #expect(failure.code == code, "\(error.kind)")
        }
        let internalFailure = APIFailure.from(.internal("store: disk I/O error at /var/secret"), requestId: "abc")
        #expect(!internalFailure.message.contains("/var/secret"))
        #expect(internalFailure.message.contains("abc"))
        #expect(internalFailure.logDetail?.contains("/var/secret") == true)
    }

    @Test func theServicesArgumentNamesBecomeTheAPIsFields() {
        #expect(APIFailure.from(PayError.invalidInput("x").about("auth-code"), requestId: "").param == "authCode")
        #expect(APIFailure.from(PayError.usage("x").about("customer"), requestId: "").param == "customerId")
        #expect(APIFailure.from(PayError.usage("x").about("card PAN --expiry MM/YY --cvc CVC"), requestId: "").param == "card")
        #expect(APIFailure.from(PayError.invalidInput("x").about("amount"), requestId: "").param == "amount")
        #expect(APIFailure.from(PayError.invalidInput("x").failing(.wrongOneTimeCode), requestId: "").param == "otp")
        #expect(APIFailure.from(PayError.invalidInput("x"), requestId: "").param == nil)
    }
}
