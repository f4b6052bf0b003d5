/// An ISO 4217 currency: its three-letter code and the number of decimal places of its minor unit.
///
/// Only the currencies of `Currency.all` are known; `Currency(code:)` refuses the rest so that an
/// amount can never be stored in a currency whose exponent we do not know.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The ISO 4217 alphabetic code, upper case ("CNY").
    public let code: String
    /// Decimal places of the minor unit: 2 for CNY (fen), 0 for JPY, 3 for BHD (fils).
    public let exponent: Int
    /// A short symbol for receipts and the console ("¥", "$").
    public let symbol: String

    private init(_ code: String, _ exponent: Int, _ symbol: String) {
        self.code = code
        self.exponent = exponent
        self.symbol = symbol
    }

    public static let CNY = Currency("CNY", 2, "¥")
    public static let HKD = Currency("HKD", 2, "HK$")
    public static let USD = Currency("USD", 2, "$")
    public static let EUR = Currency("EUR", 2, "€")
    public static let GBP = Currency("GBP", 2, "£")
    public static let JPY = Currency("JPY", 0, "JP¥")
    public static let KRW = Currency("KRW", 0, "₩")
    public static let SGD = Currency("SGD", 2, "S$")
    public static let BHD = Currency("BHD", 3, "BD")
    public static let KWD = Currency("KWD", 3, "KD")
    public static let TWD = Currency("TWD", 2, "NT$")
    public static let AUD = Currency("AUD", 2, "A$")
    public static let CAD = Currency("CAD", 2, "C$")
    public static let CHF = Currency("CHF", 2, "CHF")
    public static let MOP = Currency("MOP", 2, "MOP$")

    /// Every currency PayDesk knows, in the order they are listed to a person.
    public static let all: [Currency] = [.CNY, .HKD, .USD, .EUR, .GBP, .JPY, .KRW, .SGD, .BHD, .KWD,
                                         .TWD, .AUD, .CAD, .CHF, .MOP]

    private static let byCode: [String: Currency] = Dictionary(uniqueKeysWithValues: all.map { ($0.code, $0) })

    /// The currency with this code (case-insensitive), or `nil` when it is not in the table.
    public init?(code: String) {
        guard let found = Currency.byCode[code.uppercased()] else { return nil }
        self = found
    }

    /// Looks a code up, throwing an invalid-input error that names the code and lists the known ones.
    public static func parse(_ code: String, field: String = "currency") throws(PayError) -> Currency {
        guard let currency = Currency(code: code) else {
            let known = all.map(\.code).joined(separator: ", ")
            throw PayError.invalidInput("\(field) '\(code)': unknown currency (known: \(known))")
        }
        return currency
    }

    public var description: String { code }
}
