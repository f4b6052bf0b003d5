import Foundation
import Testing
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TestSupport
import TUIKit

/// The till as a cashier meets it: the pay code as a QR code, the customer attached at any time
/// (and asked for by the wallet and PayPal), every method, and the keys — `?`, `/`, letters in the
/// scan field, whole quantities and prices, confirm dialogs' letters, quitting with a sale open.
@MainActor
@Suite struct CheckoutFrontTests {
    static let payCodeURL = "weixin://wxpay/bizpayurl?pr=Ab12Cd3"

    func paying(_ gateway: ScriptedGateway?, columns: Int = 100, rows: Int = 30) throws -> ConsoleHarness {
        let console = try ConsoleHarness(gateway: gateway, columns: columns, rows: rows)
        console.logIn()
        console.ringUp([("珍珠奶茶", 2, "18.00"), ("小笼包", 1, "26.00")])
        console.press(.function(9))
        return console
    }

    /// The order of the sale on screen, as the store has it.
    func storedOrder(_ console: ConsoleHarness) throws -> Order {
        let screen = try #require(console.app.currentScreen as? CheckoutScreen)
        let order = try #require(screen.sale.order)
        let context = try console.context()
        return try #require(try context.store.read { try context.store.orders.find(id: order.id) })
    }

    // MARK: The QR code

    @Test func payCodeIsDrawnAsAQRCodeThatDecodesToItsURL() async throws {
        let gateway = ScriptedGateway(pay: [.pending(serial: "P20261121093000000004", payCode: Self.payCodeURL)])
        let console = try paying(gateway, columns: 120, rows: 40)
        console.press(.character("q"))
        console.press(.down, .enter)
        await console.settle()
        #expect(gateway.calls.first?.method == .payCode(.wechat))
        assertSnapshot(console.screen, named: "payment-qr-code")
        #expect(try QRReader.decode(console.terminal.screen) == Self.payCodeURL)
        // The URL is under the code, whole.
        #expect(console.screen.contains(Self.payCodeURL))
    }

    @Test func aPanelTooSmallForTheCodeShowsTheURLAlone() async throws {
        let gateway = ScriptedGateway(pay: [.pending(serial: "P20261121093000000004", payCode: Self.payCodeURL)])
        let console = try paying(gateway, columns: 80, rows: 24)
        console.press(.character("q"))
        console.press(.down, .enter)
        await console.settle()
        // Cut at the box's width onto the next line, never shortened.
        let lines = console.screen.split(separator: "\n")
        let first = try #require(lines.firstIndex { $0.contains("weixin://wxpay/bizpayurl?pr=") })
        let shown = lines[first...].prefix(2).map { $0.split(separator: "│").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }.joined()
        #expect(shown == Self.payCodeURL)
        #expect(!console.screen.contains("▀") && !console.screen.contains("▄"))
    }

    // MARK: The customer

    @Test func f7AttachesAndChangesTheCustomerOfTheOrderBeforePaying() throws {
        let console = try paying(ScriptedGateway(pay: []))
        #expect(console.screen.contains("no customer (F7)"))
        console.press(.function(7))
        #expect(console.screen.contains("No customer yet"))
        console.type("M-1001\n")
        #expect(try storedOrder(console).customerId == "M-1001")
        #expect(console.screen.contains("customer M-1001"))
        // Changed: the field starts with the one there now.
        console.press(.function(7))
        console.press(.ctrl("u"))
        console.type("M-2002\n")
        #expect(try storedOrder(console).customerId == "M-2002")
        // Empty removes it.
        console.press(.function(7))
        console.press(.ctrl("u"))
        console.type("\n")
        #expect(try storedOrder(console).customerId == nil)
        // Spaces round the id are not part of it.
        console.press(.function(7))
        console.type(" x \n")
        #expect(try storedOrder(console).customerId == "x")
    }

    @Test func aLoadedOrderShowsItsCustomerAndF7ChangesIt() throws {
        let console = try ConsoleHarness(gateway: ScriptedGateway(pay: []))
        let context = try console.context()
        _ = try OrderService(context).create(OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("WEB-77"),
                                                        amount: Money(minorUnits: 1_200, currency: .CNY), customerId: "M-9"))
        console.logIn()
        console.press(.function(6))
        console.type("WEB-77\n")
        #expect(console.screen.contains("Customer  M-9"))
        #expect(console.screen.contains("customer M-9"))
        console.press(.function(7))
        console.press(.ctrl("u"))
        console.type("M-10\n")
        #expect(try storedOrder(console).customerId == "M-10")
        #expect(console.screen.contains("Customer  M-10"))
    }

    @Test func theWalletAsksForTheCustomerInsteadOfNamingAnArgument() async throws {
        let gateway = ScriptedGateway(pay: [.succeeded(serial: "P20261121093000000005", channelSerial: "WL1")])
        let console = try paying(gateway)
        console.press(.character("w"))
        #expect(console.screen.contains("charged to the customer's own account"))
        #expect(gateway.calls.isEmpty)
        console.type("M-1001\n")
        await console.settle()
        #expect(gateway.calls.map(\.method) == [.wallet(customerId: "M-1001")])
        #expect(console.screen.contains("✔ PAID"))
        #expect(!console.screen.contains("--customer"))
    }

    @Test func paypalAndApplePayAreMethodsOfTheTill() async throws {
        let gateway = ScriptedGateway(pay: [.declined(code: .channelUnavailable, reason: "no route"),
                                            .succeeded(serial: "P20261121093000000006", channelSerial: "ch_1")])
        let console = try paying(gateway)
        console.press(.function(7))
        console.type("buyer@example.com\n")
        console.press(.character("p"))
        await console.settle()
        #expect(gateway.calls.last?.method == .paypal(customerId: "buyer@example.com"))
        #expect(console.screen.contains("This payment method is not available right now; use another method."))
        console.press(.function(9))
        console.press(.character("a"))
        #expect(console.screen.contains("Apple Pay"))
        console.type("4242424242424242\t12/30\t123\n")
        await console.settle()
        #expect(gateway.calls.last?.method == .applePay(CardEntry(number: "4242424242424242", expiry: "12/30", cvc: "123")))
        #expect(console.screen.contains("Apple Pay 424242…4242"))
        #expect(!console.screen.contains("4242424242424242"))
    }

    @Test func aChallengeWithoutACustomerAsksForThemThenGoesAgain() async throws {
        let gateway = ScriptedGateway(pay: [.declined(code: .customerRequired, reason: "challenge: no recipient for the one-time code"),
                                            .succeeded(serial: "P20261121093000000007", channelSerial: "ch_2")])
        let console = try paying(gateway)
        console.type(CheckoutPaymentSnapshotTests.wechatCode + "\n")
        await console.settle()
        #expect(console.screen.contains("needs the customer"))
        console.type("13800138000\n")
        await console.settle()
        #expect(gateway.calls.count == 2)
        #expect(try storedOrder(console).customerId == "13800138000")
        #expect(console.screen.contains("✔ PAID"))
    }

    // MARK: Keys

    @Test func lettersInTheScanFieldDoNotOpenAMethod() throws {
        let console = try paying(ScriptedGateway(pay: []))
        console.type("1345c")
        #expect(!console.screen.contains("Card payment"))
        #expect(console.screen.contains("digits only"))
        let screen = try #require(console.app.currentScreen as? CheckoutScreen)
        #expect(screen.scan.text == "1345")
        console.press(.ctrl("u"))
        console.type("c")
        #expect(console.screen.contains("Card payment"))
    }

    @Test func questionMarkOpensHelpAndSlashFindsAnOrder() throws {
        let console = try ConsoleHarness(gateway: ScriptedGateway(pay: []))
        console.logIn()
        console.type("?")
        #expect(console.screen.contains("Help — Checkout"))
        console.press(.escape)
        console.type("/")
        #expect(console.screen.contains("Load order"))
        console.press(.escape)
        // In a field that holds text they are text.
        console.type("1/2 price?")
        let screen = try #require(console.app.currentScreen as? CheckoutScreen)
        #expect(screen.name.text == "1/2 price?")
        #expect(!console.screen.contains("Load order"))
    }

    @Test func quantitiesAndPricesAreShownWhole() throws {
        let console = try ConsoleHarness(gateway: ScriptedGateway(pay: []), columns: 80, rows: 24)
        console.logIn()
        console.type("Tea\t99999\t99999999.99")
        let entry = try #require(console.screen.split(separator: "\n").first { $0.contains("Item Tea") })
        #expect(entry.contains("99999 "))
        #expect(entry.contains("99999999.99"))
        console.type("\n")
        let row = try #require(console.screen.split(separator: "\n").first { $0.contains("Tea") })
        #expect(row.contains("99999"))
        #expect(row.contains("99,999,999.99") || row.contains("99999999.99"))
        #expect(!row.contains("…"))
    }

    @Test func confirmDialogsAnswerToTheLettersTheyShow() throws {
        let console = try ConsoleHarness(gateway: ScriptedGateway(pay: []))
        console.logIn()
        console.ringUp([("Tea", 1, "5.00")])
        console.press(.function(8))
        #expect(console.screen.contains("[ Void (V) ]"))
        #expect(console.screen.contains("[ Keep (K) ]"))
        console.type("k")
        let screen = try #require(console.app.currentScreen as? CheckoutScreen)
        #expect(screen.sale.items.count == 1)
        console.press(.function(8))
        console.type("v")
        #expect(screen.sale.items.isEmpty)
    }

    @Test func quittingWithAnUnpaidSaleAsks() throws {
        let console = try ConsoleHarness(gateway: ScriptedGateway(pay: []))
        console.logIn()
        console.ringUp([("Tea", 1, "5.00")])
        console.press(.function(10))
        #expect(console.screen.contains("is not paid: its items are lost"))
        console.type("s")
        #expect(!console.app.isQuitting)
        console.press(.function(9))
        console.press(.function(10))
        #expect(console.screen.contains("is not paid: it stays open and expires by itself"))
        console.type("q")
        #expect(console.app.isQuitting)
    }

    // MARK: The wallet over the real payment core

    @Test func theWalletShowsItsBalanceAndPaysOverTheRealCore() async throws {
        let directory = TemporaryDirectory("front-wallet")
        let path = directory.url.appendingPathComponent("store.db").path
        try DemoStoreTemplate.copy(to: path)
        let terminal = VirtualTerminal(columns: 100, rows: 30)
        let options = ConsoleOptions(storePath: path, environment: [:], receiptsDirectory: directory.url.appendingPathComponent("receipts").path,
                                     origin: "test", themeLoader: ThemeLoader(directories: []))
        let app = ConsoleApp(terminal: terminal, options: options, backend: StandardConsoleBackend(payments: .standard, runsWorker: false),
                             clock: SettableClock(ConsoleHarness.now))
        func type(_ text: String) { terminal.type(text); app.processPendingInput() }
        type("cashier\tdemo\n")
        type("Tea\t2\t31.00\n")
        terminal.press(.function(9)); app.processPendingInput()
        terminal.press(.function(7)); app.processPendingInput()
        type("W-7001\n")
        await app.settle()
        #expect(terminal.text.contains("customer W-7001 · wallet ¥5,000.00"))
        type("w")
        await app.settle()
        #expect(terminal.text.contains("✔ PAID"))
        // The next sale of the same customer shows what the wallet holds now.
        type("\n")
        type("Tea\t1\t10.00\n")
        terminal.press(.function(9)); app.processPendingInput()
        terminal.press(.function(7)); app.processPendingInput()
        type("W-7001\n")
        await app.settle()
        #expect(terminal.text.contains("customer W-7001 · wallet ¥4,938.00"))
    }
}
