import Foundation
import Testing
@testable import PayConsole
import PayCore
import TUIKit

/// The first run on a store for real use: the new admin is logged in and walked through the
/// first merchant, business line, channel account and its credentials (over a fake desk here;
/// `AdminServiceTests` and the tmux test do it over the real services).
@MainActor
@Suite struct SetupWalkTests {
    /// Creates the admin on the first-run screen of a missing store.
    static func createAdmin(_ console: AdminHarness) {
        console.press(.enter)
        console.type("\tsecret-pass\tsecret-pass\n")
    }

    @Test func theNewAdminIsWalkedThroughMerchantLineAndAccount() throws {
        let desk = FakeAdminDesk()
        let console = try AdminHarness(desk: desk, demo: false)
        Self.createAdmin(console)
        #expect(console.screen.contains("admin (admin)"), "the new admin is logged in:\n\(console.screen)")
        #expect(console.screen.contains("This store is empty"))
        console.press(.enter)
        #expect(console.screen.contains("Step 1 of 4: the merchant"))
        console.type("acme\nAcme Property Ltd\n\n")
        #expect(console.screen.contains("Step 2 of 4: the business line"), "\(console.screen)")
        console.type("retail\nRetail counter\n\n\n\n\n")
        #expect(console.screen.contains("Step 3 of 4: the channel account"), "\(console.screen)")
        console.type("alipay-main\n\nAlipay (main)\n\n\n60\n\n")
        #expect(console.screen.contains("Step 4 of 4: the account's credentials"), "\(console.screen)")
        console.press(.enter)
        assertSnapshot(console.screen, named: "setup-walk-done")
        #expect(desk.calls == ["addMerchant acme", "addBusinessLine retail acme retail CNY", "addAccount alipay-main alipay acme",
                               "registerAtSandboxPortal alipay-main", "setAccountEnabled alipay-main true"])
        #expect(desk.routes == ["retail→alipay-main"])
        #expect(console.screen.contains("✓ the channel answered 'trade not found' under a verified signature"))
        console.press(.enter)
        #expect(console.screen.contains("PayDesk — Checkout"))
    }

    @Test func aWrongValueStaysOnTheStepWithTheFieldNamed() throws {
        let desk = FakeAdminDesk()
        let console = try AdminHarness(desk: desk, demo: false)
        Self.createAdmin(console)
        console.press(.enter)
        console.type("acme\nAcme\n\n")
        console.type("retail\nRetail\n\n")
        console.press(.ctrl("u"))
        console.type("XX\n")
        console.press(.function(9))
        #expect(console.screen.contains("Step 2 of 4"))
        #expect(console.screen.contains("! Currency"))
        #expect(desk.calls == ["addMerchant acme"])
    }

    @Test func escOnTheFirstPageSkipsTheWalk() throws {
        let desk = FakeAdminDesk()
        let console = try AdminHarness(desk: desk, demo: false)
        Self.createAdmin(console)
        console.press(.escape)
        #expect(console.screen.contains("PayDesk — Checkout"))
        #expect(console.screen.contains("Set-up skipped: F11 opens the admin screen"))
        console.press(.function(11))
        #expect(console.screen.contains("No merchant yet: m adds the first one."))
        #expect(desk.calls.isEmpty)
    }
}
