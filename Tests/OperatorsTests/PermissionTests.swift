import Testing
import PayCore
@testable import PayServices

@Suite("Roles and permissions")
struct PermissionTests {
    /// §8 written out once more by hand: what each role may do.
    static let expected: [Role: Set<Permission>] = [
        .service: [.checkout, .queryOwnOrders, .queryOrders, .refundAny, .closeOrder],
        .cashier: [.checkout, .queryOwnOrders, .refundOwnSale, .changeOwnPassword, .viewStatus],
        .support: [.queryOwnOrders, .queryOrders, .refundOwnSale, .refundAny, .resendNotification, .manageAlerts,
                   .changeOwnPassword, .viewStatus, .viewConfiguration, .viewMetrics],
        .supervisor: [.checkout, .queryOwnOrders, .queryOrders, .refundOwnSale, .refundAny, .approveRefund, .closeOrder,
                      .settleByHand, .overrideUnconfirmed, .resendNotification, .manageAlerts, .viewAudit, .changeOwnPassword, .viewStatus,
                      .viewConfiguration, .viewMetrics, .reconcile],
        .admin: Set(Permission.allCases),
    ]

    @Test("every role holds exactly its permissions", arguments: Role.allCases)
    func rolePermissions(role: Role) throws {
        let actor = Actor(name: "someone", role: role, origin: "test")
        for permission in Permission.allCases {
            let allowed = Self.expected[role]!.contains(permission)
            #expect(Authorizer.allows(permission, actor: actor) == allowed, "\(role) \(permission)")
            if allowed {
                try Authorizer.require(permission, actor: actor)
            } else {
                let error = expectError(.notPermitted) { try Authorizer.require(permission, actor: actor) }
                #expect(error?.exitCode == 8)
            }
        }
    }

    @Test("only an admin changes routing, risk, operators and business lines")
    func adminOnly() {
        for permission in [Permission.manageRouting, .manageRisk, .manageOperators, .manageBusinessLines,
                           .manageStore, .advanceClock, .runWorker, .controlSandbox, .feedCallbacks] {
            #expect(RolePermissions.roles(holding: permission) == [.admin])
        }
    }

    @Test("a refusal says what was needed")
    func refusalNamesTheNeed() {
        let cashier = Actor(name: "alice", role: .cashier, origin: "test")
        let error = expectError(.notPermitted) { try Authorizer.require(.closeOrder, actor: cashier) }
        #expect(error?.message == "alice (cashier) may not close orders: needs supervisor or admin")
        let routing = expectError(.notPermitted) { try Authorizer.require(.manageRouting, actor: cashier) }
        #expect(routing?.message == "alice (cashier) may not change routing: needs admin")
    }

    @Test("operator management is refused in the service layer to all but admins, and the refusal is audited")
    func serviceLayerEnforcement() throws {
        let fixture = try OperatorFixture()
        try fixture.operators.add(name: "alice", role: .cashier, password: "alice-secret-1")
        for role in [Role.cashier, .support, .supervisor] {
            let actor = Actor(name: "bob", role: role, origin: "test")
            fixture.acting(as: actor) {
                expectError(.notPermitted) { try fixture.operators.add(name: "mallory", role: .admin, password: "mallory-pass-1") }
                expectError(.notPermitted) { try fixture.operators.lock(name: "alice") }
                expectError(.notPermitted) { try fixture.operators.unlock(name: "alice") }
                expectError(.notPermitted) { try fixture.operators.changePassword(name: "alice", newPassword: "changed-by-bob") }
                expectError(.notPermitted) { _ = try fixture.operators.list() }
            }
        }
        expectError(.notFound) { _ = try fixture.account("mallory") }
        let denied = try fixture.auditEntries().filter { $0.outcome == .denied }
        #expect(denied.count == 12)
        #expect(denied.first?.action == "operator.add")
        #expect(denied.first?.detail?.contains("needs admin") == true)
        #expect(try fixture.audit.verify().intact)
    }

    @Test("the audit log is read by supervisors and admins only")
    func auditNeedsViewAudit() throws {
        let fixture = try OperatorFixture()
        for role in Role.allCases {
            try fixture.acting(as: Actor(name: "x", role: role, origin: "test")) {
                if role >= .supervisor {
                    _ = try fixture.audit.recent(limit: 5)
                    _ = try fixture.audit.verify()
                } else {
                    expectError(.notPermitted) { _ = try fixture.audit.recent(limit: 5) }
                    expectError(.notPermitted) { _ = try fixture.audit.verify() }
                }
            }
        }
    }
}
