import PayCore
import PayStore
import PayServices

/// `paydesk bench browse`: builds a store of N orders (each paid once, one in ten refunded) and
/// times the console's queries on it — first page, a page deep in the list, a search by each
/// identifier, a filtered page — and the process's peak memory.
enum BrowseBench {
    struct Report: Encodable {
        let orders: Int
        let buildSeconds: Double
        let figures: [BenchStats]
        let peakMemoryMiB: Double
        let storeBytes: Int64
    }

    static func run(path: String, orders count: Int, repeats: Int, log: (String) -> Void) throws -> Report {
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .system)
        let clock = ContinuousClock()
        let start = clock.now
        let existing = try store.read { try store.orders.count() }
        if existing < Int64(count) {
            try build(store: store, context: context, from: Int(existing), to: count, log: log)
        }
        let built = clock.now - start
        let buildSeconds = Double(built.components.seconds) + Double(built.components.attoseconds) / 1e18
        let service = OrderService(context)
        // Identifiers of an order deep in the middle of the store.
        let middle = Int64(count / 2)
        let sample = try store.read { () throws -> (Order, PaymentAttempt, Refund?) in
            let order = try store.orders.find(id: middle)!
            let attempt = try store.attempts.forOrder(order.id).first!
            let refund = try store.bulkSeed.refundId(atOffset: count / 20).flatMap { try store.refunds.find(id: $0) }
            return (order, attempt, refund)
        }
        let firstPage = try service.page(OrderFilter(), after: nil, limit: 50)
        var deepCursor = firstPage.next
        for _ in 0..<20 { deepCursor = try service.page(OrderFilter(), after: deepCursor, limit: 50).next }
        var figures: [BenchStats] = []
        func time(_ name: String, _ body: () throws -> Void) throws {
            figures.append(try BenchStats.measure(name, count: repeats) { _ in try body() })
        }
        try time("first page (50 newest)") { _ = try service.page(OrderFilter(), after: nil, limit: 50) }
        try time("next page (after cursor)") { _ = try service.page(OrderFilter(), after: firstPage.next, limit: 50) }
        try time("page 22 (deep cursor)") { _ = try service.page(OrderFilter(), after: deepCursor, limit: 50) }
        try time("filtered: status=REFUNDED") { _ = try service.page(OrderFilter(status: .refunded), after: nil, limit: 50) }
        try time("filtered: business=hotel") { _ = try service.page(OrderFilter(businessLine: try BusinessLineCode("hotel")), after: nil, limit: 50) }
        try time("filtered: channel=card, last 7 days") {
            _ = try service.page(OrderFilter(channel: "card", since: context.now.adding(milliseconds: -7 * 86_400_000)), after: nil, limit: 50)
        }
        try time("search: order no") { _ = try service.search(sample.0.orderNo.rawValue) }
        try time("search: order serial") { _ = try service.search(sample.0.serial.rawValue) }
        try time("search: payment serial") { _ = try service.search(sample.1.serial.rawValue) }
        try time("search: channel serial") { _ = try service.search(sample.1.channelSerial ?? "") }
        if let refund = sample.2 {
            try time("search: refund serial") { _ = try service.search(refund.serial.rawValue) }
        }
        try time("order detail (attempts + refunds)") { _ = try service.detail(sample.0) }
        let bytes = Int64(FileSystem.size(path))
        return Report(orders: count, buildSeconds: buildSeconds, figures: figures, peakMemoryMiB: ProcessMemory.peakMiB(),
                      storeBytes: bytes)
    }

    /// Inserts orders `from..<to` with one succeeded attempt each, in batches of 20,000 per transaction.
    static func build(store: Store, context: ServiceContext, from: Int, to: Int, log: (String) -> Void) throws {
        let lines = ["retail", "hotel", "flight", "ticket", "insurance"]
        try store.write {
            if try store.businessLines.all().isEmpty {
                for code in lines {
                    try store.businessLines.insert(BusinessLine(code: try BusinessLineCode(code), name: code, layout: code,
                                                                defaultCurrency: .CNY, allowedMethods: []), at: context.now)
                }
            }
        }
        let channels: [(PaymentMethod, String, String)] = [(.alipay, "alipay-main", "alipay"), (.wechat, "wechat-direct", "wechat"),
                                                           (.card, "acquirer-a", "card"), (.unionpay, "unionpay-main", "unionpay")]
        let now = context.now.milliseconds
        let span: Int64 = 365 * 86_400_000
        var random = SeededGenerator(seed: 7)
        var index = from
        while index < to {
            let end = min(to, index + 20_000)
            try store.write {
                for i in index..<end {
                    let created = now - span + Int64(i) * span / Int64(max(to, 1))
                    let serials = SerialGenerator(clock: FixedClock(Timestamp(milliseconds: created)))
                    let line = lines[i % lines.count]
                    let (method, account, channel) = channels[Int.random(in: 0..<channels.count, using: &random)]
                    let amount = Int64.random(in: 100...500_000, using: &random)
                    let refunded = i % 10 == 0
                    let orderSerial = serials.next(.order), paymentSerial = serials.next(.payment)
                    let refund = refunded ? (serial: serials.next(.refund), channelRefundSerial: "RF\(created)\(i)") : nil
                    try store.bulkSeed.insertSettled(SettledOrderSeed(
                        orderSerial: orderSerial, businessLine: line, orderNo: "B\(i)",
                        amount: Money(minorUnits: amount, currency: .CNY), customerId: "C\(i % 5000)", method: method,
                        mode: "barcode", channel: channel, account: account, paymentSerial: paymentSerial,
                        channelSerial: "CH\(created)\(i)", refund: refund, createdAt: Timestamp(milliseconds: created),
                        expiresAt: Timestamp(milliseconds: created + 1_800_000)))
                }
            }
            index = end
            log("  built \(index) / \(to) orders")
        }
        try store.bulkSeed.analyze()
    }
}
