import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The order detail and its timeline, and the raw viewer behind a row.
@MainActor
@Suite struct OrderDetailSnapshotTests {
    /// Finds the story order by its channel serial and opens it.
    static func openStory(_ console: OrdersHarness) async {
        await console.open()
        await console.typeAndSettle("/\(FakeSupportDesk.storyChannelSerial)\n")
        await console.pressAndSettle(.enter)
    }

    @Test func lostCallbackJanitorQueryResentNotificationAndPartialRefund() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStory(console)
        let screen = console.screen
        #expect(screen.contains("PayDesk — Order H20261121000297"))
        #expect(screen.contains("paid ¥1,376.00 · refunded ¥300.00"))
        // Items, sub-orders, and the three identifiers of the payment and the refund.
        #expect(screen.contains("2 × 豪华大床房 Deluxe King"))
        #expect(screen.contains("sub-order ¥500.00 → hotel-deposit"))
        #expect(screen.contains("Payment P20261121093000000297 · channel serial \(FakeSupportDesk.storyChannelSerial) · order no H20261121000297"))
        #expect(screen.contains("Refund R20261121103500000297 · channel refund serial 2026112121001499990297R1 · refund no HR-297-1"))
        // The timeline in time order, the overdue row marked.
        #expect(screen.contains("⚠ OVERDUE"))
        #expect(screen.range(of: "no callback 5 min")!.lowerBound < screen.range(of: "TRADE_SUCCESS")!.lowerBound)
        #expect(screen.contains("PAID → PARTIALLY_REFUNDED"))
        assertSnapshot(console.styledScreen, named: "order-detail-story")
    }

    @Test func problemRowsAreWarningsAndOverdueRowsErrors() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStory(console)
        let lines = console.screen.split(separator: "\n", omittingEmptySubsequences: false)
        let overdue = try #require(lines.firstIndex { $0.contains("no callback 5 min") })
        let failing = try #require(lines.firstIndex { $0.contains("HTTP 503 1204 ms") })
        let fine = try #require(lines.firstIndex { $0.contains("HTTP 200 88 ms") })
        let theme = console.app.theme
        #expect(console.terminal.screen[0, overdue].style == theme["error"])
        #expect(console.terminal.screen[0, failing].style == theme["notice"])
        #expect(console.terminal.screen[0, fine].style == theme["table.row"])
    }

    @Test func rawViewerPrettyPrintsJSON() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStory(console)
        // The third row is the precreate call.
        await console.pressAndSettle(.down, .down, .enter)
        #expect(console.screen.contains("PayDesk — Raw — alipay channel call #1"))
        #expect(console.screen.contains(#"  "alipay_trade_precreate_response" : {"#))
        #expect(console.screen.contains(#"    "qr_code" : "https://qr.alipay.com/bax0***""#))
        assertSnapshot(console.styledScreen, named: "raw-json")
        await console.pressAndSettle(.escape)
        #expect(console.screen.contains("PayDesk — Order H20261121000297"))
    }

    @Test func rawViewerShowsFormFieldsAsATable() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStory(console)
        for _ in 0..<9 { console.press(.down) }
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("alipay callback #1 · form"))
        let row = try #require(console.screen.split(separator: "\n").first { $0.contains("notify_time") })
        #expect(row.contains("2026-11-21 09:23:00"))
        #expect(console.screen.contains("buyer_logon_id") && console.screen.contains("wxm***@example.com"))
        assertSnapshot(console.styledScreen, named: "raw-form")
    }

    @Test func aRowWithoutRawSaysSo() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStory(console)
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("this row has no raw message to show"))
    }

    @Test func formFieldsDecode() {
        let fields = RawViewerScreen.formFields("a=1&b=x+y%26z&flag")
        #expect(fields == [.init("a", "1"), .init("b", "x y&z"), .init("flag", "")])
    }
}
