import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// A fresh store on a simulated clock (2026-11-21 12:00:00 UTC) with the demo's business lines
/// and channel accounts, and optionally its routes and risk rules; no past orders, so recent
/// history is exactly what a test writes.
final class Fixture {
    let directory = TemporaryDirectory("routing-risk")
    let store: Store
    let context: ServiceContext
    private var orderCounter = 0

    static let start = Timestamp(milliseconds: 1_795_262_400_000)  // 2026-11-21T12:00:00Z

    init(routesAndRules: Bool = true) throws {
        let store = try Store.open(path: directory.path("store.db"), create: true)
        self.store = store
        try store.write {
            try store.meta.set(MetaRepository.clockModeKey, "simulated")
            try store.meta.set(MetaRepository.clockNowKey, String(Self.start.milliseconds))
        }
        let context = try ServiceContext(store: store, actor: .system)
        self.context = context
        // why: as `paydesk init` does, the key file beside the store, which the lines' secrets are sealed under.
        _ = try AuditLog(context).seal()
        let seeder = DemoSeeder(context)
        try store.write {
            try seeder.seedBusinessLines()
            try seeder.seedChannelAccounts()
            if routesAndRules { try seeder.seedRoutingRisk() }
        }
    }

    var now: Timestamp { context.now }

    /// The sandbox beside the store, on the store's clock: its SMS outbox receives the codes.
    lazy var sandbox: Sandbox = try! Sandbox(storePath: store.path, clock: context.clock)

    /// A risk service that sends its one-time codes through the sandbox SMS outbox.
    func risk() -> RiskService { RiskService(context, sender: SandboxSMSSender(sandbox)) }

    /// Moves the store's clock forward and makes the context see it.
    func advance(_ text: String) throws {
        let milliseconds = try DurationText.milliseconds(text)
        _ = try store.write { try store.meta.advanceClock(by: milliseconds) }
        try context.refreshClock()
    }

    /// A past payment attempt: an order and one attempt on `account`, final in `status`, made `ago` before now.
    func payment(account: String, customer: String? = nil, amount: Int64 = 10_000, currency: Currency = .CNY,
                 status: AttemptStatus = .succeeded, failure: FailureKind? = nil, ago: Int64 = 60_000) throws {
        orderCounter += 1
        let at = now.adding(milliseconds: -ago)
        let number = orderCounter
        let store = self.store
        try store.write {
            guard let account = try store.channelAccounts.find(account) else { throw PayError.notFound(account) }
            let serials = SerialGenerator(clock: FixedClock(at))
            let money = Money(minorUnits: amount, currency: currency)
            let (order, _) = try store.orders.create(
                OrderDraft(businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("T\(number)"), amount: money,
                           customerId: customer),
                serial: serials.next(.order), at: at, operator: "test")
            let attempt = try store.attempts.insert(NewPaymentAttempt(
                serial: serials.next(.payment), orderId: order.id, method: account.channel == "card" ? .card : .wallet,
                mode: "test", channel: account.channel, account: account.id, amount: money, customerId: customer), at: at)
            if status != .processing {
                _ = try store.attempts.transition(attempt.id, from: .processing, to: status,
                                                  outcome: AttemptOutcome(channelSerial: status == .succeeded ? "CS\(number)" : nil,
                                                                          failureKind: failure), at: at)
            }
        }
    }

    func routing(seed: UInt64 = 42) -> RoutingService {
        RoutingService(context, random: RouteRandom(SeededGenerator(seed: seed)))
    }
}

func code(_ text: String) throws -> BusinessLineCode { try BusinessLineCode(text) }
func cny(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .CNY) }
