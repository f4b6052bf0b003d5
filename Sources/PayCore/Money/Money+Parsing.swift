extension Money {
    /// Parses a plain decimal amount ("12.34", "10", "0.5") in the given currency.
    ///
    /// Strict on purpose: digits with at most one point and no more decimals than the currency's
    /// exponent. Signs, exponents, thousands separators, spaces, empty input and values past
    /// `Int64` are refused with a message naming the field, the text and the reason.
    public static func parse(_ text: String, currency: Currency, field: String = "amount") throws(PayError) -> Money {
        func fail(_ reason: String) -> PayError {
            PayError.invalidInput("\(field) '\(text)': \(reason)")
        }
        if text.isEmpty { throw fail("empty; expected a decimal amount such as 12.34") }
        let scalars = Array(text.unicodeScalars)
        if scalars.first == "-" { throw fail("negative amounts are not allowed") }
        if scalars.first == "+" { throw fail("a sign is not allowed; write the plain amount") }

        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var sawPoint = false
        for scalar in scalars {
            switch scalar {
            case "0"..."9":
                let digit = UInt8(scalar.value - 48)
                if sawPoint { fractionDigits.append(digit) } else { integerDigits.append(digit) }
            case ".":
                if sawPoint { throw fail("more than one decimal point") }
                sawPoint = true
            case "e", "E":
                throw fail("exponents are not allowed; write the plain amount")
            case ",", "_", "'", " ":
                throw fail("separators are not allowed; write digits only, e.g. 1000.00")
            default:
                throw fail("unexpected character '\(scalar)'; expected digits and one '.'")
            }
        }
        if integerDigits.isEmpty && fractionDigits.isEmpty { throw fail("no digits") }
        if sawPoint && fractionDigits.isEmpty { throw fail("a decimal point must be followed by digits") }
        if integerDigits.isEmpty { throw fail("write a digit before the decimal point, e.g. 0.5") }
        if fractionDigits.count > currency.exponent {
            if currency.exponent == 0 {
                throw fail("\(currency.code) has no decimal places")
            }
            throw fail("\(currency.code) has \(currency.exponent) decimal place\(currency.exponent == 1 ? "" : "s")")
        }

        var value: Int64 = 0
        let padded = integerDigits + fractionDigits + Array(repeating: 0, count: currency.exponent - fractionDigits.count)
        for digit in padded {
            let (timesTen, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = timesTen.addingReportingOverflow(Int64(digit))
            if o1 || o2 { throw fail("too large") }
            value = next
        }
        return Money(minorUnits: value, currency: currency)
    }

    /// The amount as a plain decimal string with exactly the currency's decimal places ("12.30",
    /// "1000" for JPY, "-0.05" for a negative). `parse(decimalString)` gives back the same value
    /// for every non-negative amount.
    public var decimalString: String {
        Money.decimalString(minorUnits: minorUnits, exponent: currency.exponent)
    }

    /// A display form for people: symbol, thousands grouping and decimals ("¥1,234.50").
    public var displayString: String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        let exponent = currency.exponent
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let whole = String(magnitude / divisor)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        var text = (negative ? "-" : "") + currency.symbol + grouped
        if exponent > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: exponent - fraction.count) + fraction
        }
        return text
    }

    static func decimalString(minorUnits: Int64, exponent: Int) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        guard exponent > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return (negative ? "-" : "") + String(magnitude / divisor) + "."
            + String(repeating: "0", count: exponent - fraction.count) + fraction
    }
}
