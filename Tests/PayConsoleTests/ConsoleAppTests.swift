import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import PayStore
import TUIKit

/// The frame around the screens: first run, login, global keys, the too-small notice, themes.
@MainActor
@Suite struct ConsoleAppTests {
    @Test func firstRunOffersTheAdminOrADemoStore() throws {
        let console = try ConsoleHarness(demo: false)
        // why: the temporary folder differs on every run; the snapshot shows it as <tmp>.
        let folder = console.directory.url.path
        assertSnapshot(console.screen.replacingOccurrences(of: folder, with: "<tmp>"), named: "first-run")
        console.press(.down, .enter)
        #expect(FileManager.default.fileExists(atPath: console.storePath))
        #expect(console.screen.contains("Operator login"))
        #expect(console.screen.contains("Sandbox demo store"))
    }

    @Test func firstRunCreatesTheAdminWhoCanThenLogIn() throws {
        let console = try ConsoleHarness(demo: false)
        console.press(.enter)
        console.type("\tshort\tshort\n")
        #expect(console.screen.contains("at least"), "a short password is refused with the rule")
        #expect(!FileManager.default.fileExists(atPath: console.storePath), "and no half-made store is left")
        console.type("\u{15}secret-pass\t\u{15}secret-pass\n")
        #expect(FileManager.default.fileExists(atPath: console.storePath))
        let store = try Store.open(path: console.storePath)
        let accounts = try OperatorService(try ServiceContext(store: store, actor: .system)).list()
        #expect(accounts.map(\.role) == [.admin])
    }

    @Test func loginShowsTheOperatorAndRoleInTheStatusBar() throws {
        let console = try ConsoleHarness()
        assertSnapshot(console.screen, named: "login")
        console.type("cashier\twrong\n")
        #expect(console.screen.contains("wrong name or password"))
        console.type("demo\n")
        #expect(console.screen.contains("cashier (cashier) │ line retail"))
        #expect(console.screen.contains("PayDesk — Checkout"))
    }

    @Test func fifteenIdleMinutesLockTheConsoleAndThePasswordBringsTheSaleBack() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00")])
        #expect(console.screen.contains("珍珠奶茶"))
        console.advance(minutes: 14)
        #expect(!console.screen.contains("Locked after"), "not yet")
        console.advance(minutes: 1)
        #expect(console.screen.contains("Locked after 15 idle minutes"))
        #expect(!console.screen.contains("珍珠奶茶"), "the work is hidden while locked")
        console.press(.function(2))
        #expect(console.screen.contains("Locked after"), "no key gets past the lock")
        console.type("wrong-pass\n")
        #expect(console.screen.contains("login failed for operator 'cashier'"))
        console.type("demo\n")
        #expect(!console.screen.contains("Locked after"))
        #expect(console.screen.contains("珍珠奶茶"), "the sale is kept")
        #expect(console.screen.contains("cashier (cashier)"))
    }

    @Test func checkoutFitsTheSmallestTerminal() throws {
        let console = try ConsoleHarness(columns: 80, rows: 24)
        console.logIn()
        console.selectLine("Hotel")
        console.setDetail(index: 0, "王小明")
        console.setDetail(index: 2, "2026-11-21")
        console.setDetail(index: 3, "2026-11-23")
        console.ringUp([("豪华大床房 Deluxe King", 2, "688.00")])
        assertSnapshot(console.screen, named: "checkout-hotel-80x24")
        console.press(.function(9))
        console.type(CheckoutPaymentSnapshotTests.wechatCode)
        #expect(console.screen.contains("→ WeChat Pay code (18 digits)"))
    }

    @Test func tooSmallShowsOneNoticeAndComesBack() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.terminal.resize(columns: 70, rows: 20)
        console.app.processPendingInput()
        assertSnapshot(console.screen, named: "too-small")
        console.terminal.resize(columns: 100, rows: 30)
        console.app.processPendingInput()
        #expect(console.screen.contains("PayDesk — Checkout"))
    }

    @Test func escapeNeverQuitsAndQuitAsksFirst() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.press(.escape, .escape, .function(3), .escape, .escape)
        #expect(!console.app.isQuitting)
        #expect(console.screen.contains("PayDesk — Checkout"))
        console.press(.function(10))
        #expect(console.screen.contains("Leave PayDesk?"))
        console.press(.escape)
        #expect(!console.app.isQuitting)
        console.press(.ctrl("q"))
        console.press(.character("y"))
        #expect(console.app.isQuitting)
    }

    @Test func helpIsContextSensitive() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.press(.function(1))
        #expect(console.screen.contains("Help — Checkout"))
        #expect(console.screen.contains("void the selected line"))
        console.press(.character("x"))
        console.ringUp([("Espresso", 1, "22.00")])
        console.press(.function(9), .function(1))
        #expect(console.screen.contains("the customer's payment code"))
    }

    @Test func voidAsksThenRemovesTheLine() throws {
        let console = try ConsoleHarness()
        console.logIn()
        console.ringUp([("Espresso", 1, "22.00"), ("Croissant", 2, "15.00")])
        console.press(.function(8))
        #expect(console.screen.contains("Void line 2: Croissant × 2  ¥30.00?"))
        console.press(.character("y"))
        #expect(console.screen.contains("Total ¥22.00"))
        #expect(!console.screen.contains("Croissant"))
    }

    @Test func loadsAnOrderCreatedElsewhereByItsNumber() throws {
        let console = try ConsoleHarness()
        console.logIn()
        let context = try console.context(as: Actor(name: "cashier", role: .cashier, origin: "test"))
        let orderNo = "HX-20261121-0042"
        let price = Money(minorUnits: 68_800, currency: .CNY)
        _ = try OrderService(context).create(OrderDraft(
            businessLine: try BusinessLineCode("hotel"), orderNo: try MerchantOrderNo(orderNo), amount: price,
            items: [try LineItem(name: "豪华大床房 Deluxe King", quantity: 1, unitPrice: price)], attributes: ["guest": "Ada Lovelace"]))
        console.press(.function(6))
        console.type(orderNo + "\n")
        #expect(console.screen.contains("Hotel front desk · order \(orderNo) · CREATED"))
        #expect(console.screen.contains("Scan"))
        #expect(console.screen.contains("Ada Lovelace"))
    }

    @Test func aTakenOrderNumberMovesToTheNextOne() throws {
        let console = try ConsoleHarness()
        console.logIn()
        let context = try console.context(as: Actor(name: "cashier", role: .cashier, origin: "test"))
        // Another terminal took the number this checkout would make first, with other items.
        let other = Money(minorUnits: 999, currency: .CNY)
        _ = try OrderService(context).create(OrderDraft(businessLine: try BusinessLineCode("retail"),
                                                        orderNo: try MerchantOrderNo("R2026112109300000001"), amount: other))
        console.ringUp([("Espresso", 1, "22.00")])
        console.press(.function(9))
        #expect(console.screen.contains("Retail store · order R2026112109300000002 · CREATED"))
        #expect(console.screen.contains("Amount due  ¥22.00"))
    }

    @Test func paletteSwitchesTheme() throws {
        let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/TUIKit/Themes").path
        let console = try ConsoleHarness(themes: [themes])
        console.logIn()
        console.press(.ctrl("p"))
        console.type("theme dark\n")
        #expect(console.app.theme.name == "dark")
        #expect(console.app.theme["body"].background == .index(234))
    }
}
