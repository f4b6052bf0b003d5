import PayChannels
import PayCore
import PayStore

/// Fills a fresh store with the sandbox demo: business lines, channel accounts for every channel,
/// and a few hundred past orders, the same every time (a seeded generator).
public struct DemoSeeder {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    /// How many past orders the demo store holds.
    public static let pastOrderCount = 320

    /// Seeds everything in one write transaction. Refused when the store already has business lines.
    public func seed() throws(PayError) {
        let store = context.store
        // why: the channel accounts' secrets are sealed under a key derived from the audit key;
        // `paydesk init` makes it first, a test's fresh store gets it here.
        try AuditLog(context).seal()
        try store.write {
            guard try store.businessLines.all().isEmpty else {
                throw PayError.conflict("store '\(store.path)' already has business lines; demo data goes into a new store only")
            }
            try store.meta.set("store.kind", "demo")
            try seedBusinessLines()
            try seedChannelAccounts()
            try seedRoutingRisk()
            try seedChannelKeys()
            let history = try seedPastOrders()
            try seedOperators()
            // why: the past orders' money moved at the channels too; without it the sandbox's
            // ledger would disagree with the center's (`check`) for every one of them.
            try Sandbox(storePath: store.path, clock: context.clock).recordHistory(history)
        }
    }

    static let businessLines: [(code: String, name: String, layout: String)] = [
        ("retail", "Retail store", "retail"),
        ("hotel", "Hotel front desk", "hotel"),
        ("flight", "Flight booking", "flight"),
        ("ticket", "Ticket office", "ticket"),
        ("insurance", "Insurance counter", "insurance"),
    ]

    func seedBusinessLines() throws {
        let now = context.now
        for line in Self.businessLines {
            let code = try BusinessLineCode(line.code)
            try context.store.businessLines.insert(BusinessLine(
                code: code, name: line.name, layout: line.layout,
                defaultCurrency: .CNY, allowedMethods: [], notifyURL: "",
                notifySecret: try LineSecrets.seal("demo-secret-\(line.code)", line: code, field: LineSecrets.notifyField, storePath: context.store.path)), at: now)
        }
    }

    /// The demo's channel accounts: (id, channel, name, currencies, fee bps, fixed fee).
    static let channelAccounts: [(id: String, channel: String, name: String, currencies: [Currency], bps: Int64, fixed: Int64)] = [
        ("alipay-main", "alipay", "Alipay merchant 2088…001", [.CNY, .HKD], 60, 0),
        ("wechat-direct", "wechat", "WeChat Pay direct merchant", [.CNY], 60, 0),
        ("wechat-sp", "wechat", "WeChat Pay via service provider", [.CNY], 38, 0),
        ("unionpay-main", "unionpay", "UnionPay merchant 898…", [.CNY], 55, 0),
        ("acquirer-a", "card", "Card acquirer A", [.CNY, .USD, .EUR, .GBP, .HKD, .JPY, .SGD], 180, 20),
        ("acquirer-b", "card", "Card acquirer B", [.CNY, .USD, .EUR, .GBP, .HKD, .JPY, .SGD], 150, 30),
        ("paypal-main", "paypal", "PayPal business account", [.USD, .EUR, .GBP, .JPY, .HKD], 290, 30),
        ("wallet-main", "wallet", "Stored-value wallet", [.CNY], 0, 0),
    ]

    func seedChannelAccounts() throws {
        let now = context.now
        for account in Self.channelAccounts {
            try context.store.channelAccounts.insert(ChannelAccount(
                id: account.id, channel: account.channel, merchantId: nil, name: account.name,
                currencies: account.currencies, feeRateBps: account.bps, feeFixedMinor: account.fixed,
                enabled: true, config: [:]), at: now)
        }
    }

    static let catalog: [String: [(name: String, priceMinor: Int64)]] = [
        "retail": [("珍珠奶茶", 1800), ("小笼包", 2600), ("Espresso", 2200), ("Croissant", 1500),
                   ("绿茶 500ml", 450), ("USB-C cable", 3900), ("笔记本", 1200), ("Umbrella", 6800)],
        "hotel": [("豪华大床房 Deluxe King", 68800), ("Twin room", 52000), ("早餐 Breakfast", 12800),
                  ("Late checkout", 20000), ("Minibar", 4500)],
        "flight": [("经济舱 PEK→SHA", 98000), ("Economy SHA→CAN", 86000), ("Business PEK→HKG", 420000),
                   ("航空意外险 Travel insurance", 3000), ("Extra bag 23kg", 20000)],
        "ticket": [("故宫门票 Palace Museum", 6000), ("Concert — floor", 88000), ("Museum pass", 12000),
                   ("上海迪士尼 Day pass", 47500)],
        "insurance": [("航空意外险 Accident cover", 3000), ("Travel health 30 days", 26800),
                      ("Phone screen cover", 9900), ("家财险 Home contents", 45000)],
    ]

    static let paymentChannels: [(method: PaymentMethod, channel: String, account: String)] = [
        (.alipay, "alipay", "alipay-main"), (.wechat, "wechat", "wechat-direct"), (.wechat, "wechat", "wechat-sp"),
        (.unionpay, "unionpay", "unionpay-main"), (.card, "card", "acquirer-a"), (.card, "card", "acquirer-b"),
        (.wallet, "wallet", "wallet-main"),
    ]

    /// Writes the past orders; returns their payments as the channels hold them.
    func seedPastOrders() throws -> [SandboxPastPayment] {
        var history: [SandboxPastPayment] = []
        let store = context.store
        var random = SeededGenerator(seed: 20_261_121)
        let now = context.now.milliseconds
        let lines = Self.businessLines.map(\.code)
        // Oldest first, so ids grow with time as they would have.
        let offsets = (0..<Self.pastOrderCount).map { _ in Int64.random(in: 60_000...(30 * 86_400_000), using: &random) }.sorted(by: >)
        for (index, offset) in offsets.enumerated() {
            let created = Timestamp(milliseconds: now - offset)
            let lineCode = lines[index % lines.count]
            let catalog = Self.catalog[lineCode]!
            var items: [LineItem] = []
            var picked = Set<Int>()
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<catalog.count, using: &random)
                guard picked.insert(index).inserted else { continue }
                let pick = catalog[index]
                let price = Money(minorUnits: pick.priceMinor, currency: .CNY)
                items.append(try LineItem(name: pick.name, quantity: Int64.random(in: 1...3, using: &random), unitPrice: price))
            }
            var amount = Money.zero(.CNY)
            for item in items { amount = try amount.adding(item.total()) }
            let draft = OrderDraft(businessLine: try BusinessLineCode(lineCode),
                                   orderNo: try MerchantOrderNo("\(lineCode.prefix(1).uppercased())\(10_000 + index)"),
                                   amount: amount, customerId: "C\(1000 + Int.random(in: 0..<60, using: &random))",
                                   items: items)
            let serials = SerialGenerator(clock: FixedClock(created))
            let (order, _) = try store.orders.create(draft, serial: serials.next(.order), at: created, operator: "demo")
            let roll = Int.random(in: 0..<100, using: &random)
            // The newest orders may still be open; older unpaid ones were closed.
            if roll < 8 { try close(order, paying: roll < 4, serials: serials, at: created.adding(milliseconds: 30 * 60_000), random: &random); continue }
            if roll < 12 && offset < 20 * 60_000 { continue }
            history.append(try pay(order, serials: serials, at: created.adding(milliseconds: Int64.random(in: 5_000...90_000, using: &random)),
                                   refund: roll >= 88 ? (roll >= 95 ? .full : .partial) : .none, random: &random))
        }
        return history
    }

    enum RefundKind { case none, partial, full }

    /// Pays `order` (and refunds it, as `refund` says) in the store; returns the payment as its channel holds it.
    func pay(_ order: Order, serials: SerialGenerator, at time: Timestamp, refund: RefundKind,
             random: inout SeededGenerator) throws -> SandboxPastPayment {
        let store = context.store
        let route = Self.paymentChannels[Int.random(in: 0..<Self.paymentChannels.count, using: &random)]
        let attempt = try store.attempts.insert(NewPaymentAttempt(
            serial: serials.next(.payment), orderId: order.id, method: route.method,
            mode: route.method == .card ? "card" : (route.method == .wallet ? "balance" : "barcode"),
            channel: route.channel, account: route.account, amount: order.amount, customerId: order.customerId,
            cardToken: route.method == .card ? "tok_demo_\(order.id)" : nil,
            cardBin: route.method == .card ? "424242" : nil, cardLast4: route.method == .card ? "4242" : nil,
            operatorName: "demo"), at: time)
        let channelSerial = "\(route.channel.uppercased().prefix(2))\(time.milliseconds)\(order.id)"
        _ = try store.attempts.transition(attempt.id, from: .processing, to: .succeeded,
                                          outcome: AttemptOutcome(channelSerial: channelSerial), at: time)
        _ = try store.orders.transition(order.id, from: .created, to: .paying, channel: route.channel, at: time)
        _ = try store.orders.transition(order.id, from: .paying, to: .paid, paidMinor: order.amount.minorUnits, at: time)
        let sandboxMode = route.method == .card ? "card" : (route.method == .wallet ? "account" : "barcode")
        func past(_ refunds: [SandboxPastPayment.Refund]) -> SandboxPastPayment {
            SandboxPastPayment(channel: route.channel, account: route.account, serial: attempt.serial.rawValue, tradeNo: channelSerial,
                               amount: order.amount, mode: sandboxMode, paidAt: time, refunds: refunds)
        }
        guard refund != .none, let paid = try store.attempts.find(id: attempt.id) else { return past([]) }
        let amount = refund == .full ? order.amount : Money(minorUnits: max(1, order.amount.minorUnits / 3), currency: order.amount.currency)
        let later = time.adding(milliseconds: 3_600_000)
        let stored = try store.refunds.insert(serial: serials.next(.refund), attempt: paid, refundNo: nil, amount: amount,
                                              reason: refund == .full ? "customer cancelled" : "item returned",
                                              operatorName: "demo", at: later)
        let refundId = "RF\(later.milliseconds)\(order.id)"
        _ = try store.refunds.transition(stored.id, from: .processing, to: .succeeded, channelRefundSerial: refundId, at: later)
        _ = try store.orders.transition(order.id, from: .paid, to: refund == .full ? .refunded : .partiallyRefunded,
                                        refundedMinor: amount.minorUnits, at: later)
        return past([SandboxPastPayment.Refund(serial: stored.serial.rawValue, refundId: refundId, amount: amount, at: later)])
    }

    func close(_ order: Order, paying: Bool, serials: SerialGenerator, at time: Timestamp,
               random: inout SeededGenerator) throws {
        let store = context.store
        if paying {
            let attempt = try store.attempts.insert(NewPaymentAttempt(
                serial: serials.next(.payment), orderId: order.id, method: .wechat, mode: "barcode", channel: "wechat",
                account: "wechat-direct", amount: order.amount, customerId: order.customerId, operatorName: "demo"), at: time)
            _ = try store.attempts.transition(attempt.id, from: .processing, to: .failed,
                                              outcome: AttemptOutcome(failureKind: .declined, failureCode: "NOTENOUGH",
                                                                      failureMessage: "insufficient balance"), at: time)
            _ = try store.orders.transition(order.id, from: .created, to: .paying, channel: "wechat", at: time)
            _ = try store.orders.transition(order.id, from: .paying, to: .closed, at: time)
        } else {
            _ = try store.orders.transition(order.id, from: .created, to: .closed, at: time)
        }
    }
}

/// SplitMix64: a small deterministic generator so the demo store is the same on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
