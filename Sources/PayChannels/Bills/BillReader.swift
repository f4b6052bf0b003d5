import PayCore

/// Reads a channel's bill file in the channel's own format (issue 16): streams it a chunk at a
/// time, hands every trade line to `each` as a `BillRecord`, checks the bill's integrity against
/// its own summary or trailer lines, and returns that summary.
///
/// Memory does not grow with the file: one chunk and one line are held at a time. Whatever `each`
/// did before an error is the caller's to discard — a malformed bill or one whose summary
/// disagrees with its lines throws only after some lines may have been handed over, so a caller
/// applies nothing until `read` has returned.
public struct BillReader: Sendable {
    /// The channel formats the reader knows, by channel name.
    public static let channels = ["alipay", "wechat", "unionpay", "card", "paypal", "wallet"]

    /// The channel whose format this reader reads.
    public let channel: String

    /// Picks the channel's format; an unknown channel is `invalidInput`.
    public init(channel: String) throws(PayError) {
        guard BillReader.channels.contains(channel) else {
            throw PayError.invalidInput("bill format for channel '\(channel)': unknown (known: \(BillReader.channels.joined(separator: ", ")))")
        }
        self.channel = channel
    }

    /// Streams the file at `path` (errors name the file by its last path component).
    public func read(path: String, each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var source = try BillByteSource(path: path, name: name)
        defer { source.close() }
        return try run(&source, name: name, each: each)
    }

    /// Reads a bill held in memory; `name` is what errors call it.
    public func read(bytes: [UInt8], name: String, each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        var source = BillByteSource(bytes: bytes, name: name)
        return try run(&source, name: name, each: each)
    }

    private func run(_ source: inout BillByteSource, name: String, each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        switch channel {
        case "alipay": return try Self.run(AlipayBillFormat(name: name), &source, each)
        case "wechat": return try Self.run(WeChatBillFormat(name: name), &source, each)
        case "unionpay": return try Self.run(UnionPayBillFormat(name: name), &source, each)
        case "paypal": return try Self.run(PayPalBillFormat(name: name), &source, each)
        default: return try Self.run(SettlementBillFormat(name: name), &source, each)
        }
    }

    // why generic: the format's per-line call is specialised, not dispatched through an existential,
    // which matters at a million lines.
    private static func run<F: BillFormat>(_ format: F, _ source: inout BillByteSource,
                                           _ each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        var format = format
        var totals = BillTotals()
        var lastLine = 0
        try source.lines { (line: inout BillLine) throws(PayError) in
            lastLine = line.number
            if let record = try format.take(&line) {
                totals.add(record)
                try each(record)
            }
        }
        let declared = try format.finish(lastLine: lastLine)
        return try totals.check(against: declared, name: format.name)
    }
}

/// One channel's bill format: what a line means, and what the bill says its totals are.
protocol BillFormat {
    var name: String { get }
    /// The record a trade line holds; nil for header, comment and summary lines (whose totals the
    /// format keeps). Throws on a line it cannot read.
    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord?
    /// The totals the bill declares, per currency (the first is the bill's main currency), and the
    /// line they were declared on; throws when the file ended before them (truncated).
    func finish(lastLine: Int) throws(PayError) -> BillDeclared
}

/// The totals a bill's summary lines declare, to be checked against its lines.
struct BillDeclared {
    var summaries: [BillSummary]
    var line: Int
    /// The bill declares one count for payments and refunds together (WeChat), held in `payments`.
    var combinedCount = false
}

/// The totals of the lines read, per currency. Failed trades count in no total (every channel's
/// summary leaves them out); a payment's fee adds, a refund's returned fee subtracts.
struct BillTotals {
    var byCurrency: [BillSummary] = []

    mutating func add(_ record: BillRecord) {
        guard record.outcome != .failed else { return }
        let currency = record.amount.currency
        var index = byCurrency.firstIndex { $0.currency == currency } ?? -1
        if index < 0 {
            byCurrency.append(BillSummary(currency: currency))
            index = byCurrency.count - 1
        }
        switch record.kind {
        case .payment:
            byCurrency[index].payments += 1
            byCurrency[index].paid &+= record.amount.minorUnits
            byCurrency[index].fees &+= record.fee.minorUnits
        case .refund:
            byCurrency[index].refunds += 1
            byCurrency[index].refunded &+= record.amount.minorUnits
            byCurrency[index].fees &-= record.fee.minorUnits
        }
    }

    /// The declared summary when every currency's totals agree with the lines; otherwise an error
    /// naming the summary line and the first figure that differs.
    func check(against declared: BillDeclared, name: String) throws(PayError) -> BillSummary {
        func fail(_ what: String) -> PayError {
            PayError.invalidInput("bill '\(name)' line \(declared.line): the summary disagrees with the lines: \(what)")
        }
        for var summary in declared.summaries {
            let ours = byCurrency.first { $0.currency == summary.currency } ?? BillSummary(currency: summary.currency)
            let cur = summary.currency
            func money(_ minor: Int64) -> String { Money(minorUnits: minor, currency: cur).decimalString }
            if declared.combinedCount {
                guard summary.payments == ours.payments + ours.refunds else {
                    throw fail("\(summary.payments) trades declared, \(ours.payments + ours.refunds) listed (\(cur.code))")
                }
                summary.payments = ours.payments
                summary.refunds = ours.refunds
            }
            if summary.payments != ours.payments { throw fail("\(summary.payments) payments declared, \(ours.payments) listed (\(cur.code))") }
            if summary.paid != ours.paid { throw fail("payments of \(money(summary.paid)) declared, \(money(ours.paid)) listed (\(cur.code))") }
            if summary.refunds != ours.refunds { throw fail("\(summary.refunds) refunds declared, \(ours.refunds) listed (\(cur.code))") }
            if summary.refunded != ours.refunded { throw fail("refunds of \(money(summary.refunded)) declared, \(money(ours.refunded)) listed (\(cur.code))") }
            if summary.fees != ours.fees { throw fail("fees of \(money(summary.fees)) declared, \(money(ours.fees)) listed (\(cur.code))") }
        }
        for ours in byCurrency where !declared.summaries.contains(where: { $0.currency == ours.currency }) {
            throw fail("lines in \(ours.currency.code) but no \(ours.currency.code) totals")
        }
        // The lines agree with every declared figure, so the lines' totals are the bill's.
        guard let first = declared.summaries.first else { throw fail("no totals") }
        var main = byCurrency.first { $0.currency == first.currency } ?? BillSummary(currency: first.currency)
        main.others = declared.summaries.dropFirst().map { declared in
            byCurrency.first { $0.currency == declared.currency } ?? BillSummary(currency: declared.currency)
        }
        return main
    }
}
