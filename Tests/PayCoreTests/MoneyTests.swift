import Testing
@testable import PayCore

@Suite("Money parsing and formatting")
struct MoneyTests {
    @Test("plain amounts parse into minor units by the currency's exponent",
          arguments: [
              ("12.34", Currency.CNY, Int64(1234)), ("12.3", .CNY, 1230), ("12", .CNY, 1200), ("0.01", .CNY, 1),
              ("0", .CNY, 0), ("1000", .JPY, 1000), ("1.234", .BHD, 1234), ("0.5", .KWD, 500),
              ("007.10", .USD, 710), ("92233720368547758.07", .CNY, Int64.max),
          ])
    func parsesValidAmounts(text: String, currency: Currency, minor: Int64) throws {
        #expect(try Money.parse(text, currency: currency) == Money(minorUnits: minor, currency: currency))
    }

    @Test("malformed amounts are refused with a message naming the text and the reason",
          arguments: [
              ("12.345", Currency.CNY, "CNY has 2 decimal places"), ("10.5", .JPY, "JPY has no decimal places"),
              ("-1", .CNY, "negative"), ("+1", .CNY, "sign"), ("1e3", .CNY, "exponents"), ("1,000", .CNY, "separators"),
              ("", .CNY, "empty"), ("abc", .CNY, "unexpected character 'a'"), ("1.2.3", .CNY, "more than one decimal point"),
              ("92233720368547758.08", .CNY, "too large"), ("99999999999999999999", .JPY, "too large"),
              ("1.", .CNY, "followed by digits"), (".5", .CNY, "digit before the decimal point"), (" 1", .CNY, "separators"),
              ("１２", .CNY, "unexpected character"), ("1.2345", .BHD, "BHD has 3 decimal places"),
          ])
    func refusesMalformedAmounts(text: String, currency: Currency, reason: String) {
        #expect {
            try Money.parse(text, currency: currency, field: "--amount")
        } throws: { error in
            guard let error = error as? PayError else { return false }
            return error.kind == .invalidInput && error.message.contains("--amount '\(text)'") && error.message.contains(reason)
        }
    }

    @Test("format then parse gives back the same amount, for every currency in the table")
    func roundTripsEveryCurrency() throws {
        var random = SystemRandomNumberGenerator()
        for currency in Currency.all {
            var samples: [Int64] = [0, 1, 9, 10, 99, 100, 101, 1_000_000, Int64.max]
            for _ in 0..<2_000 { samples.append(Int64.random(in: 0...Int64.max, using: &random) >> Int64.random(in: 0...62, using: &random)) }
            for minor in samples {
                let money = Money(minorUnits: minor, currency: currency)
                let text = money.decimalString
                #expect(try Money.parse(text, currency: currency) == money, "\(currency) \(minor) → \(text)")
                let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
                #expect(decimals == currency.exponent, "\(text) should show \(currency.exponent) decimals")
            }
        }
    }

    @Test("display strings group thousands and carry the symbol")
    func displayStrings() {
        #expect(Money(minorUnits: 123_456_789, currency: .CNY).displayString == "¥1,234,567.89")
        #expect(Money(minorUnits: 1000, currency: .JPY).displayString == "JP¥1,000")
        #expect(Money(minorUnits: 5, currency: .BHD).displayString == "BD0.005")
        #expect(Money(minorUnits: -250, currency: .USD).displayString == "-$2.50")
    }

    @Test("arithmetic refuses mixed currencies and overflow")
    func arithmetic() throws {
        let a = Money(minorUnits: 150, currency: .CNY)
        #expect(try a.adding(a).minorUnits == 300)
        #expect(throws: PayError.self) { try a.adding(Money(minorUnits: 1, currency: .USD)) }
        #expect(throws: PayError.self) { try Money(minorUnits: .max, currency: .CNY).adding(Money(minorUnits: 1, currency: .CNY)) }
        #expect(throws: PayError.self) { try Money(minorUnits: .max / 2 + 1, currency: .CNY).multiplied(by: 2) }
    }

    @Test("unknown currencies are named and the known ones listed")
    func unknownCurrency() {
        #expect(Currency(code: "cny") == .CNY)
        #expect {
            try Currency.parse("XYZ", field: "--currency")
        } throws: { error in
            (error as? PayError)?.message.contains("--currency 'XYZ': unknown currency (known: CNY") == true
        }
    }

    @Test("a channel fee is rate times amount rounded half up, plus the fixed part")
    func channelFee() {
        let account = ChannelAccount(id: "a", channel: "card", merchantId: nil, name: "A", currencies: [.CNY],
                                     feeRateBps: 150, feeFixedMinor: 30, enabled: true, config: [:])
        #expect(account.fee(for: Money(minorUnits: 10_000, currency: .CNY)).minorUnits == 180)
        #expect(account.fee(for: Money(minorUnits: 33, currency: .CNY)).minorUnits == 30)
        #expect(account.fee(for: Money(minorUnits: 34, currency: .CNY)).minorUnits == 31)
    }
}
