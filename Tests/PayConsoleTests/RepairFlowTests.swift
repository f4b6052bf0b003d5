import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TUIKit

/// Repair actions from the browser and the detail: preview, amount, reason, approver, conflicts.
@MainActor
@Suite struct RepairFlowTests {
    static func openStoryActions(_ console: OrdersHarness) async {
        await OrderDetailSnapshotTests.openStory(console)
        await console.pressAndSettle(.character("a"))
    }

    @Test func eachActionsPreview() async throws {
        let names = ["refund", "query", "resend", "close", "hold-duplicate", "settle-by-hand"]
        for (index, name) in names.enumerated() {
            let console = try OrdersHarness(rows: 40)
            await Self.openStoryActions(console)
            for _ in 0..<index { console.press(.down) }
            await console.pressAndSettle(.enter)
            assertSnapshot(console.styledScreen, named: "repair-preview-\(name)")
        }
    }

    @Test func previewsSayWhatChangesAndRefusals() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStoryActions(console)
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("Refund ¥1,076.00 of order H20261121000297"))
        #expect(console.screen.contains("Refundable now: ¥1,076.00"))
        #expect(console.screen.contains("a second person approves on the spot"))
        console.press(.escape)
        await console.pressAndSettle(.character("a"))
        for _ in 0..<3 { console.press(.down) }
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("Refused: order is PARTIALLY_REFUNDED: only an unpaid order can be closed"))
        await console.pressAndSettle(.enter)
        #expect(console.desk?.performed.isEmpty == true)
    }

    @Test func partialRefundWithReasonShowsInTheTimeline() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStoryActions(console)
        await console.pressAndSettle(.enter)          // refund → preview
        console.press(.character("y"))                // continue
        await console.typeAndSettle("2000.00\n")      // above the refundable
        #expect(console.screen.contains("amount '2000.00': above the refundable ¥1,076.00"))
        await console.typeAndSettle("0\n")
        #expect(console.screen.contains("amount '0': must be more than zero"))
        await console.typeAndSettle("200.5\n")          // within the limit: no approver
        await console.typeAndSettle("\n")               // empty reason
        #expect(console.screen.contains("reason: empty"))
        await console.typeAndSettle("guest left a day early\n")
        let desk = try #require(console.desk)
        let request = try #require(desk.performed.first)
        #expect(desk.performed.count == 1)
        #expect(request.action == .refund(payment: Serial(stored: "P20261121093000000297"), amount: Money(minorUnits: 20_050, currency: .CNY)))
        #expect(request.reason == "guest left a day early")
        #expect(request.approver == nil)
        #expect(console.screen.contains("refund of ¥200.50 sent for order H20261121000297"))
        #expect(console.screen.contains("refund ¥200.50: guest left a day early"))
        #expect(console.screen.contains("refunded ¥500.50"))
    }

    @Test func refundAboveTheLimitAsksForAnApprover() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStoryActions(console)
        await console.pressAndSettle(.enter)
        console.press(.character("y"))
        await console.typeAndSettle("\n")                  // empty: all that is refundable
        await console.typeAndSettle("guest cancelled\n")
        #expect(console.screen.contains("Approval"))
        await console.typeAndSettle("supervisor\n")
        #expect(console.screen.contains("Password of supervisor"))
        console.type("demo")
        let field = try #require(console.screen.split(separator: "\n").first { $0.contains("Password ") && !$0.contains("of supervisor") })
        #expect(field.contains("••••") && !field.contains("demo"))  // masked
        await console.typeAndSettle("\n")
        let desk = try #require(console.desk)
        let request = try #require(desk.performed.first)
        #expect(request.approver?.name == "supervisor")
        #expect(request.action == .refund(payment: Serial(stored: "P20261121093000000297"), amount: Money(minorUnits: 107_600, currency: .CNY)))
        #expect(console.screen.contains("REFUNDED"))
        assertSnapshot(console.styledScreen, named: "repair-refund-done")
    }

    @Test func conflictShowsTheNewStateAndChangesNothing() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStoryActions(console)
        await console.pressAndSettle(.enter)
        console.press(.character("y"))
        await console.typeAndSettle("100\n")
        // Meanwhile another operator refunds the rest.
        let desk = try #require(console.desk)
        desk.change(FakeSupportDesk.storyOrderNo, status: .refunded, refunded: Money(minorUnits: 137_600, currency: .CNY))
        await console.typeAndSettle("minibar\n")
        #expect(console.screen.contains("Order changed meanwhile"))
        #expect(console.screen.contains("changed since the preview: now REFUNDED (was PARTIALLY_REFUNDED)"))
        #expect(console.screen.contains("Now: REFUNDED · paid ¥1,376.00 · refunded ¥1,376.00"))
        #expect(desk.performed.isEmpty)
        assertSnapshot(console.styledScreen, named: "repair-conflict")
        await console.pressAndSettle(.enter)
        #expect(console.screen.contains("refunded ¥1,376.00"))
    }

    @Test func oneIdempotencyKeyPerDialog() async throws {
        let console = try OrdersHarness(rows: 40)
        await Self.openStoryActions(console)
        // Resend twice, each through its own dialog: two keys.
        for round in 0..<2 {
            if round > 0 { await console.pressAndSettle(.character("a")) }
            console.press(.down, .down)
            await console.pressAndSettle(.enter)
            console.press(.character("y"))
            await console.typeAndSettle("PMS down again\n")
        }
        let desk = try #require(console.desk)
        #expect(desk.performed.count == 2)
        let keys = desk.performed.map(\.idempotencyKey)
        #expect(Set(keys).count == 2)
        #expect(keys.allSatisfy { $0.hasPrefix("console-") })
    }

    @Test func actionsFromTheBrowserRow() async throws {
        let console = try OrdersHarness()
        await console.open()
        await console.typeAndSettle("/\(FakeSupportDesk.storyOrderNo)\n")
        await console.pressAndSettle(.character("a"))
        #expect(console.screen.contains("Actions — order H20261121000297"))
        #expect(console.screen.contains("Resend the merchant notification"))
    }

    @Test func refundAmountRules() throws {
        let refundable = Money(minorUnits: 10_000, currency: .CNY)
        #expect(try RepairFlow.refundAmount("", refundable: refundable).get() == refundable)
        #expect(try RepairFlow.refundAmount("12.34", refundable: refundable).get() == Money(minorUnits: 1_234, currency: .CNY))
        #expect(throws: PayError.self) { try RepairFlow.refundAmount("12.345", refundable: refundable).get() }
        #expect(throws: PayError.self) { try RepairFlow.refundAmount("100.01", refundable: refundable).get() }
    }
}
