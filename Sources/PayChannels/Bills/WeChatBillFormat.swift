import PayCore

/// WeChat Pay's trade bill (bill_type ALL): a Chinese header row, one row per trade with every
/// field prefixed by a back-tick (交易状态 SUCCESS for a payment, REFUND for a refund), then the
/// totals header and one totals row — the bill's integrity check. Times in Beijing time.
struct WeChatBillFormat: BillFormat {
    static let header = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    static let totalsHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    static let columns = header.split(separator: ",").map(String.init)
    static let totalsColumns = totalsHeader.split(separator: ",").map(String.init)
    private static let headerBytes = Array(header.utf8)
    private static let totalsHeaderBytes = Array(totalsHeader.utf8)
    private static let success = Array("SUCCESS".utf8)
    private static let refund = Array("REFUND".utf8)
    private static let processing = Array("PROCESSING".utf8)
    private static let refundClose = Array("REFUNDCLOSE".utf8)
    private static let change = Array("CHANGE".utf8)

    let name: String
    private var sawHeader = false
    private var sawTotalsHeader = false
    private var declared: BillSummary?
    private var totalsLine = 0
    /// The bill's currency, from its first line (WeChat bills one currency per bill).
    private var currency: Currency?

    init(name: String) { self.name = name }

    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        guard sawHeader else {
            guard line.equals(Self.headerBytes) else { throw line.error("wrong header: expected '\(Self.header)'") }
            sawHeader = true
            return nil
        }
        if declared != nil { throw line.error("a line after the totals row") }
        if sawTotalsHeader { try readTotals(&line); return nil }
        if line.equals(Self.totalsHeaderBytes) { sawTotalsHeader = true; return nil }
        line.columns = Self.columns
        try line.split()
        try line.expectCount(27, what: "a WeChat Pay trade line")
        try line.dropPrefix(96, what: "back-tick (`)")
        guard let cur = Currency(code: line.text(11)) else { throw line.error(11, "not a currency") }
        if let currency, currency != cur { throw line.error(11, "a second currency in one bill (\(currency.code) before)") }
        currency = cur
        let time = try line.beijingTime(0)
        let fee = try line.minor(22, exponent: cur.exponent)
        if line.fieldEquals(9, Self.success) {
            let amount = try line.minor(12, exponent: cur.exponent)
            guard amount > 0 else { throw line.error(12, "a payment's amount must be positive") }
            guard fee >= 0 else { throw line.error(22, "a payment's fee is charged: positive or zero") }
            return BillRecord(line: line.number, kind: .payment, outcome: .succeeded, channelSerial: try line.serial(5),
                              centerSerial: try line.serial(6), amount: Money(minorUnits: amount, currency: cur),
                              fee: Money(minorUnits: fee, currency: cur), time: time)
        }
        guard line.fieldEquals(9, Self.refund) else { throw line.error(9, "not SUCCESS or REFUND") }
        let amount = try line.minor(16, exponent: cur.exponent)
        guard amount > 0 else { throw line.error(16, "a refund's amount must be positive") }
        guard fee <= 0 else { throw line.error(22, "a refund's returned fee is negative or zero") }
        let outcome: BillRecord.Outcome
        if line.fieldEquals(19, Self.success) { outcome = .succeeded }
        else if line.fieldEquals(19, Self.processing) { outcome = .processing }
        else if line.fieldEquals(19, Self.refundClose) || line.fieldEquals(19, Self.change) { outcome = .failed }
        else { throw line.error(19, "not SUCCESS, PROCESSING, REFUNDCLOSE or CHANGE") }
        return BillRecord(line: line.number, kind: .refund, outcome: outcome, channelSerial: try line.serial(14), centerSerial: try line.serial(15),
                          paymentChannelSerial: try line.serial(5), amount: Money(minorUnits: amount, currency: cur),
                          fee: Money(minorUnits: -fee, currency: cur), time: time)
    }

    /// "`4,`12.00,`5.00,`0.00,`0.07,`12.00,`5.00": the count is payments and refunds together.
    private mutating func readTotals(_ line: inout BillLine) throws(PayError) {
        line.columns = Self.totalsColumns
        try line.split()
        try line.expectCount(7, what: "the totals row")
        try line.dropPrefix(96, what: "back-tick (`)")
        let cur = currency ?? .CNY
        let count = try line.integer(0)
        let paid = try line.minor(1, exponent: cur.exponent)
        let refunded = try line.minor(2, exponent: cur.exponent)
        let fees = try line.minor(4, exponent: cur.exponent)
        guard try line.minor(5, exponent: cur.exponent) == paid else { throw line.error(5, "订单总金额 differs from 应结订单总金额") }
        guard try line.minor(6, exponent: cur.exponent) == refunded else { throw line.error(6, "申请退款总金额 differs from 退款总金额") }
        // why: the totals row counts payments and refunds together; the reader's check splits them
        // by taking the refunds from the lines and the rest as payments.
        declared = BillSummary(currency: cur, payments: Int(count), paid: paid, refunds: 0, refunded: refunded, fees: fees)
        totalsLine = line.number
    }

    func finish(lastLine: Int) throws(PayError) -> BillDeclared {
        guard sawHeader else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no header row") }
        guard let declared else {
            throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no totals row (\(Self.totalsHeader))")
        }
        return BillDeclared(summaries: [declared], line: totalsLine, combinedCount: true)
    }
}
