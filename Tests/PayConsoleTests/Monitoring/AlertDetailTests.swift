import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TUIKit

/// The alert detail: the rule, the value against the threshold with the hour's sparkline, the
/// firings folded into one line, silences and inhibition, and the same keys as the panel.
@MainActor
@Suite struct AlertDetailTests {
    @Test func theOutageAlertShowsItsRuleValueHistoryAndFirings() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.enter)
        let detail = try #require(console.app.currentScreen as? AlertDetailScreen, "\(console.screen)")
        #expect(detail.alert.id == 1)
        let screen = console.screen
        #expect(screen.contains("PayDesk — Alert #1 channel.success-rate"))
        #expect(screen.contains("rule     channel.success-rate: success_rate(5m) < 90% and requests(5m) >= 20"))
        #expect(screen.contains("for 2m · keep firing for 10m · critical"))
        #expect(screen.contains("value    41.0 % against < 90 %"))
        #expect(screen.contains("fired 7 times, first 2026-11-21 09:18:00, last 2026-11-21 09:29:48"), "\(screen)")
        #expect(screen.contains("orders   channel:wechat  (o opens them)"))
        // The sparkline: healthy blocks, the minute with no payments as a dot, then the fall.
        let chart = try #require(console.rows(containing: " value  ").first { !$0.contains("against") })
        #expect(chart.contains("·") && chart.contains("█") && chart.contains("▁"), "\(chart)")
        #expect(screen.contains("from 0.30 to 0.99 · threshold"), "\(screen)")
        assertSnapshot(console.styledScreen, named: "alert-detail")
    }

    @Test func narrowDetail() async throws {
        let console = try MonitoringHarness(columns: 80, rows: 24)
        await console.open()
        console.press(.enter)
        #expect(console.screen.contains("fired 7 times"))
        assertSnapshot(console.styledScreen, named: "alert-detail-80x24")
    }

    @Test func silencedAndInhibitedAlertsSayWhoWhyAndUntilWhen() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.down, .down, .enter)  // 8: silenced
        #expect(console.screen.contains("⏾ silenced by supervisor until 2026-11-21 10:10:00: scanner refunds them"), "\(console.screen)")
        console.press(.escape, .down, .enter)  // 3: inhibited
        #expect(console.screen.contains("inhibited by alert #2"), "\(console.screen)")
        #expect(console.screen.contains("raised by the services (event rule)"))
        console.press(.escape, .down, .down, .enter)  // 5: acknowledged
        #expect(console.screen.contains("acknowledged by supervisor"), "\(console.screen)")
    }

    @Test func acknowledgeFromTheDetailAsksAndReloads() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.enter, .character("a"))
        #expect(console.screen.contains("Acknowledge #1"))
        console.press(.character("y"))
        #expect(try #require(console.desk).acknowledged == [1])
        #expect(console.screen.contains("ACKNOWLEDGED · critical · channel.success-rate"), "\(console.screen)")
        #expect(console.screen.contains("acknowledged by support"))
        // Back on the panel, the row shows it.
        console.press(.escape)
        #expect(try #require(console.rows(containing: "channel.success-rate").first).contains("ACKNOWLEDGED"))
    }

    @Test func oFromTheDetailOpensTheOrder() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.down, .down, .down, .enter, .character("o"))  // 3: the UNKNOWN payment of the story order
        await console.settle()
        let orders = try #require(console.app.currentScreen as? OrdersScreen, "\(console.screen)")
        #expect(orders.query.text == FakeMonitoringDesk.storyOrderNo)
        #expect(console.screen.contains("H20261121000297"))
        #expect(console.screen.contains("1 shown"))
    }
}
