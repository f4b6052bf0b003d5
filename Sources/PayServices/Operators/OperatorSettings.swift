import PayCore
import PayStore

/// Store-wide operator settings kept in `meta`. Internal: no command sets them; tests and the demo
/// seeder do.
///
/// - `security.password_iterations`: PBKDF2 rounds for passwords set from now on (default 210,000,
///   about 40 ms a login here; OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600,000, so a store
///   may raise it; at least 1,000). Each operator keeps the count their hash was made with, so a
///   change never breaks or weakens an existing hash. Tests lower it to 1,000 to stay fast.
/// - `operators.refund_limit`: the refund limit of operators without their own, as
///   "<minor units> <currency>" (default "20000 CNY", i.e. 200.00 CNY).
public struct OperatorSettings {
    let meta: MetaRepository

    public init(_ store: Store) { meta = store.meta }

    public static let iterationsKey = "security.password_iterations"
    public static let refundLimitKey = "operators.refund_limit"
    public static let defaultIterations = 210_000
    public static let minimumIterations = 1_000
    public static let defaultRefundLimit = Money(minorUnits: 20_000, currency: .CNY)

    /// PBKDF2 rounds for a password set now.
    public func passwordIterations() throws -> Int {
        guard let text = try meta.value(Self.iterationsKey), let value = Int(text) else { return Self.defaultIterations }
        return max(Self.minimumIterations, value)
    }

    public func setPasswordIterations(_ value: Int) throws {
        guard value >= Self.minimumIterations else {
            throw PayError.invalidInput("password iterations \(value): at least \(Self.minimumIterations)")
        }
        try meta.set(Self.iterationsKey, String(value))
    }

    /// The refund limit of an operator without one of their own.
    public func defaultRefundLimit() throws -> Money {
        guard let text = try meta.value(Self.refundLimitKey) else { return Self.defaultRefundLimit }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let minor = Int64(parts[0]), minor >= 0,
              let currency = Currency(code: String(parts[1])) else {
            throw PayError.internal("setting \(Self.refundLimitKey) '\(text)': expected '<minor units> <currency>'")
        }
        return Money(minorUnits: minor, currency: currency)
    }

    public func setDefaultRefundLimit(_ limit: Money) throws {
        try meta.set(Self.refundLimitKey, "\(limit.minorUnits) \(limit.currency.code)")
    }
}
