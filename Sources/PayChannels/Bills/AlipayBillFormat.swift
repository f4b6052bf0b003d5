import PayCore

/// Alipay's 业务明细 (trade detail) bill: `#` comment lines, a Chinese header row, one row per
/// trade (业务类型 交易 or 退款; a refund's amounts negative, a payment's 服务费 negative), and two
/// `#` summary lines (counts, then amounts) — the bill's integrity check. Amounts in yuan (CNY).
///
/// Alipay's bill has no refund id: a refund's channel serial is `trade_no-out_request_no`, as the
/// center's Alipay plugin records it.
struct AlipayBillFormat: BillFormat {
    static let header = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,对方账户,订单金额（元）,商家实收（元）,退款批次号/请求号,服务费（元）,备注"
    static let columns = header.split(separator: ",").map(String.init)
    static let countsPrefix = "#交易合计："
    static let amountsPrefix = "#订单金额合计："
    private static let headerBytes = Array(header.utf8)
    private static let payment = Array("交易".utf8)
    private static let refund = Array("退款".utf8)
    private static let refundFailed = Array("退款失败".utf8)
    private static let refundProcessing = Array("退款处理中".utf8)
    private static let counts = Array(countsPrefix.utf8)
    private static let amounts = Array(amountsPrefix.utf8)

    let name: String
    private var sawHeader = false
    private var declared = BillSummary(currency: .CNY)
    private var countsLine = 0
    private var amountsLine = 0

    init(name: String) { self.name = name }

    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        if line.bytes.first == 35 {  // "#"
            if line.hasPrefix(Self.counts) {
                try readCounts(line)
            } else if line.hasPrefix(Self.amounts) {
                try readAmounts(line)
            }
            return nil
        }
        guard sawHeader else {
            guard line.equals(Self.headerBytes) else { throw line.error("wrong header: expected '\(Self.header)'") }
            sawHeader = true
            return nil
        }
        guard countsLine == 0 else { throw line.error("a trade line after the summary") }
        line.columns = Self.columns
        try line.split()
        try line.expectCount(12, what: "an Alipay trade line")
        let cny = Currency.CNY.exponent
        let tradeNo = try line.serial(0)
        let amount = try line.minor(7, exponent: cny)
        let received = try line.minor(8, exponent: cny)
        let fee = try line.minor(10, exponent: cny)
        let time = try line.beijingTime(5)
        if line.fieldEquals(2, Self.payment) {
            guard amount > 0 else { throw line.error(7, "a payment's amount must be positive") }
            guard received == amount else { throw line.error(8, "a payment's 商家实收 must equal its 订单金额") }
            guard fee <= 0 else { throw line.error(10, "a payment's 服务费 is charged: negative or zero") }
            return BillRecord(line: line.number, kind: .payment, outcome: .succeeded, channelSerial: tradeNo, centerSerial: try line.serial(1),
                              amount: Money(minorUnits: amount, currency: .CNY), fee: Money(minorUnits: -fee, currency: .CNY), time: time)
        }
        guard line.fieldEquals(2, Self.refund) else { throw line.error(2, "not 交易 or 退款") }
        guard amount < 0 else { throw line.error(7, "a refund's amount must be negative") }
        guard received == amount else { throw line.error(8, "a refund's 商家实收 must equal its 订单金额") }
        guard fee >= 0 else { throw line.error(10, "a refund's returned 服务费 is positive or zero") }
        let requestNo = try line.serial(9)
        let outcome: BillRecord.Outcome = line.fieldEquals(11, Self.refundFailed) ? .failed
            : (line.fieldEquals(11, Self.refundProcessing) ? .processing : .succeeded)
        return BillRecord(line: line.number, kind: .refund, outcome: outcome, channelSerial: tradeNo + "-" + requestNo, centerSerial: requestNo,
                          paymentChannelSerial: tradeNo, amount: Money(minorUnits: -amount, currency: .CNY),
                          fee: Money(minorUnits: fee, currency: .CNY), time: time)
    }

    /// "#交易合计：3笔，退款合计：1笔"
    private mutating func readCounts(_ line: BillLine) throws(PayError) {
        let numbers = try Self.numbers(line, expected: 2, what: "'#交易合计：N笔，退款合计：M笔'")
        guard numbers.allSatisfy({ $0.fraction == 0 && $0.integer >= 0 }) else { throw line.error("counts must be whole numbers") }
        declared.payments = Int(numbers[0].integer)
        declared.refunds = Int(numbers[1].integer)
        countsLine = line.number
    }

    /// "#订单金额合计：12.00元，退款金额合计：5.00元，服务费合计：0.07元，商家实收合计：6.93元"
    private mutating func readAmounts(_ line: BillLine) throws(PayError) {
        let numbers = try Self.numbers(line, expected: 4, what: "'#订单金额合计：X元，退款金额合计：Y元，服务费合计：Z元，商家实收合计：W元'")
        let minor = numbers.map { $0.integer * 100 + $0.fraction }
        declared.paid = minor[0]
        declared.refunded = minor[1]
        declared.fees = minor[2]
        guard minor[3] == minor[0] - minor[1] - minor[2] else {
            throw line.error("商家实收合计 is not 订单金额合计 − 退款金额合计 − 服务费合计")
        }
        amountsLine = line.number
    }

    /// The decimal numbers of a summary line, in order (yuan: at most two decimals).
    private static func numbers(_ line: BillLine, expected: Int, what: String) throws(PayError) -> [(integer: Int64, fraction: Int64)] {
        var result: [(Int64, Int64)] = []
        var k = 0
        let b = line.bytes
        while k < b.count {
            guard (b[k] >= 48 && b[k] <= 57) || b[k] == 45 else { k += 1; continue }
            let negative = b[k] == 45
            if negative { k += 1; guard k < b.count, b[k] >= 48, b[k] <= 57 else { continue } }
            var integer: Int64 = 0
            var digits = 0
            while k < b.count, b[k] >= 48, b[k] <= 57, digits < 16 { integer = integer * 10 + Int64(b[k] - 48); k += 1; digits += 1 }
            var fraction: Int64 = 0
            if k + 2 < b.count, b[k] == 46, b[k + 1] >= 48, b[k + 1] <= 57, b[k + 2] >= 48, b[k + 2] <= 57 {
                fraction = Int64(b[k + 1] - 48) * 10 + Int64(b[k + 2] - 48)
                k += 3
            }
            result.append(negative ? (-integer, -fraction) : (integer, fraction))
        }
        guard result.count == expected else { throw line.error("a summary line that is not \(what)") }
        return result
    }

    func finish(lastLine: Int) throws(PayError) -> BillDeclared {
        guard sawHeader else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no header row") }
        guard countsLine > 0, amountsLine > 0 else {
            throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no summary lines (\(Self.countsPrefix)…, \(Self.amountsPrefix)…)")
        }
        return BillDeclared(summaries: [declared], line: max(countsLine, amountsLine))
    }
}
