import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// A fresh demo store on a simulated clock (2026-11-21 12:00:00 UTC), with the sandbox beside it
/// at latency 0 and every business line notifying a merchant URL (so outbox rows are written;
/// nothing here delivers them).
///
/// Seeding generates RSA keys for the channel accounts, so one seeded store per test process is
/// made once and each test copies its two files.
final class PaymentFixture {
    static let start = Timestamp(milliseconds: 1_795_262_400_000)

    static let template: (directory: TemporaryDirectory, path: String) = {
        let directory = TemporaryDirectory("payments-template")
        let path = directory.path("store.db")
        do {
            let store = try Store.open(path: path, create: true)
            try store.write {
                try store.meta.set(MetaRepository.clockModeKey, "simulated")
                try store.meta.set(MetaRepository.clockNowKey, String(start.milliseconds))
                // why: login hashes at the demo's 210,000 rounds would make every login test slow.
                try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations)
            }
            let context = try ServiceContext(store: store, actor: .system)
            try DemoSeeder(context).seed()
            try store.write { try store.db.execute("UPDATE business_lines SET notify_url = 'http://127.0.0.1:9/merchant'") }
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let sandbox = try Sandbox(storePath: path, clock: context.clock)
            try sandbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fatalError("payments template store: \(error)")
        }
        return (directory, path)
    }()

    let directory = TemporaryDirectory("payments")
    let store: Store
    let context: ServiceContext
    let gateway: ChannelGateway

    /// `systemClock`: the copy runs on the machine's clock instead of the simulated one, as a
    /// store made without `--simulated-clock` does (`advance` then refuses).
    init(actor: Actor = .localAdministrator(unixUser: "tester"), systemClock: Bool = false) throws {
        let path = directory.path("store.db")
        try StoreFiles.copy(Self.template.path, to: path)
        let store = try Store.open(path: path)
        if systemClock {
            try store.write { try store.db.execute("DELETE FROM meta WHERE key IN (?, ?)", [MetaRepository.clockModeKey, MetaRepository.clockNowKey]) }
        }
        self.store = store
        context = try ServiceContext(store: store, actor: actor)
        gateway = try ChannelGateway(store: store, clock: context.clock)
        try gateway.sandbox.setLatencyEverywhere(milliseconds: 0)
    }

    var now: Timestamp { context.now }
    var sandbox: Sandbox { gateway.sandbox }

    /// Moves the store's clock (and so the sandbox's) forward.
    func advance(_ text: String) throws {
        _ = try store.write { try store.meta.advanceClock(by: try DurationText.milliseconds(text)) }
        try context.refreshClock()
    }

    // MARK: Orders and payments

    static let retail = try! BusinessLineCode("retail")

    @discardableResult
    func order(_ no: String, _ minor: Int64, currency: Currency = .CNY, customer: String? = nil,
               expiresIn: Int64 = OrderDraft.defaultExpiry) throws -> Order {
        try OrderService(context).create(OrderDraft(businessLine: Self.retail, orderNo: try MerchantOrderNo(no),
                                                    amount: Money(minorUnits: minor, currency: currency), customerId: customer,
                                                    expiresInMilliseconds: expiresIn)).order
    }

    func order(_ no: String) throws -> Order {
        try #require(try store.orders.find(Self.retail, try MerchantOrderNo(no)))
    }

    func attempts(_ no: String) throws -> [PaymentAttempt] {
        try store.attempts.forOrder(try order(no).id)
    }

    func refunds(_ no: String) throws -> [Refund] {
        try store.refunds.forOrder(try order(no).id)
    }

    func attempt(_ id: Int64) throws -> PaymentAttempt {
        try #require(try store.attempts.find(id: id))
    }

    func pay(_ no: String, _ method: PaymentMethod, authCode: String? = nil, card: CardDetails? = nil,
             customer: String? = nil, otp: String? = nil) throws -> PaymentOutcome {
        try PaymentService(context, gateway: gateway).pay(PaymentRequest(
            businessLine: Self.retail, orderNo: try MerchantOrderNo(no), method: method, authCode: authCode, card: card,
            customerId: customer, otp: otp))
    }

    /// Pays by one of the three ways a cashier can: the customer's barcode, a pay code the
    /// customer scans, or a card.
    func pay(_ no: String, by path: PayPath) throws -> PaymentOutcome {
        switch path {
        case .barcode: try pay(no, .alipay, authCode: Barcode.alipay)
        case .payCode: try pay(no, .wechat)
        case .card: try pay(no, .card, card: try TestCard.card(TestCard.success))
        }
    }

    func refund(_ attempt: PaymentAttempt, _ amount: String, approver: Actor? = nil) throws -> Refund {
        var input = RefundRequestInput(paymentSerial: attempt.serial, amountText: amount, reason: "test")
        input.approver = approver
        return try RefundService(context, gateway: gateway).refund(input).0
    }

    // MARK: Background work, one job at a time

    @discardableResult
    func deliverCallbacks() throws -> Int { try SandboxCallbackJob(gateway: gateway).runDue(context) }

    @discardableResult
    func janitor() throws -> Int { try Janitor(gateway: gateway).runDue(context) }

    @discardableResult
    func scanDuplicates() throws -> Int { try DuplicateScanner(gateway: gateway).runDue(context) }

    @discardableResult
    func expire() throws -> Int {
        let gateway = self.gateway
        return try ExpiryJob(closeInFlight: { context, order throws(PayError) in
            _ = try CloseService(context, gateway: gateway).close(order)
        }).runDue(context)
    }

    // MARK: What was recorded

    /// The merchant notifications queued for the order, by topic.
    func outboxTopics(_ no: String) throws -> [String] {
        try store.outbox.forOrder(try order(no).id).map(\.topic)
    }

    /// The verdicts of the channel callbacks recorded for the order, oldest first.
    func callbackVerdicts(_ no: String) throws -> [String] {
        try store.db.rows("SELECT verdict FROM channel_callbacks WHERE order_id = ? ORDER BY id", [try order(no).id]).map { $0.string("verdict") }
    }

    func firingAlerts(rule: String) throws -> [AlertRow] {
        try store.alerts.rows(states: [.firing]).filter { $0.rule == rule }
    }

    /// The callbacks the sandbox has sent about a payment or refund serial.
    func sentCallbacks(_ serial: Serial) throws -> [SandboxCallback] {
        try sandbox.sentCallbacks(orderNo: serial.rawValue)
    }

    /// The six-digit code of the latest SMS to `recipient`.
    func smsCode(to recipient: String) throws -> String {
        let message = try #require(try sandbox.sms.list(to: recipient).last)
        let digits = message.text.split { !$0.isNumber }.first { $0.count == 6 }
        return String(try #require(digits))
    }
}

enum PayPath: String, CaseIterable, CustomTestStringConvertible {
    case barcode, payCode, card
    var testDescription: String { rawValue }
}

/// Customers' payment codes, one per channel (DESIGN §5 prefixes and lengths).
enum Barcode {
    static let alipay = "284567890123456789"
    static let wechat = "134567890123456789"
    static let unionpay = "6212345678901234567"
}

/// The sandbox's test cards (DESIGN §5).
enum TestCard {
    static let success = "4242424242424242"
    static let declined = "4000000000000002"
    static let insufficientFunds = "4000000000009995"
    static let expired = "4000000000000069"
    static let wrongCVC = "4000000000000127"
    static let challenge = "4000000000003220"

    static func card(_ number: String) throws -> CardDetails { try CardDetails(number: number, expiry: "12/30", cvc: "123") }
}

func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .CNY) }
