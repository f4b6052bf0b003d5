/// An operator as the store keeps them, without the password hash.
public struct OperatorAccount: Sendable, Hashable {
    public let name: String
    public let role: Role
    /// Their own refund limit, or nil for the store's default (`OperatorSettings`).
    public let refundLimit: Money?
    public let failedLogins: Int
    /// Locked after too many failed logins until then (past values mean unlocked).
    public let lockedUntil: Timestamp?
    /// Locked by an administrator (`operator lock`) until unlocked.
    public let disabled: Bool
    public let passwordIterations: Int?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    public init(name: String, role: Role, refundLimit: Money?, failedLogins: Int, lockedUntil: Timestamp?, disabled: Bool,
                passwordIterations: Int?, createdAt: Timestamp, updatedAt: Timestamp) {
        self.name = name
        self.role = role
        self.refundLimit = refundLimit
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.disabled = disabled
        self.passwordIterations = passwordIterations
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether they may log in at `now`, and if not why.
    public enum State: Sendable, Hashable {
        case active
        case lockedOut(until: Timestamp)
        case disabled
    }

    public func state(at now: Timestamp) -> State {
        if disabled { return .disabled }
        if let until = lockedUntil, until > now { return .lockedOut(until: until) }
        return .active
    }

    /// Operator names: 2 to 32 characters of lowercase letters, digits, '.', '_' or '-',
    /// starting with a letter. ("cli:…" and "system" name the command line and the center itself.)
    public static func validateName(_ name: String, field: String = "operator name") throws(PayError) {
        let bytes = Array(name.utf8)
        guard (2...32).contains(bytes.count) else {
            throw PayError.invalidInput("\(field) '\(name)': 2 to 32 characters")
        }
        guard let first = bytes.first, first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") else {
            throw PayError.invalidInput("\(field) '\(name)': must start with a lowercase letter")
        }
        for byte in bytes {
            let ok = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            guard ok else {
                throw PayError.invalidInput("\(field) '\(name)': only lowercase letters, digits, '.', '_' and '-'")
            }
        }
        guard name != "system" else { throw PayError.invalidInput("\(field) '\(name)': reserved for the center itself") }
    }

    /// Passwords: 8 to 256 characters, not the operator's name.
    public static func validatePassword(_ password: String, for name: String) throws(PayError) {
        guard password.count >= 8 else { throw PayError.invalidInput("password: at least 8 characters") }
        guard password.utf8.count <= 256 else { throw PayError.invalidInput("password: at most 256 bytes") }
        guard password.lowercased() != name.lowercased() else {
            throw PayError.invalidInput("password: must not be the operator's name")
        }
    }
}
