import Foundation
import Testing
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import TestSupport
import TUIKit

/// F6 as the desk answers it: fixed runs and mismatches, so the screens can be compared as text.
@MainActor
final class FakeReconciliationDesk: ReconciliationDesk {
    static let at = Timestamp(milliseconds: 1_795_253_400_000)
    var lost = Mismatch(
        id: 7, runId: 3, type: .channelSuccessCenterNot, key: "ch_lost_0001", orderId: 11, attemptId: 21, refundId: nil,
        center: CenterTradeView(serial: "P20261120093000000001LOSTCALL", status: "UNKNOWN", amount: Money(minorUnits: 2_053, currency: .CNY),
                                fee: Money(minorUnits: 57, currency: .CNY), time: FakeReconciliationDesk.at),
        channel: ChannelTradeView(serial: "ch_lost_0001", centerSerial: "P20261120093000000001LOSTCALL", outcome: "succeeded",
                                  amount: Money(minorUnits: 2_053, currency: .CNY), fee: Money(minorUnits: 57, currency: .CNY),
                                  time: FakeReconciliationDesk.at, line: 4),
        note: "lost callback: the channel took it, the center has it UNKNOWN; trusting the channel settles it through the payment service",
        state: .open)
    var resolved: [(Int64, MismatchResolution, String)] = []
    var needsApproval = false
    /// Only the newest run (one run: "1 run", not "1 runs").
    var onlyNewest = false

    func run(status: ReconciliationStatus, id: Int64, account: String, mismatches: Int) -> ReconciliationRun {
        ReconciliationRun(id: id, account: account, channel: "card", billDate: "2026-11-20", version: 1, status: status, currency: .CNY,
                          billFile: nil, billLines: 12, bill: .init(payments: 11, paid: 120_053, refunds: 1, refunded: 2_000, fees: 1_800),
                          center: .init(payments: 10, paid: 118_000, refunds: 1, refunded: 2_000, fees: 1_800), matched: 12 - mismatches,
                          matchedMinor: 118_000, mismatches: mismatches, mismatchedMinor: 2_053, held: 0, released: 0,
                          error: status == .failed ? "bill 'x.csv' line 3: short line" : nil, startedBy: "supervisor",
                          startedAt: Self.at, finishedAt: Self.at)
    }

    func runs() throws(PayError) -> [ReconciliationRun] {
        Array([run(status: .mismatched, id: 3, account: "acquirer-a", mismatches: 1), run(status: .matched, id: 2, account: "acquirer-b", mismatches: 0),
         run(status: .failed, id: 1, account: "paypal-main", mismatches: 0)].prefix(onlyNewest ? 1 : 3))
    }

    func report(run id: Int64) throws(PayError) -> ReconciliationReport {
        ReconciliationReport(run: run(status: .mismatched, id: 3, account: "acquirer-a", mismatches: 1),
                             typeCounts: [(.channelSuccessCenterNot, 1, 2_053)], mismatches: [lost])
    }

    func plan(mismatch id: Int64, as resolution: MismatchResolution) throws(PayError) -> ResolutionPlan {
        ResolutionPlan(mismatch: lost, resolution: resolution,
                       effect: resolution == .trustChannel ? "settle payment P20261120093000000001LOSTCALL SUCCEEDED as the channel says, through the payment service" : "mark it",
                       refusal: resolution == .refund ? "payment P20261120093000000001LOSTCALL is UNKNOWN: trust the channel first" : nil,
                       moves: resolution == .trustChannel ? lost.amount : nil, needsApproval: needsApproval && resolution == .trustChannel)
    }

    func resolve(mismatch id: Int64, as resolution: MismatchResolution, reason: String,
                 approver: (name: String, password: String)?) throws(PayError) -> Mismatch {
        resolved.append((id, resolution, reason))
        lost.state = .resolved
        lost.resolution = resolution
        lost.reason = reason
        lost.resolvedBy = "supervisor"
        lost.approvedBy = approver?.name
        lost.outcome = "settled as the channel says through the payment service: payment P20261120093000000001LOSTCALL SUCCEEDED; order LOST-1 PAID"
        return lost
    }
}

@MainActor
@Suite struct ReconciliationScreenTests {
    func console(_ desk: FakeReconciliationDesk?, columns: Int = 120, rows: Int = 40) throws -> (ConsoleApp, VirtualTerminal, TemporaryDirectory) {
        let directory = TemporaryDirectory("reconciliation-console")
        let path = directory.url.appendingPathComponent("store.db").path
        try DemoStoreTemplate.copy(to: path)
        let terminal = VirtualTerminal(columns: columns, rows: rows)
        let options = ConsoleOptions(storePath: path, environment: [:], origin: "test", themeLoader: ThemeLoader(directories: []))
        let backend = StandardConsoleBackend(payments: .none, support: .none, monitoring: .none, reconciliation: desk, runsWorker: false)
        let app = ConsoleApp(terminal: terminal, options: options, backend: backend, clock: SettableClock(ConsoleHarness.now))
        app.render()
        return (app, terminal, directory)
    }

    func input(_ app: ConsoleApp, _ terminal: VirtualTerminal, _ text: String) {
        terminal.type(text)
        app.processPendingInput()
    }

    func logIn(_ app: ConsoleApp, _ terminal: VirtualTerminal, _ name: String) async {
        input(app, terminal, "\(name)\tdemo\n")
        for _ in 0..<5 { await app.settle() }
    }

    func press(_ app: ConsoleApp, _ terminal: VirtualTerminal, _ keys: Key...) {
        for key in keys { terminal.press(key) }
        app.processPendingInput()
    }

    @Test func f6ListsTheRunsByDateAndAccountWithTheirCounts() async throws {
        let desk = FakeReconciliationDesk()
        let (app, terminal, directory) = try console(desk)
        await logIn(app, terminal, "supervisor")
        _ = directory
        press(app, terminal, .function(6))
        let screen = terminal.text
        #expect(screen.contains("Reconciliation runs — 3 runs · 1 with mismatches · 1 failed"), "\(screen)")
        #expect(screen.contains("acquirer-a") && screen.contains("MISMATCHED"))
        assertSnapshot(StyleMap.render(terminal.screen, theme: app.theme), named: "reconciliation-runs")
    }

    @Test func oneRunIsCountedInTheSingular() async throws {
        let desk = FakeReconciliationDesk()
        desk.onlyNewest = true
        let (app, terminal, directory) = try console(desk)
        await logIn(app, terminal, "supervisor")
        _ = directory
        press(app, terminal, .function(6))
        #expect(terminal.text.contains("Reconciliation runs — 1 run · 1 with mismatches · 0 failed"), "\(terminal.text)")
    }

    @Test func aRunShowsItsTotalsAndMismatchesAndTheSideBySideMarksWhatDiffers() async throws {
        let desk = FakeReconciliationDesk()
        let (app, terminal, directory) = try console(desk)
        await logIn(app, terminal, "supervisor")
        _ = directory
        press(app, terminal, .function(6), .enter)
        #expect(terminal.text.contains("channel paid, center not"), "\(terminal.text)")
        assertSnapshot(StyleMap.render(terminal.screen, theme: app.theme), named: "reconciliation-run")
        press(app, terminal, .enter)
        let side = terminal.text
        #expect(side.contains("≠ Status") && side.contains("UNKNOWN") && side.contains("succeeded"), "\(side)")
        #expect(!side.contains("≠ Amount"), "equal amounts are not marked")
        assertSnapshot(StyleMap.render(terminal.screen, theme: app.theme), named: "reconciliation-side-by-side")
    }

    @Test func resolvingShowsThePreviewAsksWhyAndConfirmsBeforeTheDeskIsCalled() async throws {
        let desk = FakeReconciliationDesk()
        let (app, terminal, directory) = try console(desk)
        await logIn(app, terminal, "supervisor")
        _ = directory
        press(app, terminal, .function(6), .enter, .enter)
        press(app, terminal, .character("c"))
        #expect(terminal.text.contains("SUCCEEDED as the channel says") && terminal.text.contains("Why?"),
                "the preview says what will happen: \(terminal.text)")
        input(app, terminal, "on the acquirer's bill\n")
        #expect(terminal.text.contains("Resolve mismatch #7?"), "\(terminal.text)")
        #expect(desk.resolved.isEmpty, "nothing before the confirmation")
        press(app, terminal, .character("y"))
        #expect(desk.resolved.count == 1 && desk.resolved[0].1 == .trustChannel && desk.resolved[0].2 == "on the acquirer's bill")
        #expect(terminal.text.contains("Resolved: trust channel by supervisor"), "\(terminal.text)")
        assertSnapshot(StyleMap.render(terminal.screen, theme: app.theme), named: "reconciliation-resolved")
    }

    @Test func aRefusedResolutionIsSaidAndNothingIsAsked() async throws {
        let desk = FakeReconciliationDesk()
        let (app, terminal, directory) = try console(desk)
        await logIn(app, terminal, "supervisor")
        _ = directory
        press(app, terminal, .function(6), .enter, .enter, .character("f"))
        #expect(terminal.text.contains("trust the channel first"), "\(terminal.text)")
        #expect(!terminal.text.contains("Why?"))
        #expect(desk.resolved.isEmpty)
    }

    @Test func aCashierNeverReachesTheRuns() async throws {
        let (app, terminal, directory) = try console(FakeReconciliationDesk())
        await logIn(app, terminal, "cashier")
        _ = directory
        press(app, terminal, .function(6))
        // why: on the checkout F6 loads an order; a cashier never reaches the runs.
        #expect(!terminal.text.contains("Reconciliation runs"), "\(terminal.text)")
    }
}
