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

    /// The plain CSV of UnionPay, the card acquirers, PayPal and the wallet: one row per payment
    /// or refund (refunds negative), then total rows.
    static func plainCSV(_ day: SandboxDay, sandbox: Sandbox? = nil) -> String {
        let cur = currency(day)
        let t = totals(day)
        var lines = ["type,channel_serial,center_serial,original_center_serial,time_utc,currency,amount,fee,net,status"]
        for p in day.payments {
            lines.append(["payment", p.tradeNo, p.outTradeNo, "", (p.paidAt ?? p.createdAt).iso8601, p.amount.currency.code, p.amount.decimalString,
                          p.fee.decimalString, decimal(p.amount.minorUnits - p.fee.minorUnits, cur), "succeeded"].joined(separator: ","))
        }
        for r in day.refunds {
            let p = payment(for: r, in: day, sandbox: sandbox)
            lines.append(["refund", r.refundId, r.outRefundNo, p?.outTradeNo ?? "", r.createdAt.iso8601, r.amount.currency.code,
                          decimal(-r.amount.minorUnits, cur), decimal(-r.fee.minorUnits, cur), decimal(-r.amount.minorUnits + r.fee.minorUnits, cur),
                          r.status.rawValue].joined(separator: ","))
        }
        lines.append("total_payments,\(t.payments),,,,\(cur.code),\(decimal(t.paid, cur)),,,")
        lines.append("total_refunds,\(t.refunds),,,,\(cur.code),\(decimal(-t.refunded, cur)),,,")
        lines.append("total_fees,,,,,\(cur.code),,\(decimal(t.fees, cur)),,")
        lines.append("net,,,,,\(cur.code),\(decimal(t.paid - t.refunded, cur)),\(decimal(t.fees, cur)),\(decimal(t.paid - t.refunded - t.fees, cur)),")
        return lines.joined(separator: "\n") + "\n"
    }
}
