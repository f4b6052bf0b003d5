import Foundation
import PayCore

// INTERIM (helper R2): a stand-in with the contract's API until fix/bills lands; replaced by R1's file at merge.
public struct BillReader: Sendable {
    public let channel: String

    public init(channel: String) throws(PayError) {
        guard ["alipay", "wechat", "unionpay", "card", "paypal", "wallet"].contains(channel) else {
            throw PayError.invalidInput("bill format for channel '\(channel)': unknown")
        }
        self.channel = channel
    }

    public func read(path: String, each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        guard let data = FileManager.default.contents(atPath: path) else { throw PayError.invalidInput("bill '\(path)': cannot read") }
        return try read(bytes: Array(data), name: path, each: each)
    }

    public func read(bytes: [UInt8], name: String, each: (BillRecord) throws(PayError) -> Void) throws(PayError) -> BillSummary {
        let text = String(decoding: bytes, as: UTF8.self)
        var summary: BillSummary?
        var totals = BillSummary(currency: .CNY)
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if number == 1 || line.isEmpty { continue }
            guard f.count == 10 else { throw PayError.invalidInput("bill '\(name)' line \(number): \(f.count) fields, expected 10") }
            let cur = try Currency.parse(f[5], field: "bill '\(name)' line \(number) currency")
            totals = BillSummary(currency: cur, payments: totals.payments, paid: totals.paid, refunds: totals.refunds, refunded: totals.refunded, fees: totals.fees)
            switch f[0] {
            case "payment", "refund":
                var a = f[6], fee = f[7]
                if a.hasPrefix("-") { a.removeFirst() }
                if fee.hasPrefix("-") { fee.removeFirst() }
                let amount = try Money.parse(a, currency: cur, field: "bill '\(name)' line \(number) amount")
                let feeM = try Money.parse(fee, currency: cur, field: "bill '\(name)' line \(number) fee")
                let outcome: BillRecord.Outcome = f[9] == "succeeded" ? .succeeded : (f[9] == "failed" ? .failed : .processing)
                let kind: BillRecord.Kind = f[0] == "payment" ? .payment : .refund
                let time = try Timestamp.parse(f[4], field: "bill '\(name)' line \(number) time")
                if outcome == .succeeded {
                    if kind == .payment { totals.payments += 1; totals.paid += amount.minorUnits; totals.fees += feeM.minorUnits }
                    else { totals.refunds += 1; totals.refunded += amount.minorUnits; totals.fees -= feeM.minorUnits }
                }
                try each(BillRecord(line: number, kind: kind, outcome: outcome, channelSerial: f[1], centerSerial: f[2], amount: amount, fee: feeM, time: time))
            case "net":
                summary = totals
            default:
                continue
            }
        }
        guard let summary else { throw PayError.invalidInput("bill '\(name)': truncated (no totals)") }
        return summary
    }
}
