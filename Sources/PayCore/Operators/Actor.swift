/// The roles of §8, from least to most trusted for money. `service` is not an operator's role: it is
/// a business line's own system calling the API for that line (no console, no configuration).
public enum Role: String, Sendable, CaseIterable, Comparable {
    case service
    case cashier
    case support
    case supervisor
    case admin

    public static func parse(_ text: String, field: String = "role") throws(PayError) -> Role {
        if let role = Role(rawValue: text.lowercased()) { return role }
        throw PayError.invalidInput("\(field) '\(text)': unknown role (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
    }

    /// The roles an operator may hold: every role but `service`.
    public static var operatorRoles: [Role] { allCases.filter { $0 != .service } }

    private var rank: Int { Role.allCases.firstIndex(of: self)! }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// Who is acting: an operator with a role, from an origin ("tty /dev/pts/3", "cli:alice").
public struct Actor: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let role: Role
    public let origin: String

    public init(name: String, role: Role, origin: String) {
        self.name = name
        self.role = role
        self.origin = origin
    }

    /// The local administrator the command line acts as when no `--operator` is given.
    public static func localAdministrator(unixUser: String) -> Actor {
        Actor(name: "cli:\(unixUser)", role: .admin, origin: "cli:\(unixUser)")
    }

    /// The center itself (worker, janitor, scanner).
    public static let system = Actor(name: "system", role: .admin, origin: "worker")

    public var description: String { "\(name) (\(role.rawValue))" }
}
