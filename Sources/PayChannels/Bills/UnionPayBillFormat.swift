import PayCore

/// UnionPay's 全渠道 5.1.0 对账文件, the way a merchant's 流水文件 (the "INN…ZM_…" file inside the
/// downloaded archive) reads: fixed-width records, fields separated by one space and padded with
/// spaces; amounts in 分 as zero-padded digits; times `YYYYMMDDhhmmss` in Beijing time.
///
///     H 5.1.0 merId(15) settleDate(8)
///     D txnType(2) queryId(21) orderId(40) origQryId(21) txnTime(14) currencyCode(3) txnAmt(12) C|D fee(12) respCode(2)
///     T payments(10) paid(16) refunds(10) refunded(16) C|D fees(16)
///
/// txnType 01 is a payment (消费), 04 a refund (退货) whose origQryId is the payment's queryId.
/// The fee is D(ebited) from the merchant on a payment, C(redited) back on a refund. respCode 00
/// is success, 05 accepted and in progress, anything else failed. The trailer record is the
/// file's integrity check: a file without it is truncated.
struct UnionPayBillFormat: BillFormat {
    static let headerWidths = [1, 5, 15, 8]
    static let detailWidths = [1, 2, 21, 40, 21, 14, 3, 12, 1, 12, 2]
    static let trailerWidths = [1, 10, 16, 10, 16, 1, 16]
    static let detailColumns = ["record", "txnType", "queryId", "orderId", "origQryId", "txnTime", "currencyCode", "txnAmt", "feeSign", "fee", "respCode"]
    static let trailerColumns = ["record", "payments", "paid", "refunds", "refunded", "feeSign", "fees"]

    let name: String
    private var sawHeader = false
    private var declared: BillSummary?
    private var trailerLine = 0
    private var currency: Currency?

    init(name: String) { self.name = name }

    mutating func take(_ line: inout BillLine) throws(PayError) -> BillRecord? {
        if declared != nil { throw line.error("a record after the trailer (T) record") }
        switch line.bytes.first {
        case 72:  // H
            guard !sawHeader, line.number == 1 else { throw line.error("a second header (H) record") }
            try line.splitFixed(Self.headerWidths)
            guard line.text(1) == "5.1.0" else { throw line.error("version '\(line.text(1))': this reader knows 5.1.0") }
            sawHeader = true
            return nil
        case 68:  // D
            guard sawHeader else { throw line.error("wrong header: the file must start with an H record") }
            line.columns = Self.detailColumns
            try line.splitFixed(Self.detailWidths)
            guard let cur = NumericCurrency.currency(line.text(6)) else { throw line.error(6, "not an ISO 4217 numeric currency") }
            if let currency, currency != cur { throw line.error(6, "a second currency in one file (\(currency.code) before)") }
            currency = cur
            let amount = try line.integer(7)
            guard amount > 0 else { throw line.error(7, "must be positive") }
            let fee = try line.integer(9)
            let time = try line.compactBeijingTime(5)
            let outcome: BillRecord.Outcome = line.text(10) == "00" ? .succeeded : (line.text(10) == "05" ? .processing : .failed)
            switch line.text(1) {
            case "01":
                guard line.text(8) == "D" || fee == 0 else { throw line.error(8, "a payment's fee is debited (D)") }
                return BillRecord(line: line.number, kind: .payment, outcome: outcome, channelSerial: try line.serial(2), centerSerial: try line.serial(3),
                                  amount: Money(minorUnits: amount, currency: cur), fee: Money(minorUnits: fee, currency: cur), time: time)
            case "04":
                guard line.text(8) == "C" || fee == 0 else { throw line.error(8, "a refund's fee is credited back (C)") }
                return BillRecord(line: line.number, kind: .refund, outcome: outcome, channelSerial: try line.serial(2), centerSerial: try line.serial(3),
                                  paymentChannelSerial: try line.serial(4), amount: Money(minorUnits: amount, currency: cur),
                                  fee: Money(minorUnits: fee, currency: cur), time: time)
            default:
                throw line.error(1, "not 01 (消费) or 04 (退货)")
            }
        case 84:  // T
            guard sawHeader else { throw line.error("wrong header: the file must start with an H record") }
            line.columns = Self.trailerColumns
            try line.splitFixed(Self.trailerWidths)
            let fees = try line.integer(6)
            let sign = line.text(5)
            guard sign == "D" || sign == "C" else { throw line.error(5, "not D or C") }
            declared = BillSummary(currency: currency ?? .CNY, payments: Int(try line.integer(1)), paid: try line.integer(2),
                                   refunds: Int(try line.integer(3)), refunded: try line.integer(4), fees: sign == "D" ? fees : -fees)
            trailerLine = line.number
            return nil
        default:
            throw line.error(sawHeader ? "not an H, D or T record" : "wrong header: the file must start with an H record")
        }
    }

    func finish(lastLine: Int) throws(PayError) -> BillDeclared {
        guard sawHeader else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no header (H) record") }
        guard let declared else { throw PayError.invalidInput("bill '\(name)' line \(lastLine + 1): truncated: no trailer (T) record") }
        return BillDeclared(summaries: [declared], line: trailerLine)
    }
}
