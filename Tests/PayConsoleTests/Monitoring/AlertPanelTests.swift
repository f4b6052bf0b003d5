import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TUIKit

/// The alert panel (F4): order, marks, acknowledge, silence, the orders an alert concerns, the
/// filter and the live refresh.
@MainActor
@Suite struct AlertPanelTests {
    @Test func withoutMonitoringF4AndF5SaySo() async throws {
        let console = try MonitoringHarness(desk: nil)
        await console.open(.function(4))
        #expect(console.screen.contains("The alert panel: monitoring not connected."), "\(console.screen)")
        console.press(.function(5))
        #expect(console.screen.contains("The dashboard: monitoring not connected."), "\(console.screen)")
        #expect(!console.screen.contains("not in this build"))
    }

    @Test func firingThenPendingThenAcknowledgedThenRecentlyResolvedMostSevereAndOldestFirst() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let ids = try #require(console.panel).shown.map(\.id)
        // Firing: the two critical ones (oldest first), then the warnings (the silenced one is older);
        // then pending, acknowledged, and the dead-man alert resolved two hours ago. The one resolved
        // three days ago is gone.
        #expect(ids == [1, 2, 8, 3, 4, 5, 6])
        let screen = console.screen
        #expect(screen.contains("Alerts — 4 firing · 1 pending · 1 acknowledged"))
        let outage = try #require(console.rows(containing: "channel.success-rate").first)
        #expect(outage.contains("● FIRING") && outage.contains("critical") && outage.contains("account=wechat-main channel=wechat"))
        #expect(outage.contains("12m") && outage.hasSuffix(" 7"))
        #expect(try #require(console.rows(containing: "duplicate.found").first).contains("⏾ silenced"))
        #expect(try #require(console.rows(containing: "payment.unknown").first).contains("inhibited"))
        #expect(!screen.contains("callback.suspicious"))
        assertSnapshot(console.styledScreen, named: "alerts-panel")
    }

    @Test func narrowTerminalKeepsStateRuleAndAge() async throws {
        let console = try MonitoringHarness(columns: 80, rows: 24)
        await console.open()
        let outage = try #require(console.rows(containing: "channel.success-rate").first)
        #expect(outage.contains("FIRING") && outage.contains("12m"))
        assertSnapshot(console.styledScreen, named: "alerts-panel-80x24")
    }

    @Test func acknowledgeAsksFirstThenTheRowChangesState() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let desk = try #require(console.desk)
        console.press(.character("a"))
        #expect(console.screen.contains("Acknowledge #1 channel.success-rate (account=wechat-main channel=wechat)?"), "\(console.screen)")
        // The dialog starts on Cancel: Enter alone acknowledges nothing.
        console.press(.enter)
        #expect(desk.acknowledged.isEmpty)
        #expect(try #require(console.rows(containing: "channel.success-rate").first).contains("FIRING"))
        console.press(.character("a"), .right, .enter)
        #expect(desk.acknowledged == [1])
        let row = try #require(console.rows(containing: "channel.success-rate").first)
        #expect(row.contains("ACKNOWLEDGED"), "\(console.screen)")
        #expect(console.screen.contains("acknowledged alert #1"))
        #expect(console.panel?.selected?.id == 1, "the cursor stays on the alert it acknowledged")
        #expect(console.screen.contains("Alerts — 3 firing · 1 pending · 2 acknowledged"))
    }

    @Test func acknowledgingAnAlertThatIsNotFiringSaysWhyWithoutAsking() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let desk = try #require(console.desk)
        console.press(.down, .down, .down, .down)  // 4: the pending latency alert
        #expect(console.panel?.selected?.id == 4)
        console.press(.character("a"))
        #expect(!console.app.hasOverlay)
        #expect(console.screen.contains("alert #4: only a firing alert can be acknowledged; it is PENDING"), "\(console.screen)")
        #expect(desk.acknowledged.isEmpty)
    }

    @Test func silenceAsksHowLongThenWhyAndMarksTheRow() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let desk = try #require(console.desk)
        console.press(.down)  // 2: the breaker
        console.press(.character("s"))
        #expect(console.screen.contains("Silence #2 channel.breaker-open"))
        #expect(console.screen.contains("For  1h"), "one hour unless changed:\n\(console.screen)")
        assertSnapshot(console.styledScreen, named: "alerts-silence-dialog")
        console.press(.ctrl("u"))
        console.type("30m\n")
        #expect(console.screen.contains("Silence #2 channel.breaker-open (account=wechat-main channel=wechat) for 30m"), "\(console.screen)")
        // An empty reason silences nothing and says so.
        console.press(.enter)
        #expect(desk.silenced.isEmpty)
        #expect(console.screen.contains("silence reason: empty"))
        console.press(.character("s"), .enter)
        console.type("wechat maintenance window\n")
        #expect(desk.silenced.count == 1)
        #expect(desk.silenced.first?.alertId == 2 && desk.silenced.first?.milliseconds == 3_600_000)
        #expect(desk.silenced.first?.reason == "wechat maintenance window")
        #expect(try #require(console.rows(containing: "channel.breaker-open").first).contains("⏾ silenced"), "\(console.screen)")
        #expect(console.screen.contains("silenced alert #2 until 2026-11-21 10:30:00"))
    }

    @Test func aBadSilenceDurationSaysWhatAndSilencesNothing() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.character("s"), .ctrl("u"))
        console.type("forever\n")
        #expect(console.screen.contains("silence duration 'forever'"), "\(console.screen)")
        #expect(!console.app.hasOverlay)
        #expect(try #require(console.desk).silenced.isEmpty)
    }

    @Test func oOpensTheOrderBrowserFilteredToTheOrdersTheAlertConcerns() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.character("o"))
        await console.settle()
        let orders = try #require(console.app.currentScreen as? OrdersScreen, "\(console.screen)")
        #expect(orders.query.text == FakeMonitoringDesk.outageFilter)
        #expect(console.screen.contains("Orders — filter: channel:wechat"), "\(console.screen)")
        let rows = console.screen.split(separator: "\n").filter { $0.contains("20261121000") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("wechat") })
        // Esc comes back to the alerts.
        console.press(.escape)
        console.press(.escape)
        #expect(console.app.currentScreen is AlertPanelScreen, "\(console.screen)")
    }

    @Test func anAlertAboutNoOrdersSaysSo() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.press(.down, .down, .down, .down, .down)  // 5: the backlog
        console.press(.character("o"))
        #expect(console.screen.contains("alert #5 concerns no orders"))
        #expect(console.app.currentScreen is AlertPanelScreen)
    }

    @Test func filterKeepsTheMatchingAlerts() async throws {
        let console = try MonitoringHarness()
        await console.open()
        console.type("/alipay\n")
        #expect(console.panel?.shown.map(\.id) == [8, 4])
        #expect(console.screen.contains("filter: alipay"))
        console.press(.escape)
        #expect(console.panel?.shown.count == 7)
    }

    @Test func liveRefreshReplacesTheRowsAndKeepsTheCursorOnTheSameAlert() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let desk = try #require(console.desk)
        console.press(.down, .down)  // 8
        #expect(console.panel?.selected?.id == 8)
        // A new critical alert fires (it sorts first) and the outage counts more firings.
        desk.alertList.append(FakeMonitoringDesk.alert(9, "channel.breaker-open", ["channel": "alipay", "account": "alipay-main"], .critical, .firing,
                                                       "circuit breaker of alipay/alipay-main is OPEN", started: 20, fired: 20))
        desk.alertList[2].firings = 12
        console.advance(seconds: 1)
        #expect(console.panel?.shown.count == 7, "nothing reloads before three seconds")
        console.advance(seconds: 2)
        #expect(console.panel?.shown.map(\.id) == [9, 1, 2, 8, 3, 4, 5, 6])
        #expect(console.panel?.selected?.id == 8, "the cursor follows the alert, not the row number")
        #expect(try #require(console.rows(containing: "channel.success-rate").first).hasSuffix(" 12"))
    }

    @Test func aRefusalFromTheDeskShowsInTheStatusLine() async throws {
        let console = try MonitoringHarness()
        await console.open()
        let desk = try #require(console.desk)
        desk.refusal = .notPermitted("support may not acknowledge alerts: needs supervisor")
        console.press(.character("a"), .character("y"))
        #expect(console.screen.contains("support may not acknowledge alerts: needs supervisor"), "\(console.screen)")
        #expect(desk.acknowledged.isEmpty)
    }
}
