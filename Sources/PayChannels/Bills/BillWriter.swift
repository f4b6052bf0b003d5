import Foundation
import PayCore

/// Writes `BillRecord`s as a channel's bill file, streaming, with the summary lines the format
/// ends with computed on the way: for benchmarks and tests that need a bill of many lines, or one
/// that differs from the center on purpose, without a sandbox ledger behind it. What `BillReader`
/// reads back is the same records (line numbers aside).
public enum BillWriter {
    /// Writes `records` as `channel`'s bill of `date` for `account` at `path`. Returns the records
    /// written. Alipay's bill is in CNY; WeChat's and UnionPay's hold one currency.
    @discardableResult
    public static func write<S: Sequence<BillRecord>>(channel: String, date: String, account: String, records: S,
                                                      to path: String) throws(PayError) -> Int {
        _ = try BillReader(channel: channel)
        guard let file = fopen(path, "wb") else {
            throw PayError.invalidInput("bill file '\(path)': cannot write: \(String(cString: strerror(errno)))")
        }
        var out = Output(file: file)
        defer { fclose(file) }
        var totals = BillTotals()
        var count = 0
        var refundFees: [String: Int64] = [:]
        let compact = date.filter(\.isNumber)
        func money(_ minor: Int64, _ currency: Currency) -> String { Money(minorUnits: minor, currency: currency).decimalString }
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        func digits(_ value: Int64, _ width: Int) -> String { let s = String(value); return String(repeating: "0", count: max(0, width - s.count)) + s }
        func stl(_ time: Timestamp) -> String { time.displayString.replacingOccurrences(of: "-", with: "/") + " +0000" }
        switch channel {
        case "alipay":
            out.line("#支付宝业务明细查询")
            out.line("#账号：[\(account)]")
            out.line("#-----------------------------------------业务明细列表----------------------------------------")
            out.line(AlipayBillFormat.header)
        case "wechat": out.line(WeChatBillFormat.header)
        case "unionpay": out.line("H 5.1.0 \(pad(account, 15)) \(compact)")
        case "paypal":
            out.line("\"RH\",\"\(date.replacingOccurrences(of: "-", with: "/")) 23:59:59 +0000\",\"A\",\"\(account)\",011")
            out.line("\"FH\",01")
            out.line("\"SH\",\"\(date.replacingOccurrences(of: "-", with: "/")) 00:00:00 +0000\",\"\(date.replacingOccurrences(of: "-", with: "/")) 23:59:59 +0000\",\"\(account)\",\"\"")
            out.line((["\"CH\""] + PayPalBillFormat.columnNames.map { "\"\($0)\"" }).joined(separator: ","))
        default: out.line(SettlementBillFormat.header)
        }
        for r in records {
            if channel == "paypal", r.outcome == .failed { continue }
            totals.add(r)
            count += 1
            if r.kind == .refund, r.outcome != .failed { refundFees[r.amount.currency.code, default: 0] += r.fee.minorUnits }
            let cur = r.amount.currency
            let isPayment = r.kind == .payment
            switch channel {
            case "alipay":
                let sign: Int64 = isPayment ? 1 : -1
                let remark = r.outcome == .failed ? "退款失败" : (r.outcome == .processing ? "退款处理中" : "")
                let time = ChannelTime.beijing(r.time)
                out.line([isPayment ? r.channelSerial : (r.paymentChannelSerial ?? ""), isPayment ? r.centerSerial : "", isPayment ? "交易" : "退款", "",
                          time, time, "", money(sign * r.amount.minorUnits, .CNY), money(sign * r.amount.minorUnits, .CNY),
                          isPayment ? "" : r.centerSerial, money(-sign * r.fee.minorUnits, .CNY), remark].joined(separator: ","))
            case "wechat":
                let status = r.outcome == .succeeded ? "SUCCESS" : (r.outcome == .processing ? "PROCESSING" : "REFUNDCLOSE")
                let fields = [ChannelTime.beijing(r.time), "wx0", account, "0", "", isPayment ? r.channelSerial : (r.paymentChannelSerial ?? ""),
                              isPayment ? r.centerSerial : "", "o", "MICROPAY", isPayment ? "SUCCESS" : "REFUND", "OTHERS", cur.code,
                              isPayment ? r.amount.decimalString : "0.00", "0.00", isPayment ? "0" : r.channelSerial, isPayment ? "0" : r.centerSerial,
                              isPayment ? "0.00" : r.amount.decimalString, "0.00", isPayment ? "" : "ORIGINAL", isPayment ? "" : status, "", "",
                              isPayment ? r.fee.decimalString : money(-r.fee.minorUnits, cur), "0.60%", isPayment ? r.amount.decimalString : "0.00",
                              isPayment ? "0.00" : r.amount.decimalString, ""]
                out.line(fields.map { "`" + $0 }.joined(separator: ","))
            case "unionpay":
                let code = r.outcome == .succeeded ? "00" : (r.outcome == .processing ? "05" : "01")
                out.line(["D", isPayment ? "01" : "04", pad(r.channelSerial, 21), pad(r.centerSerial, 40), pad(r.paymentChannelSerial ?? "", 21),
                          ChannelTime.compact(r.time), NumericCurrency.code(cur), digits(r.amount.minorUnits, 12), isPayment ? "D" : "C",
                          digits(r.fee.minorUnits, 12), code].joined(separator: " "))
            case "paypal":
                out.line(["\"SB\"", "\"\(r.channelSerial)\"", "\"\(r.centerSerial)\"", "\"\(r.paymentChannelSerial ?? "")\"", isPayment ? "\"\"" : "\"TXN\"",
                          isPayment ? "\"T0006\"" : "\"T1107\"", "\"\(stl(r.time))\"", "\"\(stl(r.time))\"", isPayment ? "\"CR\"" : "\"DR\"",
                          String(r.amount.minorUnits), "\"\(cur.code)\"", isPayment ? "\"DR\"" : "\"CR\"", String(r.fee.minorUnits), "\"\(cur.code)\""]
                    .joined(separator: ","))
            default:
                let sign: Int64 = isPayment ? 1 : -1
                let status = switch r.outcome { case .succeeded: "succeeded"; case .processing: "processing"; case .failed: "failed" }
                out.line([isPayment ? "payment" : "refund", r.channelSerial, r.centerSerial, r.paymentChannelSerial ?? "", r.time.iso8601, cur.code,
                          money(sign * r.amount.minorUnits, cur), money(sign * r.fee.minorUnits, cur),
                          money(sign * (r.amount.minorUnits - r.fee.minorUnits), cur), status].joined(separator: ","))
            }
        }
        let sums = totals.byCurrency.isEmpty ? [BillSummary(currency: channel == "paypal" ? .USD : .CNY)] : totals.byCurrency
        let t = sums[0]
        let cur = t.currency
        switch channel {
        case "alipay":
            out.line("#-----------------------------------------业务明细列表结束------------------------------------")
            out.line("\(AlipayBillFormat.countsPrefix)\(t.payments)笔，退款合计：\(t.refunds)笔")
            out.line("\(AlipayBillFormat.amountsPrefix)\(money(t.paid, .CNY))元，退款金额合计：\(money(t.refunded, .CNY))元，服务费合计：\(money(t.fees, .CNY))元，商家实收合计：\(money(t.paid - t.refunded - t.fees, .CNY))元")
        case "wechat":
            out.line(WeChatBillFormat.totalsHeader)
            out.line(["\(t.payments + t.refunds)", money(t.paid, cur), money(t.refunded, cur), "0.00", money(t.fees, cur), money(t.paid, cur),
                      money(t.refunded, cur)].map { "`" + $0 }.joined(separator: ","))
        case "unionpay":
            out.line(["T", digits(Int64(t.payments), 10), digits(t.paid, 16), digits(Int64(t.refunds), 10), digits(t.refunded, 16),
                      t.fees >= 0 ? "D" : "C", digits(abs(t.fees), 16)].joined(separator: " "))
        case "paypal":
            for s in sums {
                // Fees credited back are the refunds' fees; the net fee is debit − credit.
                let credit = refundFees[s.currency.code, default: 0]
                out.line("\"SF\",\"\(s.currency.code)\",\(s.payments),\(s.paid),\(s.refunds),\(s.refunded),\(s.fees + credit),\(credit)")
            }
            out.line("\"SC\",\(count)")
            out.line("\"RF\"")
            out.line("\"RC\",\(count)")
            out.line("\"FF\",\(count)")
        default:
            for s in sums {
                out.line(["trailer", s.currency.code, String(s.payments), money(s.paid, s.currency), String(s.refunds), money(s.refunded, s.currency),
                          money(s.fees, s.currency), money(s.paid - s.refunded - s.fees, s.currency)].joined(separator: ","))
            }
            out.line("end,\(count)")
        }
        try out.flush(path)
        return count
    }

    /// Buffered output to a C file: one write per 256 KiB.
    struct Output {
        let file: UnsafeMutablePointer<FILE>
        var buffer: [UInt8] = []
        var failed = false

        init(file: UnsafeMutablePointer<FILE>) {
            self.file = file
            buffer.reserveCapacity(1 << 18)
        }

        mutating func line(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            buffer.append(10)
            if buffer.count >= 1 << 18 { drain() }
        }

        mutating func drain() {
            if !buffer.isEmpty, fwrite(buffer, 1, buffer.count, file) != buffer.count { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func flush(_ path: String) throws(PayError) {
            drain()
            if fflush(file) != 0 || failed { throw PayError.invalidInput("bill file '\(path)': write failed: \(String(cString: strerror(errno)))") }
        }
    }
}
