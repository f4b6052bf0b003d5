/// A card as typed. Neither its description nor its mirror (`dump`, test failure messages) shows
/// the number or the CVC.
public struct CardEntry: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    public let number: String
    public let expiry: String
    public let cvc: String

    public init(number: String, expiry: String, cvc: String) {
        self.number = number
        self.expiry = expiry
        self.cvc = cvc
    }

    /// First 6 and last 4 digits, the rest hidden.
    public var maskedNumber: String {
        guard number.count > 10 else { return String(repeating: "•", count: number.count) }
        return number.prefix(6) + "…" + number.suffix(4)
    }

    public var description: String { "card \(maskedNumber)" }

    public var customMirror: Mirror { Mirror(self, children: ["number": maskedNumber, "expiry": expiry, "cvc": "•••"]) }
}
