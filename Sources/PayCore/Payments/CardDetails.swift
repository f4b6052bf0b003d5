/// A card as typed at the terminal. Lives only in memory on the way to the acquirer's token
/// endpoint: never stored, never logged, never printed (its description hides it).
public struct CardDetails: Sendable, CustomStringConvertible {
    public let number: String
    /// The card's expiry month; whether it has passed depends on the store's clock, which
    /// `PaymentService` checks (`CardExpiry.requireUsable`) before any channel is called.
    public let expiry: CardExpiry
    public let cvc: String

    public var expiryMonth: Int { expiry.month }
    /// Four digits.
    public var expiryYear: Int { expiry.year }

    /// Checks the number (digits, 12–19 long, Luhn), the expiry ("MM/YY" or "MM/YYYY") and the
    /// CVC (3–4 digits).
    public init(number: String, expiry: String, cvc: String) throws(PayError) {
        let digits = number.filter { $0 != " " && $0 != "-" }
        guard digits.count >= 12, digits.count <= 19, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw PayError.invalidInput("card number: 12 to 19 digits expected")
        }
        guard CardDetails.luhnValid(digits) else {
            throw PayError.invalidInput("card number ending \(digits.suffix(4)): fails the Luhn check (mistyped?)")
        }
        let parsed = try CardExpiry.parse(expiry, field: "expiry")
        guard (3...4).contains(cvc.count), cvc.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw PayError.invalidInput("CVC: 3 or 4 digits expected")
        }
        self.number = digits
        self.expiry = parsed
        self.cvc = cvc
    }

    public var first6: String { String(number.prefix(6)) }
    public var last4: String { String(number.suffix(4)) }

    public var description: String { "card \(first6)…\(last4)" }

    /// The Luhn (mod 10) check of ISO/IEC 7812.
    public static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (index, char) in digits.reversed().enumerated() {
            guard let digit = char.wholeNumberValue else { return false }
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return !digits.isEmpty && sum % 10 == 0
    }
}
