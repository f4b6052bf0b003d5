import Foundation
import PayCore

/// Bill files written from a sandbox ledger day, in each channel's format, with fees and totals.
/// Payments are listed on the day they were paid, refunds on the day they were made; failed
/// refunds are listed but count in no total.
enum SandboxBill {
    struct Totals {
        var payments = 0
        var paid: Int64 = 0
        var refunds = 0
        var refunded: Int64 = 0
        var fees: Int64 = 0
    }

    static func totals(_ day: SandboxDay) -> Totals {
        var totals = Totals()
        for payment in day.payments {
            totals.payments += 1
            totals.paid += payment.amount.minorUnits
            totals.fees += payment.fee.minorUnits
        }
        for refund in day.refunds where refund.status != .failed {
            totals.refunds += 1
            totals.refunded += refund.amount.minorUnits
            totals.fees -= refund.fee.minorUnits
        }
        return totals
    }

    static func currency(_ day: SandboxDay) -> Currency {
        day.payments.first?.amount.currency ?? day.refunds.first?.amount.currency ?? .CNY
    }

    static func decimal(_ minor: Int64, _ currency: Currency) -> String { Money(minorUnits: minor, currency: currency).decimalString }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func payment(for refund: SandboxRefund, in day: SandboxDay, sandbox: Sandbox?) -> SandboxPayment? {
        day.payments.first { $0.tradeNo == refund.tradeNo } ?? (try? sandbox?.payment(tradeNo: refund.tradeNo)) ?? nil
    }

    /// Alipay's 业务明细 CSV: `#` comment lines around a Chinese header row, refunds as negative
    /// amounts, and `#交易合计` summary lines.
    static func alipay(_ day: SandboxDay, sandbox: Sandbox? = nil) -> String {
        let cur = currency(day)
        let t = totals(day)
        let dateCN = day.date.split(separator: "-").enumerated().map { $0.offset == 0 ? "\($0.element)年" : ($0.offset == 1 ? "\($0.element)月" : "\($0.element)日") }.joined()
        var lines = [
            "#支付宝业务明细查询",
            "#账号：[\(day.account)]",
            "#起始日期：[\(dateCN) 00:00:00]   终止日期：[\(dateCN) 23:59:59]",
            "#-----------------------------------------业务明细列表----------------------------------------",
            "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,对方账户,订单金额（元）,商家实收（元）,退款批次号/请求号,服务费（元）,备注",
        ]
        for p in day.payments {
            lines.append([p.tradeNo, p.outTradeNo, "交易", field(p.subject), ChannelTime.beijing(p.createdAt), ChannelTime.beijing(p.paidAt ?? p.createdAt),
                          p.payer ?? "", p.amount.decimalString, p.amount.decimalString, "", decimal(-p.fee.minorUnits, cur), ""].joined(separator: ","))
        }
        for r in day.refunds {
            let p = payment(for: r, in: day, sandbox: sandbox)
            lines.append([r.tradeNo, p?.outTradeNo ?? "", "退款", field(p?.subject ?? ""), ChannelTime.beijing(r.createdAt),
                          ChannelTime.beijing(r.settledAt ?? r.createdAt), p?.payer ?? "", decimal(-r.amount.minorUnits, cur),
                          decimal(-r.amount.minorUnits, cur), r.outRefundNo, decimal(r.fee.minorUnits, cur),
                          r.status == .failed ? "退款失败" : (r.status == .processing ? "退款处理中" : "")].joined(separator: ","))
        }
        lines += [
            "#-----------------------------------------业务明细列表结束------------------------------------",
            "#交易合计：\(t.payments)笔，退款合计：\(t.refunds)笔",
            "#订单金额合计：\(decimal(t.paid, cur))元，退款金额合计：\(decimal(t.refunded, cur))元，服务费合计：\(decimal(t.fees, cur))元，商家实收合计：\(decimal(t.paid - t.refunded - t.fees, cur))元",
            "#导出时间：[\(dateCN) 23:59:59]",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// WeChat Pay's trade bill (ALL): every detail field prefixed with a back-tick, then the
    /// summary header and its totals line.
    static func wechat(_ day: SandboxDay, appId: String, mchId: String, sandbox: Sandbox? = nil) -> String {
        let cur = currency(day)
        let t = totals(day)
        var lines = ["交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"]
        func row(_ fields: [String]) -> String { fields.map { "`" + $0.replacingOccurrences(of: ",", with: " ") }.joined(separator: ",") }
        for p in day.payments {
            lines.append(row([ChannelTime.beijing(p.paidAt ?? p.createdAt), appId, mchId, "0", "paydesk", p.tradeNo, p.outTradeNo, "oSbx\(p.tradeNo.suffix(8))",
                              p.mode == "paycode" ? "NATIVE" : "MICROPAY", "SUCCESS", "OTHERS", p.amount.currency.code, p.amount.decimalString, "0.00",
                              "0", "0", "0.00", "0.00", "", "", p.subject, "", p.fee.decimalString, feeRate(p), p.amount.decimalString, "0.00", ""]))
        }
        for r in day.refunds {
            let p = payment(for: r, in: day, sandbox: sandbox)
            let status = switch r.status { case .succeeded: "SUCCESS"; case .processing: "PROCESSING"; case .failed: "REFUNDCLOSE" }
            lines.append(row([ChannelTime.beijing(r.createdAt), appId, mchId, "0", "paydesk", r.tradeNo, p?.outTradeNo ?? "", "oSbx\(r.tradeNo.suffix(8))",
                              p?.mode == "paycode" ? "NATIVE" : "MICROPAY", "REFUND", "OTHERS", r.amount.currency.code, "0.00", "0.00",
                              r.refundId, r.outRefundNo, r.amount.decimalString, "0.00", "ORIGINAL", status, p?.subject ?? "", "",
                              decimal(-r.fee.minorUnits, cur), p.map(feeRate) ?? "", "0.00", r.amount.decimalString, ""]))
        }
        lines.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
        lines.append(["`\(t.payments + t.refunds)", "`" + decimal(t.paid, cur), "`" + decimal(t.refunded, cur), "`0.00", "`" + decimal(t.fees, cur),
                      "`" + decimal(t.paid, cur), "`" + decimal(t.refunded, cur)].joined(separator: ","))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func feeRate(_ p: SandboxPayment) -> String {
        guard p.amount.minorUnits > 0 else { return "0.00%" }
        let bps = Int64(clamping: Int128(p.fee.minorUnits) * 10_000 / Int128(p.amount.minorUnits))
        return "\(Double(bps) / 100)%"
    }

    /// The bill of a channel without its own override: UnionPay's fixed-width file, PayPal's STL
    /// report, the acquirers' and the wallet's settlement CSV.
    static func render(_ day: SandboxDay, channel: String, merId: String, sandbox: Sandbox? = nil) -> String {
        switch channel {
        case "unionpay": return unionpay(day, merId: merId, sandbox: sandbox)
        case "paypal": return paypal(day, sandbox: sandbox)
        default: return settlement(day, sandbox: sandbox)
        }
    }

    /// The totals of each currency of the day, in the order the currencies first appear (the
    /// account's first currency when the day is empty).
    static func totalsByCurrency(_ day: SandboxDay) -> [(Currency, Totals)] {
        var result: [(Currency, Totals)] = []
        func index(_ currency: Currency) -> Int {
            if let i = result.firstIndex(where: { $0.0 == currency }) { return i }
            result.append((currency, Totals()))
            return result.count - 1
        }
        for payment in day.payments {
            let i = index(payment.amount.currency)
            result[i].1.payments += 1
            result[i].1.paid += payment.amount.minorUnits
            result[i].1.fees += payment.fee.minorUnits
        }
        for refund in day.refunds where refund.status != .failed {
            let i = index(refund.amount.currency)
            result[i].1.refunds += 1
            result[i].1.refunded += refund.amount.minorUnits
            result[i].1.fees -= refund.fee.minorUnits
        }
        if result.isEmpty { result.append((currency(day), Totals())) }
        return result
    }

    /// UnionPay 5.1.0's 流水文件 (see `UnionPayBillFormat`): fixed-width H, D and T records.
    static func unionpay(_ day: SandboxDay, merId: String, sandbox: Sandbox? = nil) -> String {
        func fixed(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        func digits(_ value: Int64, _ width: Int) -> String { String(value).leftPadded(width) }
        var lines = ["H 5.1.0 \(fixed(merId, 15)) \(day.date.filter(\.isNumber))"]
        for p in day.payments {
            lines.append(["D", "01", fixed(p.tradeNo, 21), fixed(p.outTradeNo, 40), fixed("", 21), ChannelTime.compact(p.paidAt ?? p.createdAt),
                          NumericCurrency.code(p.amount.currency), digits(p.amount.minorUnits, 12), "D", digits(p.fee.minorUnits, 12), "00"]
                .joined(separator: " "))
        }
        for r in day.refunds {
            let code = switch r.status { case .succeeded: "00"; case .processing: "05"; case .failed: "01" }
            lines.append(["D", "04", fixed(r.refundId, 21), fixed(r.outRefundNo, 40), fixed(r.tradeNo, 21), ChannelTime.compact(r.createdAt),
                          NumericCurrency.code(r.amount.currency), digits(r.amount.minorUnits, 12), "C", digits(r.fee.minorUnits, 12), code]
                .joined(separator: " "))
        }
        let t = totals(day)
        lines.append(["T", digits(Int64(t.payments), 10), digits(t.paid, 16), digits(Int64(t.refunds), 10), digits(t.refunded, 16),
                      t.fees >= 0 ? "D" : "C", digits(abs(t.fees), 16)].joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The acquirers' and the wallet's settlement CSV (see `SettlementBillFormat`).
    static func settlement(_ day: SandboxDay, sandbox: Sandbox? = nil) -> String {
        var lines = [SettlementBillFormat.header]
        for p in day.payments {
            let cur = p.amount.currency
            lines.append(["payment", p.tradeNo, field(p.outTradeNo), "", (p.paidAt ?? p.createdAt).iso8601, cur.code, p.amount.decimalString,
                          p.fee.decimalString, decimal(p.amount.minorUnits - p.fee.minorUnits, cur), "succeeded"].joined(separator: ","))
        }
        for r in day.refunds {
            let cur = r.amount.currency
            lines.append(["refund", r.refundId, field(r.outRefundNo), r.tradeNo, r.createdAt.iso8601, cur.code, decimal(-r.amount.minorUnits, cur),
                          decimal(-r.fee.minorUnits, cur), decimal(-r.amount.minorUnits + r.fee.minorUnits, cur), r.status.rawValue].joined(separator: ","))
        }
        for (cur, t) in totalsByCurrency(day) {
            lines.append(["trailer", cur.code, String(t.payments), decimal(t.paid, cur), String(t.refunds), decimal(t.refunded, cur),
                          decimal(t.fees, cur), decimal(t.paid - t.refunded - t.fees, cur)].joined(separator: ","))
        }
        lines.append("end,\(day.payments.count + day.refunds.count)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// PayPal's settlement report (STL, see `PayPalBillFormat`); a refused refund is not listed.
    static func paypal(_ day: SandboxDay, sandbox: Sandbox? = nil) -> String {
        func q(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        func stl(_ time: Timestamp) -> String { time.displayString.replacingOccurrences(of: "-", with: "/") + " +0000" }
        let window = (try? BillDay.window(channel: "paypal", date: day.date)) ?? (Timestamp(milliseconds: 0)..<Timestamp(milliseconds: 0))
        var lines = [
            ["\"RH\"", q(stl(window.upperBound.adding(milliseconds: -1000))), q("A"), q(day.account), "011"].joined(separator: ","),
            "\"FH\",01",
            ["\"SH\"", q(stl(window.lowerBound)), q(stl(window.upperBound.adding(milliseconds: -1000))), q(day.account), q("")].joined(separator: ","),
            (["\"CH\""] + PayPalBillFormat.columnNames.map(q)).joined(separator: ","),
        ]
        var rows = 0
        for p in day.payments {
            let time = p.paidAt ?? p.createdAt
            lines.append(["\"SB\"", q(p.tradeNo), q(p.outTradeNo), q(""), q(""), q(PayPalBillFormat.payment), q(stl(p.createdAt)), q(stl(time)),
                          q("CR"), String(p.amount.minorUnits), q(p.amount.currency.code), q("DR"), String(p.fee.minorUnits),
                          q(p.amount.currency.code)].joined(separator: ","))
            rows += 1
        }
        for r in day.refunds where r.status != .failed {
            lines.append(["\"SB\"", q(r.refundId), q(r.outRefundNo), q(r.tradeNo), q("TXN"), q(PayPalBillFormat.refund), q(stl(r.createdAt)),
                          q(stl(r.settledAt ?? r.createdAt)), q("DR"), String(r.amount.minorUnits), q(r.amount.currency.code), q("CR"),
                          String(r.fee.minorUnits), q(r.amount.currency.code)].joined(separator: ","))
            rows += 1
        }
        for (cur, t) in totalsByCurrency(day) {
            let feeBack = day.refunds.filter { $0.status != .failed && $0.amount.currency == cur }.reduce(Int64(0)) { $0 + $1.fee.minorUnits }
            lines.append(["\"SF\"", q(cur.code), String(t.payments), String(t.paid), String(t.refunds), String(t.refunded),
                          String(t.fees + feeBack), String(feeBack)].joined(separator: ","))
        }
        lines += ["\"SC\",\(rows)", "\"RF\"", "\"RC\",\(rows)", "\"FF\",\(rows)"]
        return lines.joined(separator: "\n") + "\n"
    }
}
