import PayCore

/// PayPal's Settlement Report (STL), version 011 as far as PayDesk needs it: every row quoted CSV
/// starting with its row type. RH report header, FH file header, SH section header, CH column
/// names, SB one transaction, SF section footer (per currency: credit count and gross, debit count
/// and gross, fees debited and credited), SC the section's SB count, RF/RC report footer and count,
/// FF file footer — the integrity check: a file without its FF row is truncated.
///
/// Amounts are in minor units (cents), as STL writes them. Event code T0006 is a payment (credit),
/// T1107 a payment refund (debit) whose PayPal Reference ID is the payment's transaction id. PayPal
/// lists only completed transactions: a refund it refused is not in the report.
struct PayPalBillFormat: BillFormat {
    static let columnNames = ["Transaction ID", "Invoice ID", "PayPal Reference ID", "PayPal Reference ID Type", "Transaction Event Code",
                              "Transaction Initiation Date", "Transaction Completion Date", "Transaction Debit or Credit",
                              "Gross Transaction Amount", "Gross Transaction Currency", "Fee Debit or Credit", "Fee Amount", "Fee Currency"]
    static let columns = ["row type"] + columnNames
    static let footerColumns = ["row type", "currency", "credit count", "gross credit", "debit count", "gross debit", "fee debit", "fee credit"]
    static let payment = "T0006"
    static let refund = "T1107"
    private static let sb = Array("\"SB\",".utf8)
    private static let cr = Array("CR".utf8)
    private static let dr = Array("DR".utf8)
    private static let paymentCode = Array(payment.utf8)
    private static let refundCode = Array(refund.utf8)

    let name: String
    private var seen: Set<String> = []
    private var declared: [BillSummary] = []
    private var rows = 0
    private var footerLine = 0
    private var lastCurrency: Currency?

    init(name: String) { self.name = name }

    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        if footerLine > 0 { throw line.error("a row after the file footer (FF)") }
        if line.hasPrefix(Self.sb) {
            guard seen.contains("CH") else { throw line.error("a transaction (SB) row before the column header (CH)") }
            guard !seen.contains("SF") else { throw line.error("a transaction (SB) row after the section footer (SF)") }
            return try transaction(&line)
        }
        try line.split()
        let type = line.count > 0 ? line.text(0) : ""
        let order = ["RH", "FH", "SH", "CH"]
        if let index = order.firstIndex(of: type) {
            guard seen.count == index, line.number == index + 1 else {
                throw line.error(index == 0 ? "a second report header (RH)" : "wrong header: \(type) out of order (RH, FH, SH, CH)")
            }
            if type == "RH", line.count < 5 || line.text(4) != "011" { throw line.error("wrong header: not an STL report of version 011") }
            if type == "CH", Array(line.textFields.dropFirst()) != Self.columnNames {
                throw line.error("wrong header: columns are not '\(Self.columnNames.joined(separator: "', '"))'")
            }
            seen.insert(type)
            return nil
        }
        guard line.number > 1 else { throw line.error("wrong header: the report must start with an RH row") }
        guard seen.contains("CH") else { throw line.error("wrong header: no column header (CH) row") }
        switch type {
        case "SF":
            line.columns = Self.footerColumns
            try line.expectCount(8, what: "a section footer (SF)")
            guard let cur = Currency(code: line.text(1)) else { throw line.error(1, "not a currency") }
            guard !declared.contains(where: { $0.currency == cur }) else { throw line.error(1, "a second SF row for \(cur.code)") }
            declared.append(BillSummary(currency: cur, payments: Int(try line.integer(2)), paid: try line.integer(3),
                                        refunds: Int(try line.integer(4)), refunded: try line.integer(5),
                                        fees: try line.integer(6) - (try line.integer(7))))
            seen.insert("SF")
        case "SC", "RC", "FF":
            try line.expectCount(2, what: "a count row (\(type))")
            guard seen.contains("SF") else { throw line.error("\(type) before the section footer (SF)") }
            guard try line.integer(1) == Int64(rows) else { throw line.error("\(type) counts \(line.text(1)) rows, the report has \(rows)") }
            seen.insert(type)
            if type == "FF" { footerLine = line.number }
        case "RF":
            seen.insert(type)
        default:
            throw line.error("row type '\(type)': not RH, FH, SH, CH, SB, SF, SC, RF, RC or FF")
        }
        return nil
    }

    private mutating func transaction(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        line.columns = Self.columns
        try line.split()
        try line.expectCount(14, what: "a transaction (SB) row")
        rows += 1
        let cur: Currency
        if let last = lastCurrency, line.fieldEquals(10, Array(last.code.utf8)) { cur = last } else {
            guard let parsed = Currency(code: line.text(10)) else { throw line.error(10, "not a currency") }
            cur = parsed
            lastCurrency = parsed
        }
        guard line.fieldEquals(13, Array(cur.code.utf8)) else { throw line.error(13, "the fee's currency differs from the gross's") }
        let gross = try line.integer(9)
        guard gross > 0 else { throw line.error(9, "must be positive") }
        let fee = try line.integer(12)
        let time = try line.slashedUTCTime(7)
        if line.fieldEquals(5, Self.paymentCode) {
            guard line.fieldEquals(8, Self.cr) else { throw line.error(8, "a payment is a credit (CR)") }
            guard line.fieldEquals(11, Self.dr) || fee == 0 else { throw line.error(11, "a payment's fee is a debit (DR)") }
            return BillRecord(line: line.number, kind: .payment, outcome: .succeeded, channelSerial: try line.serial(1), centerSerial: try line.serial(2),
                              amount: Money(minorUnits: gross, currency: cur), fee: Money(minorUnits: fee, currency: cur), time: time)
        }
        guard line.fieldEquals(5, Self.refundCode) else { throw line.error(5, "not \(Self.payment) (payment) or \(Self.refund) (refund)") }
        guard line.fieldEquals(8, Self.dr) else { throw line.error(8, "a refund is a debit (DR)") }
        guard line.fieldEquals(11, Self.cr) || fee == 0 else { throw line.error(11, "a refund's returned fee is a credit (CR)") }
        return BillRecord(line: line.number, kind: .refund, outcome: .succeeded, channelSerial: try line.serial(1), centerSerial: try line.serial(2),
                          paymentChannelSerial: try line.serial(3), amount: Money(minorUnits: gross, currency: cur),
                          fee: Money(minorUnits: fee, currency: cur), time: time)
    }

    func finish(lastLine: Int) throws(PayError) -> BillDeclared {
        guard seen.contains("CH") else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no header rows (RH, FH, SH, CH)") }
        guard footerLine > 0, !declared.isEmpty else {
            throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no section footer (SF) and file footer (FF)")
        }
        return BillDeclared(summaries: declared, line: footerLine)
    }
}
