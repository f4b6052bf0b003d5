import PayCore

/// Checks an actor's role against `RolePermissions`. Services call it before they change anything.
public enum Authorizer {
    /// Throws `notPermitted` (exit 8) naming what the actor lacked and which roles hold it.
    public static func require(_ permission: Permission, actor: Actor) throws(PayError) {
        guard !allows(permission, actor: actor) else { return }
        throw PayError.notPermitted("\(actor.name) (\(actor.role.rawValue)) may not \(permission.phrase): needs \(rolesText(permission))")
    }

    public static func allows(_ permission: Permission, actor: Actor) -> Bool {
        RolePermissions.has(actor.role, permission)
    }

    /// "supervisor or admin": the operator roles that hold it (never `service`, which no person has).
    public static func rolesText(_ permission: Permission) -> String {
        let names = RolePermissions.roles(holding: permission).filter { $0 != .service }.map(\.rawValue)
        switch names.count {
        case 0: return "a role that does not exist"
        case 1: return names[0]
        default: return names.dropLast().joined(separator: ", ") + " or " + names.last!
        }
    }
}
