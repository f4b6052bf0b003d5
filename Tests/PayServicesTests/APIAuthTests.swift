import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// A service fixture with the `retail` line's first API secret made, and a signer.
private final class APIAuthFixture {
    let fixture: ServiceFixture
    let secret: String
    let line = try! BusinessLineCode("retail")

    init() throws {
        fixture = try ServiceFixture()
        secret = try APISecrets(fixture.context).rotate(line: line).secret
    }

    var context: ServiceContext { fixture.context }
    var nowSeconds: Int64 { fixture.context.now.seconds }

    func headers(secret: String? = nil, timestamp: Int64? = nil, method: String = "POST", path: String = "/v1/orders",
                 body: String = #"{"orderNo":"A1","amount":"12.00"}"#, line: String = "retail") -> [String: String] {
        let signature = APIRequestSignature.sign(secret: secret ?? self.secret, timestamp: timestamp ?? nowSeconds,
                                                 method: method, path: path, body: Array(body.utf8))
        return ["paydesk-signature": signature, "paydesk-business": line, "content-type": "application/json"]
    }

    @discardableResult
    func authenticate(_ headers: [String: String], method: String = "POST", path: String = "/v1/orders",
                      body: String = #"{"orderNo":"A1","amount":"12.00"}"#) throws(APIAuthError) -> APICaller {
        try APIAuthenticator(context).authenticate(method: method, path: path, headers: headers, body: Array(body.utf8),
                                                   remote: "127.0.0.1")
    }

    /// The code of the refusal, or nil when it was accepted.
    func refusal(_ headers: [String: String], method: String = "POST", path: String = "/v1/orders",
                 body: String = #"{"orderNo":"A1","amount":"12.00"}"#) -> String? {
        do {
            try authenticate(headers, method: method, path: path, body: body)
            return nil
        } catch {
            return error.code
        }
    }

    func nonceCount() throws -> Int64 {
        try context.store.db.scalarInt("SELECT count(*) FROM api_nonces") ?? -1
    }
}

@Suite("API request signatures")
struct APIAuthTests {
    @Test("a request signed with the line's secret is the line's service caller, and its nonce is kept")
    func goodSignature() throws {
        let auth = try APIAuthFixture()
        let caller = try auth.authenticate(auth.headers())
        #expect(caller.line == auth.line)
        #expect(caller.actor == Actor(name: "api:retail", role: .service, origin: "api 127.0.0.1"))
        #expect(try auth.nonceCount() == 1)
    }

    @Test("the signature covers the body, the method and the path with its query")
    func tampering() throws {
        let auth = try APIAuthFixture()
        let headers = auth.headers(path: "/v1/orders?limit=5")
        #expect(auth.refusal(headers, path: "/v1/orders?limit=5", body: #"{"orderNo":"A1","amount":"99.00"}"#) == "signature_invalid")
        #expect(auth.refusal(headers, method: "PUT", path: "/v1/orders?limit=5") == "signature_invalid")
        #expect(auth.refusal(headers, path: "/v1/orders?limit=500") == "signature_invalid")
        #expect(auth.refusal(headers, path: "/v1/orders") == "signature_invalid")
        #expect(try auth.nonceCount() == 0, "nothing is recorded for a signature that did not verify")
        #expect(auth.refusal(headers, path: "/v1/orders?limit=5") == nil)
    }

    @Test("a signature made with another secret is refused")
    func wrongSecret() throws {
        let auth = try APIAuthFixture()
        #expect(auth.refusal(auth.headers(secret: "pdsk_not-the-secret")) == "signature_invalid")
        let other = try APIAuthFixture()
        #expect(auth.refusal(auth.headers(secret: other.secret)) == "signature_invalid")
        #expect(try auth.nonceCount() == 0)
    }

    @Test("timestamps more than 300 s old or ahead are refused; at 300 s either way they pass")
    func window() throws {
        let auth = try APIAuthFixture()
        let now = auth.nowSeconds
        #expect(auth.refusal(auth.headers(timestamp: now - 301)) == "signature_expired")
        #expect(auth.refusal(auth.headers(timestamp: now + 301)) == "signature_expired")
        #expect(auth.refusal(auth.headers(timestamp: 0)) == "signature_expired")
        #expect(try auth.nonceCount() == 0)
        #expect(auth.refusal(auth.headers(timestamp: now - 300)) == nil)
        #expect(auth.refusal(auth.headers(timestamp: now + 300)) == nil)
    }

    @Test("the window follows the store's clock")
    func storeClock() throws {
        let auth = try APIAuthFixture()
        let signedNow = auth.headers()
        try auth.fixture.advance("6m")
        #expect(auth.refusal(signedNow) == "signature_expired")
        #expect(auth.refusal(auth.headers()) == nil)
    }

    @Test("a replayed request is refused by the nonce table's key, also after other requests")
    func replay() throws {
        let auth = try APIAuthFixture()
        let headers = auth.headers()
        #expect(auth.refusal(headers) == nil)
        #expect(auth.refusal(auth.headers(path: "/v1/orders/A1", body: ""), path: "/v1/orders/A1", body: "") == nil)
        #expect(auth.refusal(headers) == "signature_replayed")
        // The refusal rests on the primary key: the repository's insert itself says no.
        let store = auth.context.store
        let again = try store.write {
            try store.apiSecrets.recordNonce(auth.line, signature: APIAuthenticator.nonce(timestamp: auth.nowSeconds, method: "POST",
                                                                                        path: "/v1/orders", body: Array(#"{"orderNo":"A1","amount":"12.00"}"#.utf8)),
                                             expiresAt: auth.context.now.adding(milliseconds: 1000))
        }
        #expect(again == false)
    }

    @Test("a look-up (GET) may be sent twice with one signature, a change (POST) may not; reads record no nonce")
    func readsAreNotSingleUse() throws {
        let auth = try APIAuthFixture()
        let get = auth.headers(method: "GET", path: "/v1/orders/A1", body: "")
        #expect(auth.refusal(get, method: "GET", path: "/v1/orders/A1", body: "") == nil)
        #expect(auth.refusal(get, method: "GET", path: "/v1/orders/A1", body: "") == nil)
        #expect(try auth.nonceCount() == 0)
        let post = auth.headers()
        #expect(auth.refusal(post) == nil)
        #expect(auth.refusal(post) == "signature_replayed")
        #expect(try auth.nonceCount() == 1)
    }

    @Test("during a rotation a request signed under both secrets is single-use whichever v1 it carries")
    func replayUnderTheOtherSecret() throws {
        let auth = try APIAuthFixture()
        let newer = try APISecrets(auth.context).rotate(line: auth.line).secret
        let old = auth.headers()
        let new = auth.headers(secret: newer)
        let oldV1 = String(old["paydesk-signature"]!.split(separator: ",")[1])
        let newV1 = String(new["paydesk-signature"]!.split(separator: ",")[1])
        let t = "t=\(auth.nowSeconds)"
        var both = old
        both["paydesk-signature"] = "\(t),\(oldV1),\(newV1)"
        #expect(auth.refusal(both) == nil)
        #expect(auth.refusal(new) == "signature_replayed", "the same request under its other v1")
        #expect(auth.refusal(old) == "signature_replayed")
    }

    @Test("a GET the caller marks single-use (it asks the channel) is refused the second time")
    func singleUseReads() throws {
        let auth = try APIAuthFixture()
        let get = auth.headers(method: "GET", path: "/v1/orders/A1?refresh=true", body: "")
        func refresh() -> String? {
            do {
                _ = try APIAuthenticator(auth.context).authenticate(method: "GET", path: "/v1/orders/A1?refresh=true", headers: get,
                                                                body: [], remote: "127.0.0.1", singleUse: true)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(refresh() == nil)
        #expect(refresh() == "signature_replayed")
    }

    @Test("nonces leave the table once their window is over")
    func pruning() throws {
        let auth = try APIAuthFixture()
        try auth.authenticate(auth.headers())
        try auth.authenticate(auth.headers(path: "/v1/orders/A1", body: ""), path: "/v1/orders/A1", body: "")
        #expect(try auth.nonceCount() == 2)
        try auth.fixture.advance("11m")
        try auth.authenticate(auth.headers())
        #expect(try auth.nonceCount() == 1)
    }

    @Test("during a rotation both secrets verify; after the overlap the old one is refused")
    func rotation() throws {
        let auth = try APIAuthFixture()
        let old = auth.secret
        let rotation = try APISecrets(auth.context).rotate(line: auth.line, overlap: 3_600_000)
        #expect(rotation.secret != old)
        #expect(rotation.previousExpiresAt == auth.context.now.adding(milliseconds: 3_600_000))
        #expect(auth.refusal(auth.headers(secret: old)) == nil)
        #expect(auth.refusal(auth.headers(secret: rotation.secret, path: "/v1/orders/B"), path: "/v1/orders/B") == nil)
        #expect(try APISecrets(auth.context).list(line: auth.line).count == 2)
        try auth.fixture.advance("1h")
        #expect(auth.refusal(auth.headers(secret: old, path: "/v1/orders/C"), path: "/v1/orders/C") == "signature_invalid")
        #expect(auth.refusal(auth.headers(secret: rotation.secret, path: "/v1/orders/C"), path: "/v1/orders/C") == nil)
        #expect(try APISecrets(auth.context).list(line: auth.line).map(\.id) == [rotation.id])
    }

    @Test("an overlap of 0s retires the old secret at once")
    func immediateRetirement() throws {
        let auth = try APIAuthFixture()
        let rotation = try APISecrets(auth.context).rotate(line: auth.line, overlap: 0)
        #expect(auth.refusal(auth.headers()) == "signature_invalid")
        #expect(auth.refusal(auth.headers(secret: rotation.secret)) == nil)
    }

    @Test("a line without an active secret, or unknown, is refused")
    func unknownLine() throws {
        let auth = try APIAuthFixture()
        #expect(auth.refusal(auth.headers(line: "travel")) == "unknown_business_line")
        #expect(auth.refusal(auth.headers(line: "Not A Line!")) == "unknown_business_line")
        let bare = try ServiceFixture()
        let headers = auth.headers()
        do {
            _ = try APIAuthenticator(bare.context).authenticate(method: "POST", path: "/v1/orders", headers: headers,
                                                                body: Array(#"{"orderNo":"A1","amount":"12.00"}"#.utf8), remote: "r")
            Issue.record("a line with no secret accepted a request")
        } catch {
            #expect(error.code == "signature_invalid")
            #expect(error.message.contains("no active API secret"))
        }
    }

    @Test("missing and malformed headers are refused before anything is read", arguments: [
        ("", "signature_malformed"),
        ("t=1790000000", "signature_malformed"),
        ("v1=" + String(repeating: "a", count: 64), "signature_malformed"),
        ("t=abc,v1=" + String(repeating: "a", count: 64), "signature_malformed"),
        ("t=1790000000,v1=" + String(repeating: "A", count: 64), "signature_malformed"),
        ("t=1790000000,v1=abc", "signature_malformed"),
        ("t=-5,v1=" + String(repeating: "a", count: 64), "signature_malformed"),
        ("t=1790000000;v1=" + String(repeating: "a", count: 64), "signature_malformed"),
        ("garbage", "signature_malformed"),
    ])
    func malformed(header: String, code: String) throws {
        let auth = try APIAuthFixture()
        var headers = auth.headers()
        headers["paydesk-signature"] = header
        #expect(auth.refusal(headers) == code)
    }

    @Test("a request without the signature or the business line header is refused as unsigned")
    func missing() throws {
        let auth = try APIAuthFixture()
        var headers = auth.headers()
        headers["paydesk-signature"] = nil
        #expect(auth.refusal(headers) == "signature_missing")
        headers = auth.headers()
        headers["paydesk-business"] = nil
        #expect(auth.refusal(headers) == "signature_missing")
        #expect(auth.refusal([:]) == "signature_missing")
    }

    @Test("several v1 values: the request passes when one verifies")
    func severalSignatures() throws {
        let auth = try APIAuthFixture()
        var headers = auth.headers()
        let good = headers["paydesk-signature"]!
        headers["paydesk-signature"] = "t=\(auth.nowSeconds),v1=\(String(repeating: "0", count: 64)),\(good.split(separator: ",")[1])"
        #expect(auth.refusal(headers) == nil)
    }
}

@Suite("API secrets")
struct APIAuthSecretTests {
    @Test("listing shows ids and hints, never the secret; the audit never holds it")
    func listing() throws {
        let auth = try APIAuthFixture()
        let listed = try APISecrets(auth.context).list(line: auth.line)
        #expect(listed.count == 1)
        #expect(listed[0].hint == "…" + String(auth.secret.suffix(4)))
        #expect(listed[0].expiresAt == nil)
        #expect(auth.secret.hasPrefix("pdsk_") && auth.secret.count == 69)
        let audit = try auth.context.store.db.rows("SELECT * FROM audit_log")
        #expect(!audit.isEmpty)
        #expect(audit.allSatisfy { row in !row.columnNames.contains { row.optionalString($0)?.contains(auth.secret) == true } })
    }

    @Test("only an admin lists or rotates a line's secrets")
    func permission() throws {
        let auth = try APIAuthFixture()
        for role in [Role.service, .cashier, .support, .supervisor] {
            auth.context.actor = Actor(name: "x", role: role, origin: "test")
            #expect(throws: PayError.self) { _ = try APISecrets(auth.context).rotate(line: auth.line) }
            #expect(throws: PayError.self) { _ = try APISecrets(auth.context).list(line: auth.line) }
        }
        auth.context.actor = .localAdministrator(unixUser: "tester")
        #expect(try APISecrets(auth.context).list(line: auth.line).count == 1)
    }

    @Test("a bad overlap or an unknown line changes nothing")
    func badInput() throws {
        let auth = try APIAuthFixture()
        #expect(throws: PayError.self) { _ = try APISecrets(auth.context).rotate(line: auth.line, overlap: -1) }
        #expect(throws: PayError.self) { _ = try APISecrets(auth.context).rotate(line: auth.line, overlap: 31 * 86_400_000) }
        #expect(throws: PayError.self) { _ = try APISecrets(auth.context).rotate(line: try BusinessLineCode("travel")) }
        #expect(try APISecrets(auth.context).list(line: auth.line).count == 1)
        #expect(auth.refusal(auth.headers()) == nil)
    }

    @Test("a line has one current secret: a second one is refused by the store")
    func oneCurrent() throws {
        let auth = try APIAuthFixture()
        let store = auth.context.store
        #expect(throws: (any Error).self) {
            try store.write {
                try store.apiSecrets.insertCurrent(auth.line, id: "key_second", secret: "pdsk_x", hint: "…dk_x", createdBy: "t", at: auth.context.now)
            }
        }
    }
}

@Suite("The service role")
struct APIAuthServiceRoleTests {
    @Test("operators cannot hold the service role")
    func notForOperators() throws {
        let fixture = try ServiceFixture()
        #expect(!Role.operatorRoles.contains(.service))
        do {
            try OperatorService(fixture.context).add(name: "robot", role: .service, password: "robot-password-1")
            Issue.record("an operator was made with the service role")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.message.contains("service"))
        }
    }

    @Test("a line's system refunds any amount without an approver; it never settles or configures")
    func refundsWithoutLimit() throws {
        let service = Actor(name: "api:retail", role: .service, origin: "api 127.0.0.1")
        let approval = try RefundAuthorization.decide(actor: service, approver: nil, saleOperator: "alice",
                                                      amount: Money(minorUnits: 1_000_000_00, currency: .CNY), limit: nil)
        #expect(approval == .withinRights)
        for permission in [Permission.checkout, .queryOrders, .refundAny, .closeOrder] {
            #expect(Authorizer.allows(permission, actor: service))
        }
        for permission in [Permission.settleByHand, .approveRefund, .manageRouting, .manageBusinessLines, .overrideUnconfirmed,
                           .resendNotification, .viewAudit, .changeOwnPassword] {
            #expect(!Authorizer.allows(permission, actor: service))
        }
    }
}
