import Foundation
import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk bench reconcile --lines N`: N settled card payments in a throwaway store and a bill of
/// N lines for the same day in the acquirer's settlement format; times the bare parse of the bill
/// (the floor: reading and checking the file, nothing compared) and the whole reconciliation run
/// (the center's day loaded into the index, the bill streamed through it, the run written), with
/// the process's peak memory after each.
enum ReconcileBench {
    struct Report: Encodable {
        let lines: Int
        let buildSeconds: Double
        let billBytes: Int
        let parseSeconds: Double
        let parsePeakMiB: Double
        let runSeconds: Double
        let runPeakMiB: Double
        let matched: Int
        let mismatches: Int
        let status: String
    }

    static let account = "acquirer-a"
    static let date = "2026-11-20"

    static func run(path: String, lines count: Int, log: (String) -> Void) throws -> Report {
        let clock = ContinuousClock()
        let buildStart = clock.now
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .system)
        let day = try ReconciliationSettings.parseDate(date, field: "date")
        let terms = ChannelAccount(id: account, channel: "card", merchantId: nil, name: "Card acquirer A", currencies: [.CNY],
                                   feeRateBps: 180, feeFixedMinor: 20, enabled: true, config: [:])
        try store.write {
            try store.businessLines.insert(BusinessLine(code: try BusinessLineCode("retail"), name: "retail", layout: "retail",
                                                        defaultCurrency: .CNY, allowedMethods: []), at: context.now)
            try store.channelAccounts.insert(terms, at: context.now)
        }
        let billPath = path + ".bill.csv"
        guard FileManager.default.createFile(atPath: billPath, contents: nil),
              let bill = FileHandle(forWritingAtPath: billPath) else { throw PayError.internal("bench: cannot write '\(billPath)'") }
        defer { try? bill.close() }
        var chunk = SettlementBill.header + "\n"
        var paid: Int64 = 0, fees: Int64 = 0
        var random = SeededGenerator(seed: 16)
        var index = 0
        while index < count {
            let end = min(count, index + 20_000)
            try store.write {
                for i in index..<end {
                    let created = day.milliseconds + Int64(i) * 86_000_000 / Int64(max(count, 1))
                    let serials = SerialGenerator(clock: FixedClock(Timestamp(milliseconds: created)))
                    let amount = Money(minorUnits: Int64.random(in: 100...500_000, using: &random), currency: .CNY)
                    let fee = terms.fee(for: amount)
                    let payment = serials.next(.payment)
                    let channelSerial = "ch_\(String(i, radix: 36))_\(String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 36))"
                    try store.bulkSeed.insertSettled(SettledOrderSeed(
                        orderSerial: serials.next(.order), businessLine: "retail", orderNo: "B\(i)", amount: amount, customerId: "c\(i % 1000)",
                        method: .card, mode: "card", channel: "card", account: account, paymentSerial: payment, channelSerial: channelSerial,
                        refund: nil, createdAt: Timestamp(milliseconds: created), expiresAt: Timestamp(milliseconds: created + 1_800_000)))
                    chunk += SettlementBill.row(channelSerial: channelSerial, centerSerial: payment.rawValue,
                                                time: Timestamp(milliseconds: created + 1_000), amount: amount, fee: fee)
                    paid += amount.minorUnits
                    fees += fee.minorUnits
                }
            }
            bill.write(Data(chunk.utf8))
            chunk = ""
            index = end
            if index % 200_000 == 0 || index == count { log("built \(index) of \(count)") }
        }
        bill.write(Data(SettlementBill.trailer(currency: .CNY, payments: count, paid: paid, fees: fees, rows: count).utf8))
        try store.write { try store.bulkSeed.analyze() }
        let buildSeconds = (clock.now - buildStart).seconds
        let billBytes = (try? FileManager.default.attributesOfItem(atPath: billPath)[.size] as? Int) ?? 0

        let parseStart = clock.now
        var parsed = 0
        _ = try BillReader(channel: "card").read(path: billPath) { (_: BillRecord) throws(PayError) in parsed += 1 }
        let parseSeconds = (clock.now - parseStart).seconds
        let parsePeak = ProcessMemory.peakMiB()
        guard parsed == count else { throw PayError.internal("bench: the bill parsed to \(parsed) lines, \(count) written") }

        let runStart = clock.now
        let report = try ReconciliationService(context, gateway: nil).run(account: account, date: date, billFile: billPath)
        let runSeconds = (clock.now - runStart).seconds
        try? FileManager.default.removeItem(atPath: billPath)
        return Report(lines: count, buildSeconds: buildSeconds, billBytes: billBytes, parseSeconds: parseSeconds, parsePeakMiB: parsePeak,
                      runSeconds: runSeconds, runPeakMiB: ProcessMemory.peakMiB(), matched: report.run.matched,
                      mismatches: report.run.mismatches, status: report.run.status.rawValue)
    }
}

/// The acquirer's settlement report, as the bench writes it (the format `BillReader` reads for "card").
enum SettlementBill {
    static let header = "type,channel_serial,center_serial,payment_channel_serial,booked_at_utc,currency,gross,fee,net,status"

    static func row(channelSerial: String, centerSerial: String, time: Timestamp, amount: Money, fee: Money) -> String {
        let net = Money(minorUnits: amount.minorUnits - fee.minorUnits, currency: amount.currency)
        return "payment,\(channelSerial),\(centerSerial),,\(time.iso8601),\(amount.currency.code),\(amount.decimalString),\(fee.decimalString),\(net.decimalString),succeeded\n"
    }

    static func trailer(currency: Currency, payments: Int, paid: Int64, fees: Int64, rows: Int) -> String {
        func text(_ minor: Int64) -> String { Money(minorUnits: minor, currency: currency).decimalString }
        return "trailer,\(currency.code),\(payments),\(text(paid)),0,\(text(0)),\(text(fees)),\(text(paid - fees))\nend,\(rows)\n"
    }
}
