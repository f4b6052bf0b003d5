import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TUIKit

/// The dashboard (F5): one row per channel account, the gauges below, and a live refresh that
/// moves nothing that did not change.
@MainActor
@Suite struct DashboardTests {
    @Test func accountsBreakersRatesLatencySparklinesAmountsAndGauges() async throws {
        let console = try MonitoringHarness()
        await console.open(.function(5))
        let screen = console.screen
        #expect(screen.contains("PayDesk — Dashboard"))
        let wechat = try #require(console.rows(containing: "wechat/wechat-main").first)
        #expect(wechat.contains("OPEN") && wechat.contains("9.8 s") && wechat.contains("240 ms"), "\(wechat)")
        #expect(wechat.contains("¥845,120.00 · HK$120.00") || wechat.contains("¥845,120.00"), "\(wechat)")
        let card = try #require(console.rows(containing: "card/card-sandbox").first)
        #expect(card.contains("CLOSED") && card.contains("—"))
        #expect(try #require(console.rows(containing: "unionpay/unionpay-main").first).contains("HALF_OPEN"))
        #expect(screen.contains("Notifications  141 undelivered, oldest 12m"))
        #expect(screen.contains("Attempts       2 UNKNOWN, oldest 16m · 5 PENDING, oldest 1m"))
        #expect(screen.contains("Worker         last round 4s ago"))
        #expect(screen.contains("Open alerts    4 FIRING · 1 PENDING · 1 ACKNOWLEDGED"))
        assertSnapshot(console.styledScreen, named: "dashboard")
    }

    @Test func narrowDashboard() async throws {
        let console = try MonitoringHarness(columns: 80, rows: 24)
        await console.open(.function(5))
        let wechat = try #require(console.rows(containing: "wechat/wechat-main").first, "\(console.screen)")
        #expect(wechat.contains("OPEN") && wechat.contains("9.8 s") && wechat.contains("¥845,120.00"))
        #expect(!wechat.contains("240 ms"), "the p95 sparkline and p50 hide first")
        #expect(console.screen.contains("Open alerts"))
        assertSnapshot(console.styledScreen, named: "dashboard-80x24")
    }

    @Test func theBreakerCellIsStyledByItsState() async throws {
        let console = try MonitoringHarness()
        await console.open(.function(5))
        let buffer = console.terminal.screen
        func style(of word: String, row text: String) throws -> Style {
            let y = try #require((0..<buffer.size.rows).first { buffer.rowText($0).contains(text) })
            let x = try #require(buffer.rowText(y).range(of: word)).lowerBound.utf16Offset(in: buffer.rowText(y))
            return buffer[x, y].style
        }
        let theme = console.app.theme
        #expect(try style(of: "OPEN", row: "wechat/wechat-main") == theme["error"])
        #expect(try style(of: "HALF_OPEN", row: "unionpay/") == theme["notice"])
        #expect(try style(of: "CLOSED", row: "alipay/") == theme["status.paid"])
    }

    @Test func aRefreshWithNothingNewMovesNothingAndAChangeMovesOnlyItsCells() async throws {
        let console = try MonitoringHarness()
        await console.open(.function(5))
        let desk = try #require(console.desk)
        func rows() -> [String] { (0..<console.terminal.size.rows - 2).map { console.terminal.screen.rowText($0) } }
        let before = rows()
        let callsBefore = desk.calls
        console.advance(seconds: 3)
        #expect(desk.calls == callsBefore + 1, "it reloaded")
        #expect(rows() == before, "nothing changed, nothing moved")
        // The breaker closes: only the wechat row changes.
        desk.snapshot.accounts[1].breaker = "CLOSED"
        console.advance(seconds: 3)
        let after = rows()
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed.count == 1, "\(changed)")
        #expect(after[changed[0]].contains("wechat/wechat-main") && after[changed[0]].contains("CLOSED"))
    }

    @Test func aRefusedDashboardSaysWhy() async throws {
        let desk = FakeMonitoringDesk()
        desk.refusal = .notPermitted("support may not read metrics")
        let console = try MonitoringHarness(desk: desk)
        await console.open(.function(5))
        #expect(console.screen.contains("support may not read metrics"), "\(console.screen)")
    }
}
