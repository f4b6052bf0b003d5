import Testing
import PayCore
@testable import PayServices

@Suite("Refund rights and approval above the limit")
struct RefundAuthorizationTests {
    let alice = Actor(name: "alice", role: .cashier, origin: "tty1")
    let carol = Actor(name: "carol", role: .cashier, origin: "tty2")
    let sam = Actor(name: "sam", role: .support, origin: "tty3")
    let victor = Actor(name: "victor", role: .supervisor, origin: "tty4")
    let ada = Actor(name: "ada", role: .admin, origin: "tty5")
    let limit = Money(minorUnits: 20_000, currency: .CNY)

    func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .CNY) }

    @Test("a cashier refunds own sales up to the limit")
    func cashierWithinLimit() throws {
        #expect(try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice", amount: cny(20_000), limit: limit) == .withinRights)
    }

    @Test("a cashier may not refund someone else's sale, whatever the amount or approver")
    func cashierOthersSale() {
        for approver in [nil, victor] {
            let error = expectError(.notPermitted) {
                _ = try RefundAuthorization.decide(actor: alice, approver: approver, saleOperator: "carol", amount: cny(100), limit: limit)
            }
            #expect(error?.message.contains("refunds only own sales") == true)
            #expect(error?.message.contains("'carol'") == true)
        }
        expectError(.notPermitted) {
            _ = try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: nil, amount: cny(100), limit: limit)
        }
    }

    @Test("above the limit a refund needs a supervisor's approval, and the refusal says so")
    func aboveLimitNeedsApproval() {
        let error = expectError(.notPermitted) {
            _ = try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice", amount: cny(50_000), limit: limit)
        }
        #expect(error?.message == "refund of 500.00 CNY needs a supervisor's approval (limit 200.00 for cashier alice)")
        #expect(error?.exitCode == 8)
    }

    @Test("the approver must be someone else")
    func approverDiffers() {
        let error = expectError(.notPermitted) {
            _ = try RefundAuthorization.decide(actor: alice, approver: alice, saleOperator: "alice", amount: cny(50_000), limit: limit)
        }
        #expect(error?.message.contains("someone else") == true)
    }

    @Test("the approver must be a supervisor or an admin")
    func approverRole() throws {
        for approver in [carol, sam] {
            let error = expectError(.notPermitted) {
                _ = try RefundAuthorization.decide(actor: alice, approver: approver, saleOperator: "alice", amount: cny(50_000), limit: limit)
            }
            #expect(error?.message.contains("needs supervisor or admin") == true)
        }
        #expect(try RefundAuthorization.decide(actor: alice, approver: victor, saleOperator: "alice", amount: cny(50_000), limit: limit) == .approved(by: "victor"))
        #expect(try RefundAuthorization.decide(actor: alice, approver: ada, saleOperator: "alice", amount: cny(50_000), limit: limit) == .approved(by: "ada"))
    }

    @Test("support refunds any sale within the limit, above it with approval")
    func support() throws {
        #expect(try RefundAuthorization.decide(actor: sam, approver: nil, saleOperator: "carol", amount: cny(10_000), limit: limit) == .withinRights)
        expectError(.notPermitted) {
            _ = try RefundAuthorization.decide(actor: sam, approver: nil, saleOperator: "carol", amount: cny(20_001), limit: limit)
        }
        #expect(try RefundAuthorization.decide(actor: sam, approver: victor, saleOperator: "carol", amount: cny(20_001), limit: limit) == .approved(by: "victor"))
    }

    @Test("supervisors and admins refund any sale without a limit")
    func supervisorsUnlimited() throws {
        for actor in [victor, ada] {
            #expect(try RefundAuthorization.decide(actor: actor, approver: nil, saleOperator: "carol", amount: cny(9_999_999), limit: nil) == .withinRights)
        }
    }

    @Test("a refund in another currency than the limit's needs approval")
    func otherCurrency() {
        let error = expectError(.notPermitted) {
            _ = try RefundAuthorization.decide(actor: alice, approver: nil, saleOperator: "alice",
                                               amount: Money(minorUnits: 100, currency: .USD), limit: limit)
        }
        #expect(error?.message.contains("covers CNY only") == true)
    }

    @Test("the limit comes from the operator, else from the store's default")
    func limitsFromTheStore() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        try fixture.operators.add(name: "bella", role: .cashier, password: "bella-secret-1", refundLimit: cny(100_000))
        let check = RefundAuthorization(fixture.context)
        let bella = Actor(name: "bella", role: .cashier, origin: "tty")
        // Default 200.00 CNY for alice; bella's own 1000.00.
        expectError(.notPermitted) { _ = try check.check(actor: alice, approver: nil, saleOperator: "alice", amount: cny(50_000)) }
        #expect(try check.check(actor: bella, approver: nil, saleOperator: "bella", amount: cny(50_000)) == .withinRights)
        // A new default applies to alice at once.
        let store = fixture.store
        try store.write { try OperatorSettings(store).setDefaultRefundLimit(cny(60_000)) }
        #expect(try check.check(actor: alice, approver: nil, saleOperator: "alice", amount: cny(50_000)) == .withinRights)
        // And an admin can lower bella's own.
        try fixture.operators.setRefundLimit(name: "bella", cny(1_000))
        let error = expectError(.notPermitted) { _ = try check.check(actor: bella, approver: nil, saleOperator: "bella", amount: cny(50_000)) }
        #expect(error?.message == "refund of 500.00 CNY needs a supervisor's approval (limit 10.00 for cashier bella)")
    }
}
