import Foundation
import Testing
@testable import PayChannels
import PayCore
import TestSupport

/// `BillWriter` and `BillReader` agree on every format: what is written is read back, payments and
/// refunds of every outcome. With `PAYDESK_BILL_BENCH_LINES=N` set it also prints how fast the
/// reader alone goes on N lines (no timing is asserted).
@Suite struct BillWriterTests {
    static func records(_ n: Int, currency: Currency) -> [BillRecord] {
        let base = Timestamp(milliseconds: 1_795_251_600_000)  // 2026-11-21T05:00:00Z: within every channel's 2026-11-21
        return (0..<n).map { i in
            let minor = Int64(100 + (i * 7919) % 100_000)
            if i % 10 == 9 {
                let outcome: BillRecord.Outcome = i % 30 == 9 ? .failed : (i % 30 == 19 ? .processing : .succeeded)
                return BillRecord(line: 0, kind: .refund, outcome: outcome, channelSerial: "RF\(i)x", centerSerial: "R\(String(i).leftPadded(19))",
                                  paymentChannelSerial: "42000\(String(i - 1).leftPadded(16))", amount: Money(minorUnits: minor / 2 + 1, currency: currency),
                                  fee: Money(minorUnits: minor / 400, currency: currency), time: base.adding(milliseconds: Int64(i % 3_600) * 1000))
            }
            return BillRecord(line: 0, kind: .payment, outcome: .succeeded, channelSerial: "42000\(String(i).leftPadded(16))",
                              centerSerial: "P\(String(i).leftPadded(19))", amount: Money(minorUnits: minor, currency: currency),
                              fee: Money(minorUnits: minor * 6 / 1000, currency: currency), time: base.adding(milliseconds: Int64(i % 3_600) * 1000))
        }
    }

    @Test(arguments: BillReader.channels)
    func whatIsWrittenIsReadBack(channel: String) throws {
        let directory = TemporaryDirectory("bill-writer")
        let path = directory.path("\(channel).bill")
        let currency: Currency = channel == "paypal" ? .USD : .CNY
        var written = Self.records(300, currency: currency)
        if channel == "paypal" { written.removeAll { $0.outcome == .failed } }
        if channel == "alipay" {
            // Alipay has no refund id: a refund's channel serial is trade_no-out_request_no.
            written = written.map { r in
                var r = r
                if r.kind == .refund { r.channelSerial = r.paymentChannelSerial! + "-" + r.centerSerial }
                return r
            }
        }
        try BillWriter.write(channel: channel, date: "2026-11-21", account: "acct", records: written, to: path)
        var read: [BillRecord] = []
        let summary = try BillReader(channel: channel).read(path: path) { read.append($0) }
        var expected = written
        if channel == "paypal" { for i in expected.indices where expected[i].outcome == .processing { expected[i].outcome = .succeeded } }
        #expect(read.map { var r = $0; r.line = 0; return r } == expected)
        let live = expected.filter { $0.outcome != .failed }
        #expect(summary.payments == live.filter { $0.kind == .payment }.count)
        #expect(summary.refunded == live.filter { $0.kind == .refund }.reduce(0) { $0 + $1.amount.minorUnits })
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["PAYDESK_BILL_BENCH_LINES"] != nil))
    func benchmark() throws {
        let n = Int(ProcessInfo.processInfo.environment["PAYDESK_BILL_BENCH_LINES"] ?? "") ?? 1_000_000
        let directory = TemporaryDirectory("bill-bench")
        for channel in BillReader.channels {
            let path = directory.path("\(channel).bill")
            let currency: Currency = channel == "paypal" ? .USD : .CNY
            try BillWriter.write(channel: channel, date: "2026-11-21", account: "acct", records: Self.records(n, currency: currency), to: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let start = ContinuousClock.now
            var count = 0
            _ = try BillReader(channel: channel).read(path: path) { _ in count += 1 }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("bill bench \(channel): \(count) lines, \(size / 1_048_576) MiB in \(String(format: "%.2f", seconds)) s = \(Int(Double(count) / seconds)) lines/s")
        }
    }
}
