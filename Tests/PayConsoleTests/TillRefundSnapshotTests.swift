import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import TUIKit

/// The till after payment: a paid order loads paid (never "Amount due") with its receipt, a refund
/// of one item chosen line by line, a supervisor's approval above the limit, the refund's own
/// receipt, the reprint, today's sales and another operator's order.
@MainActor
@Suite struct TillRefundSnapshotTests {
    /// Logged in as the demo cashier with the paid sale loaded through F6.
    func loaded(_ desk: FakeTillDesk) async throws -> ConsoleHarness {
        let console = try ConsoleHarness(till: desk, rows: 32)
        console.logIn()
        console.press(.function(6))
        console.type(FakeTillDesk.orderNo + "\n")
        await console.settle()
        return console
    }

    @Test func aPaidOrderLoadsPaidWithItsReceiptAndActions() async throws {
        let console = try await loaded(FakeTillDesk())
        assertSnapshot(console.screen, named: "till-paid")
        #expect(!console.screen.contains("Amount due"))
        #expect(console.screen.contains("✔ PAID"))
        #expect(console.screen.contains("R   refund items"))
        #expect(console.screen.contains("Jade Garden Tea House"))
    }

    @Test func refundOneItemWithASupervisorsApproval() async throws {
        let desk = FakeTillDesk()
        let console = try await loaded(desk)
        console.press(.character("r"))
        // Down to the dumplings (26.00: within the fake's 30.00 limit alone), then one tea too (44.00: above it).
        console.press(.down, .character("+"))
        #expect(console.screen.contains("Refund  ¥26.00"))
        console.press(.up, .character("+"), .character("+"), .character("+"))
        #expect(console.screen.contains("2 of 2"), "never more than the item's quantity")
        console.press(.character("-"))
        assertSnapshot(console.screen, named: "till-refund-choose")
        console.press(.enter)
        await console.settle()
        #expect(console.screen.contains("Above your limit: a supervisor approves next."))
        assertSnapshot(console.screen, named: "till-refund-confirm")
        console.press(.character("y"))
        console.type("supervisor\n")
        console.type("wrong\n")
        await console.settle()
        #expect(console.screen.contains("approval refused"))
        #expect(await desk.refunded.isEmpty, "a wrong password refunds nothing")
        console.press(.enter)
        await console.settle()
        console.press(.character("y"))
        console.type("supervisor\n")
        console.type("demo\n")
        await console.settle()
        let refunded = await desk.refunded
        #expect(refunded.count == 1)
        #expect(refunded.first?.lines == [RefundLineRequest(position: 0, quantity: 1), RefundLineRequest(position: 1, quantity: 1)])
        #expect(refunded.first?.approver == "supervisor")
        assertSnapshot(console.screen, named: "till-refund-done")
        #expect(console.screen.contains("Approved by supervisor"))
        let printed = await desk.printed
        #expect(printed.last?.lines.contains(.init("REFUND", bold: true)) == true, "the refund's own receipt is saved")
    }

    @Test func reprintOffersTheSaleAndEachRefund() async throws {
        let desk = FakeTillDesk()
        let console = try await loaded(desk)
        console.press(.character("r"), .down, .character("+"), .enter)
        await console.settle()
        console.press(.character("y"))
        await console.settle()
        #expect(await desk.refunded.count == 1)
        console.press(.character("p"))
        assertSnapshot(console.screen, named: "till-reprint-menu")
        console.press(.enter)
        await console.settle()
        assertSnapshot(console.screen, named: "till-reprint-sale")
        #expect(console.screen.contains("COPY · REPRINT"))
        console.press(.character("p"), .down, .enter)
        await console.settle()
        #expect(console.screen.contains("REFUND · COPY · REPRINT"))
        let printed = await desk.printed.map(\.fileName)
        #expect(printed.suffix(2) == ["R2026112109300000001-P20261121093000000003-reprint.txt", "R2026112109300000001-F20261121094500000001-reprint.txt"])
    }

    @Test func voidAsksThenRefundsEverythingAsVoid() async throws {
        let desk = FakeTillDesk()
        let console = try await loaded(desk)
        console.press(.character("v"))
        await console.settle()
        #expect(console.screen.contains("Void the whole sale"))
        console.press(.character("y"))
        console.type("supervisor\n")
        console.type("demo\n")
        await console.settle()
        #expect(await desk.refunded.first?.reason == "VOID")
        #expect(console.screen.contains("VOIDED"))
        #expect(console.screen.contains("REFUNDED  ¥77.00"))
    }

    @Test func todaysSalesAndAnotherOperatorsOrder() async throws {
        let console = try ConsoleHarness(till: FakeTillDesk(), rows: 32)
        console.logIn()
        console.press(.function(6))
        console.type("R-OTHER\n")
        await console.settle()
        #expect(console.screen.contains("belongs to another operator"), "not: no such order")
        console.press(.function(6), .enter)
        await console.settle()
        #expect(console.screen.contains("Today's sales"))
        #expect(console.screen.contains(FakeTillDesk.orderNo))
        console.press(.enter)
        await console.settle()
        #expect(console.screen.contains("✔ PAID"))
    }
}
