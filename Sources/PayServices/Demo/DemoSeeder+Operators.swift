import PayCore

extension DemoSeeder {
    /// The demo's operators, one per role, each named after the role, with password `demo`
    /// (demo stores only: `demo` would fail the password rules of `operator add`).
    static let demoOperators: [(name: String, role: Role)] = [
        ("cashier", .cashier), ("support", .support), ("supervisor", .supervisor), ("admin", .admin),
    ]

    static let demoPassword = "demo"

    func seedOperators() throws {
        let operators = OperatorService(context)
        for entry in Self.demoOperators {
            _ = try operators.insert(name: entry.name, role: entry.role, password: Self.demoPassword, refundLimit: nil)
        }
    }
}
