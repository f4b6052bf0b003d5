import Foundation
import PayCore
import PayStore

/// Logs in against the store's `operators` table through a `PasswordVerifier`. The default until
/// the operators module supplies its own `OperatorAuthenticating`.
///
/// A demo store whose operators table is still empty (demo operators are seeded by the operators
/// module) accepts the demo credentials DESIGN §10 documents — a role name with password `demo` —
/// and nothing else; a store that is not a demo store never does.
public struct StoreOperatorAuthenticator: OperatorAuthenticating {
    let store: Store
    let verifier: any PasswordVerifier

    public init(store: Store, verifier: any PasswordVerifier = UnconnectedPasswordVerifier()) {
        self.store = store
        self.verifier = verifier
    }

    static let refused = "wrong operator name or password"

    public func hasOperators() throws(PayError) -> Bool {
        try store.read { (try store.db.scalarInt("SELECT COUNT(*) FROM operators") ?? 0) > 0 }
    }

    public func authenticate(name: String, password: String, origin: String) throws(PayError) -> Actor {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw PayError.invalidInput("operator name: empty") }
        let row = try store.read { try store.db.row(
            "SELECT name, role, password_hash, password_salt, password_iterations, disabled, locked_until FROM operators WHERE name = ?",
            [name]) }
        guard let row else {
            if try isDemoWithoutOperators(), password == "demo", let role = Role(rawValue: name) {
                return Actor(name: name, role: role, origin: origin)
            }
            throw PayError.notPermitted(Self.refused)
        }
        if row.bool("disabled") { throw PayError.notPermitted("operator '\(name)' is disabled") }
        guard let hash = row.optionalBlob("password_hash"), let salt = row.optionalBlob("password_salt"),
              let iterations = row.optionalInt64("password_iterations") else {
            throw PayError.notPermitted("operator '\(name)' has no password set (paydesk operator passwd \(name))")
        }
        guard try verifier.verify(password, against: PasswordRecord(hash: hash, salt: salt, iterations: Int(iterations))) else {
            throw PayError.notPermitted(Self.refused)
        }
        return Actor(name: name, role: try Role.parse(row.string("role")), origin: origin)
    }

    public func createAdministrator(name: String, password: String) throws(PayError) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw PayError.invalidInput("operator name '\(name)': 1–64 letters, digits, '.', '_' or '-'")
        }
        guard password.count >= 8 else { throw PayError.invalidInput("password: at least 8 characters") }
        let record = try verifier.hash(password)
        try store.write {
            guard try store.db.scalarInt("SELECT COUNT(*) FROM operators") == 0 else {
                throw PayError.conflict("the store already has operators; add more with `paydesk operator add`")
            }
            let now = try store.clock().now().milliseconds
            _ = try store.db.execute("""
                INSERT INTO operators (name, role, password_hash, password_salt, password_iterations, created_at, updated_at)
                VALUES (?, 'admin', ?, ?, ?, ?, ?)
                """, [name, record.hash, record.salt, record.iterations, now, now])
        }
    }

    func isDemoWithoutOperators() throws(PayError) -> Bool {
        try store.read {
            try store.meta.value("store.kind") == "demo" && (try store.db.scalarInt("SELECT COUNT(*) FROM operators") ?? 0) == 0
        }
    }
}
