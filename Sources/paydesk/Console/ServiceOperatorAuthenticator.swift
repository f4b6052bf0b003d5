import PayCore
import PayStore
import PayServices
import PayConsole

/// Logins and the first-run administrator through the operators module: PBKDF2 passwords,
/// lockout after 10 failures, every attempt in the audit log.
struct ServiceOperatorAuthenticator: OperatorAuthenticating {
    let context: ServiceContext

    init(store: Store) throws(PayError) {
        context = try ServiceContext(store: store, actor: .system)
    }

    func hasOperators() throws(PayError) -> Bool {
        !(try OperatorService(context).list().isEmpty)
    }

    func authenticate(name: String, password: String, origin: String) throws(PayError) -> Actor {
        try context.refreshClock()
        return try OperatorService(context).login(name: name, password: password, origin: origin)
    }

    /// Creates the store's first operator, an admin, acting as the center itself (nobody is logged
    /// in yet). Refused once the store has operators.
    func createAdministrator(name: String, password: String) throws(PayError) {
        guard try !hasOperators() else {
            throw PayError.conflict("the store already has operators; an admin adds more")
        }
        _ = try OperatorService(context).add(name: name, role: .admin, password: password)
    }
}
