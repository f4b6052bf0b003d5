import PayCore

/// What the console needs from the operators module: who may log in, and the first-run admin.
/// The operators module owns the rules (lockout, roles, audit); the console only asks.
public protocol OperatorAuthenticating {
    /// Whether the store has any operator yet.
    func hasOperators() throws(PayError) -> Bool
    /// The operator for these credentials; `notPermitted` with a message to show otherwise.
    func authenticate(name: String, password: String, origin: String) throws(PayError) -> Actor
    /// Creates the store's first operator with the admin role.
    func createAdministrator(name: String, password: String) throws(PayError)
}
