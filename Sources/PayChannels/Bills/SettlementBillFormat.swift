import PayCore

/// The card acquirers' and the wallet's settlement report: a CSV with a header row, one row per
/// payment or refund (a refund's gross negative, its returned fee negative; net = gross − fee),
/// then a trailer row per currency and an `end` row counting the detail rows — the integrity
/// check: a file without its `end` row is truncated.
///
///     type,channel_serial,center_serial,payment_channel_serial,booked_at_utc,currency,gross,fee,net,status
///     payment,ch_…,P…,,2026-11-21T09:30:12.000Z,USD,12.00,0.42,11.58,succeeded
///     refund,re_…,R…,ch_…,2026-11-21T10:00:00.000Z,USD,-5.00,-0.17,-4.83,succeeded
///     trailer,USD,1,12.00,1,5.00,0.25,6.75
///     end,2
struct SettlementBillFormat: BillFormat {
    static let header = "type,channel_serial,center_serial,payment_channel_serial,booked_at_utc,currency,gross,fee,net,status"
    static let columns = header.split(separator: ",").map(String.init)
    static let trailerColumns = ["trailer", "currency", "payments", "paid", "refunds", "refunded", "fees", "net"]
    private static let headerBytes = Array(header.utf8)
    private static let payment = Array("payment".utf8)
    private static let refund = Array("refund".utf8)
    private static let trailer = Array("trailer,".utf8)
    private static let end = Array("end,".utf8)
    private static let succeeded = Array("succeeded".utf8)
    private static let processing = Array("processing".utf8)
    private static let failed = Array("failed".utf8)

    let name: String
    private var sawHeader = false
    private var declared: [BillSummary] = []
    private var rows = 0
    private var endLine = 0
    private var lastCurrency: Currency?

    init(name: String) { self.name = name }

    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        guard sawHeader else {
            guard line.equals(Self.headerBytes) else { throw line.error("wrong header: expected '\(Self.header)'") }
            sawHeader = true
            return nil
        }
        if endLine > 0 { throw line.error("a line after the end row") }
        if line.hasPrefix(Self.trailer) { try readTrailer(&line); return nil }
        if line.hasPrefix(Self.end) {
            try line.split()
            try line.expectCount(2, what: "the end row")
            guard try line.integer(1) == Int64(rows) else { throw line.error("the end row counts \(line.text(1)) rows, the file has \(rows)") }
            endLine = line.number
            return nil
        }
        guard declared.isEmpty else { throw line.error("a trade row after the trailer rows") }
        line.columns = Self.columns
        try line.split()
        try line.expectCount(10, what: "a settlement row")
        rows += 1
        let cur: Currency
        if let last = lastCurrency, line.fieldEquals(5, Array(last.code.utf8)) { cur = last } else {
            guard let parsed = Currency(code: line.text(5)) else { throw line.error(5, "not a currency") }
            cur = parsed
            lastCurrency = parsed
        }
        let gross = try line.minor(6, exponent: cur.exponent)
        let fee = try line.minor(7, exponent: cur.exponent)
        guard try line.minor(8, exponent: cur.exponent) == gross - fee else { throw line.error(8, "net is not gross − fee") }
        let time = try line.isoTime(4)
        let outcome: BillRecord.Outcome
        if line.fieldEquals(9, Self.succeeded) { outcome = .succeeded }
        else if line.fieldEquals(9, Self.processing) { outcome = .processing }
        else if line.fieldEquals(9, Self.failed) { outcome = .failed }
        else { throw line.error(9, "not succeeded, processing or failed") }
        if line.fieldEquals(0, Self.payment) {
            guard gross > 0 else { throw line.error(6, "a payment's gross must be positive") }
            guard fee >= 0 else { throw line.error(7, "a payment's fee is positive or zero") }
            return BillRecord(line: line.number, kind: .payment, outcome: outcome, channelSerial: try line.serial(1), centerSerial: try line.serial(2),
                              amount: Money(minorUnits: gross, currency: cur), fee: Money(minorUnits: fee, currency: cur), time: time)
        }
        guard line.fieldEquals(0, Self.refund) else { throw line.error(0, "not payment or refund") }
        guard gross < 0 else { throw line.error(6, "a refund's gross must be negative") }
        guard fee <= 0 else { throw line.error(7, "a refund's returned fee is negative or zero") }
        return BillRecord(line: line.number, kind: .refund, outcome: outcome, channelSerial: try line.serial(1), centerSerial: try line.serial(2),
                          paymentChannelSerial: try line.serial(3), amount: Money(minorUnits: -gross, currency: cur),
                          fee: Money(minorUnits: -fee, currency: cur), time: time)
    }

    private mutating func readTrailer(_ line: inout BillLine) throws(PayError) {
        line.columns = Self.trailerColumns
        try line.split()
        try line.expectCount(8, what: "a trailer row")
        guard let cur = Currency(code: line.text(1)) else { throw line.error(1, "not a currency") }
        guard !declared.contains(where: { $0.currency == cur }) else { throw line.error(1, "a second trailer for \(cur.code)") }
        let summary = BillSummary(currency: cur, payments: Int(try line.integer(2)), paid: try line.minor(3, exponent: cur.exponent),
                                  refunds: Int(try line.integer(4)), refunded: try line.minor(5, exponent: cur.exponent),
                                  fees: try line.minor(6, exponent: cur.exponent))
        guard try line.minor(7, exponent: cur.exponent) == summary.paid - summary.refunded - summary.fees else {
            throw line.error(7, "net is not paid − refunded − fees")
        }
        declared.append(summary)
    }

    func finish(lastLine: Int) throws(PayError) -> BillDeclared {
        guard sawHeader else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no header row") }
        guard endLine > 0, !declared.isEmpty else {
            throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no trailer and end rows")
        }
        return BillDeclared(summaries: declared, line: endLine)
    }
}
