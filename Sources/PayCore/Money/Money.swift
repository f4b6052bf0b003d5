/// An amount of money: an integer count of minor units in one currency. Never a floating point.
///
/// Arithmetic checks both the currency and overflow; mixing currencies or overflowing `Int64` is a
/// programming error for `+`/`-` and a thrown error for the `adding`/`subtracting` forms.
public struct Money: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public var isZero: Bool { minorUnits == 0 }
    public var isPositive: Bool { minorUnits > 0 }

    /// Adds another amount of the same currency, throwing on a currency mismatch or overflow.
    public func adding(_ other: Money) throws(PayError) -> Money {
        guard other.currency == currency else {
            throw PayError.invalidInput("cannot add \(other.currency) to \(currency)")
        }
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        if overflow { throw PayError.invalidInput("amount overflow adding \(other) to \(self)") }
        return Money(minorUnits: sum, currency: currency)
    }

    /// Subtracts another amount of the same currency, throwing on a currency mismatch or overflow.
    public func subtracting(_ other: Money) throws(PayError) -> Money {
        guard other.currency == currency else {
            throw PayError.invalidInput("cannot subtract \(other.currency) from \(currency)")
        }
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        if overflow { throw PayError.invalidInput("amount overflow subtracting \(other) from \(self)") }
        return Money(minorUnits: difference, currency: currency)
    }

    /// Multiplies by a whole quantity (a line item's quantity), throwing on overflow.
    public func multiplied(by quantity: Int64) throws(PayError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        if overflow { throw PayError.invalidInput("amount overflow multiplying \(self) by \(quantity)") }
        return Money(minorUnits: product, currency: currency)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool {
        precondition(lhs.currency == rhs.currency, "comparing \(lhs.currency) with \(rhs.currency)")
        return lhs.minorUnits < rhs.minorUnits
    }

    /// "12.34 CNY".
    public var description: String { "\(decimalString) \(currency.code)" }
}
