/// The one error type services and the command line speak: a kind that maps to an exit code and a
/// message a person can act on ("amount '12.345': CNY has 2 decimal places").
public struct PayError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The request's words were off (unknown flag, missing argument). Exit 2.
        case usage
        /// A value was malformed or inconsistent; nothing was written. Exit 3.
        case invalidInput
        /// The channel or risk said no. Exit 4.
        case declined
        /// Not final yet: pending, unknown or waiting for a one-time code. Exit 5.
        case pending
        /// The thing asked for does not exist. Exit 6.
        case notFound
        /// It clashes with what exists: idempotency key reuse, refund over the amount. Exit 7.
        case conflict
        /// The operator may not do this. Exit 8.
        case notPermitted
        /// Something broke that the user cannot fix by changing the input. Exit 1.
        case `internal`
    }

    public let kind: Kind
    public let message: String
    /// Why a payment failed, typed, when the error is about one (`failing(_:subject:)`): screens
    /// word it, the command line adds its flag hints from it.
    public internal(set) var failure: FailureCode?
    /// What the failure is about (the unconfirmed payment's serial …), for those hints.
    public internal(set) var subject: String?
    /// The request argument the error is about (`about(_:)`), for the command line's flag hint.
    public internal(set) var argument: String?

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func usage(_ message: String) -> PayError { PayError(.usage, message) }
    public static func invalidInput(_ message: String) -> PayError { PayError(.invalidInput, message) }
    public static func notFound(_ message: String) -> PayError { PayError(.notFound, message) }
    public static func conflict(_ message: String) -> PayError { PayError(.conflict, message) }
    public static func notPermitted(_ message: String) -> PayError { PayError(.notPermitted, message) }
    public static func declined(_ message: String) -> PayError { PayError(.declined, message) }
    public static func pending(_ message: String) -> PayError { PayError(.pending, message) }
    public static func `internal`(_ message: String) -> PayError { PayError(.internal, message) }

    /// The process exit code of §10 for this kind.
    public var exitCode: Int32 {
        switch kind {
        case .internal: 1
        case .usage: 2
        case .invalidInput: 3
        case .declined: 4
        case .pending: 5
        case .notFound: 6
        case .conflict: 7
        case .notPermitted: 8
        }
    }

    public var description: String { message }
}
