import Testing
import Synchronization
import Dispatch
@testable import PayCore

@Suite("Identifiers and serials")
struct IdentifierTests {
    @Test("serials are at most 32 characters, start with their kind and sort by time")
    func serialShape() throws {
        let clock = FixedClock(try Timestamp.parse("2026-11-21T09:30:12.345Z"))
        let serials = SerialGenerator(clock: clock)
        let a = serials.next(.payment), b = serials.next(.payment)
        #expect(a.rawValue.count <= Serial.maxLength)
        #expect(a.rawValue.hasPrefix("P20261121093012345"))
        #expect(a.kind == .payment)
        #expect(a < b, "a standing clock still gives increasing serials")
        let later = SerialGenerator(clock: FixedClock(try Timestamp.parse("2026-11-21T09:30:12.346Z"))).next(.payment)
        #expect(b < later)
        #expect(try Serial(a.rawValue) == a)
    }

    @Test("serials made on many threads at once are all different")
    func serialsUnderConcurrency() {
        let serials = SerialGenerator(clock: SystemClock())
        let collected = Mutex<Set<String>>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            var local: [String] = []
            for _ in 0..<2_000 { local.append(serials.next(.order).rawValue) }
            collected.withLock { $0.formUnion(local) }
        }
        #expect(collected.withLock { $0.count } == 16_000)
    }

    @Test("order numbers: at most 64 characters, no control characters, not empty",
          arguments: [("", "empty"), (String(repeating: "x", count: 65), "at most 64"), ("A\u{7}B", "control character U+7 at position 2"),
                      ("A\nB", "control character U+A"), (" A", "leading or trailing")])
    func orderNumbers(text: String, reason: String) {
        #expect { try MerchantOrderNo(text, field: "--order") } throws: { error in
            guard let error = error as? PayError else { return false }
            return error.kind == .invalidInput && error.message.contains("--order") && error.message.contains(reason)
        }
    }

    @Test("order numbers may hold Chinese characters and reach 64 characters")
    func longChineseOrderNo() throws {
        #expect(try MerchantOrderNo(String(repeating: "订", count: 64)).rawValue.count == 64)
    }

    @Test("timestamps print and parse ISO 8601 UTC")
    func timestamps() throws {
        let t = try Timestamp.parse("2024-02-29T23:59:59.999Z")
        #expect(t.iso8601 == "2024-02-29T23:59:59.999Z")
        #expect(try Timestamp.parse("1970-01-01").milliseconds == 0)
        #expect(try Timestamp.parse("2026-11-21 09:30").iso8601 == "2026-11-21T09:30:00.000Z")
        #expect(throws: PayError.self) { try Timestamp.parse("2023-02-29") }
        #expect(throws: PayError.self) { try Timestamp.parse("yesterday") }
        #expect(Timestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test("durations as people type them")
    func durations() throws {
        #expect(try DurationText.milliseconds("90s") == 90_000)
        #expect(try DurationText.milliseconds("10m") == 600_000)
        #expect(try DurationText.milliseconds("1h30m") == 5_400_000)
        #expect(try DurationText.milliseconds("2d") == 172_800_000)
        for bad in ["", "10", "m", "10x", "-5m", "1.5h"] {
            #expect(throws: PayError.self, "\(bad)") { try DurationText.milliseconds(bad) }
        }
    }

    @Test("an order's items must sum to its amount, in its currency")
    func orderDraftValidation() throws {
        let line = try BusinessLineCode("retail"), no = try MerchantOrderNo("A1")
        let tea = try LineItem(name: "奶茶", quantity: 2, unitPrice: Money(minorUnits: 450, currency: .CNY))
        _ = try OrderDraft(businessLine: line, orderNo: no, amount: Money(minorUnits: 900, currency: .CNY), items: [tea]).validated()
        #expect { try OrderDraft(businessLine: line, orderNo: no, amount: Money(minorUnits: 1000, currency: .CNY), items: [tea]).validated() }
            throws: { ($0 as? PayError)?.message == "items sum to 9.00 CNY but the amount is 10.00" }
        #expect(throws: PayError.self) { try OrderDraft(businessLine: line, orderNo: no, amount: Money(minorUnits: 900, currency: .USD), items: [tea]).validated() }
        #expect(throws: PayError.self) { try OrderDraft(businessLine: line, orderNo: no, amount: .zero(.CNY)).validated() }
        #expect(throws: PayError.self) { try LineItem(name: "x", quantity: 0, unitPrice: .zero(.CNY)) }
        #expect(throws: PayError.self) { try BusinessLineCode("Retail Store") }
    }
}
