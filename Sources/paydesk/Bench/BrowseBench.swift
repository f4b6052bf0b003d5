import Foundation
import PayCore
import PayStore
import PayServices

/// `paydesk bench browse`: builds a store of N orders (each paid once, one in ten refunded) and
/// times the order browser's queries on it — pages either way, filtered pages, a search by each
/// identifier, a reload of a page, the CSV export — each beside the same SQL run by the `sqlite3`
/// shell on the same store, and the process's peak memory.
enum BrowseBench {
    struct Report: Encodable {
        let orders: Int
        let buildSeconds: Double
        let figures: [Figure]
        let shellMethod: String
        let exportRowsPerSecond: Double
        let peakMemoryMiB: Double
        let storeBytes: Int64
    }

    /// One query: PayDesk's timing, the shell's mean for the same statements, and their ratio.
    struct Figure: Encodable {
        let name: String
        let paydesk: BenchStats
        let sqlite3MeanMicros: Double?
        /// PayDesk's mean over the shell's (1.2 = 20 % slower than the shell).
        let ratio: Double?

        var line: String {
            func f(_ v: Double) -> String { v >= 1000 ? String(format: "%.2f ms", v / 1000) : String(format: "%.0f µs", v) }
            let shell = sqlite3MeanMicros.map(f) ?? "n/a"
            let ratioText = ratio.map { String(format: "%.2f×", $0) } ?? "n/a"
            return name.padding(toLength: 38, withPad: " ", startingAt: 0)
                + f(paydesk.meanMicros).leftPadded(12) + f(paydesk.p95Micros).leftPadded(12)
                + shell.leftPadded(12) + ratioText.leftPadded(9)
        }

        static let header = "query".padding(toLength: 38, withPad: " ", startingAt: 0)
            + "mean".leftPadded(12) + "p95".leftPadded(12) + "sqlite3".leftPadded(12) + "ratio".leftPadded(9)
    }

    static let shellMethod = """
        sqlite3: the same statements (arguments written in as literals) run R times in one `sqlite3 -batch -readonly` \
        process, rows to /dev/null, best of 3 wall times minus that of as many trivial statements, divided by R (R chosen \
        so that the work takes about --shell-ms); paydesk: the OrderBrowser call (read transaction, binding, decoding into \
        orders), mean of --repeats runs; ratio = paydesk mean / sqlite3 mean
        """

    static func run(path: String, orders count: Int, repeats: Int, shellTargetMicros: Double = 100_000,
                    log: (String) -> Void) throws -> Report {
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .system)
        let clock = ContinuousClock()
        let start = clock.now
        let existing = try store.read { try store.orders.count() }
        if existing < Int64(count) {
            try build(store: store, context: context, from: Int(existing), to: count, log: log)
        }
        let buildSeconds = (clock.now - start).seconds
        let browser = OrderBrowser(context)
        let sample = try store.read { () throws -> (Order, PaymentAttempt?, Refund?)? in
            guard let order = try store.orders.find(id: Int64(max(1, count / 2))) else { return nil }
            let attempt = try store.attempts.forOrder(order.id).first
            let refund = try store.bulkSeed.refundId(atOffset: count / 20).flatMap { try store.refunds.find(id: $0) }
            return (order, attempt, refund)
        }
        let limit = 50
        let first = try browser.page(.all, at: .newest, limit: limit)
        var deep = first
        for _ in 0..<20 where deep.hasOlder {
            deep = try browser.page(.all, at: .after(OrderCursor(deep.orders.last!)), limit: limit)
        }
        var figures: [Figure] = []
        /// Times `query` at `position` through the browser, and the same three statements in the shell.
        func page(_ name: String, _ query: OrderQuery, _ position: BrowsePosition) throws {
            let result = try browser.page(query, at: position, limit: limit)
            let ids = result.orders.map(\.id)
            var statements = [OrderSQL.page(query.filter, at: position.storePosition, limit: limit)]
            if !ids.isEmpty { statements += [OrderSQL.items(of: ids), OrderSQL.subOrders(of: ids)] }
            let ours = try BenchStats.measure(name, count: repeats) { _ in _ = try browser.page(query, at: position, limit: limit) }
            figures.append(compare(ours, statements: statements, path: path, repeats: repeats, target: shellTargetMicros))
        }
        func filtered(_ text: String) throws -> OrderQuery { try OrderQuery.parse(text, now: context.now) }

        try page("first page (50 newest)", .all, .newest)
        if first.hasOlder { try page("next page (PgDn)", .all, .after(OrderCursor(first.orders.last!))) }
        if deep.hasNewer { try page("deep page (22nd, by cursor)", .all, .after(OrderCursor(deep.orders.last!))) }
        if deep.hasNewer { try page("PgUp from the deep page", .all, .before(OrderCursor(deep.orders.first!))) }
        try page("last page (End)", .all, .oldest)
        for text in ["status:refunded", "line:hotel", "channel:card since:7d", "!refunded", "amount>4000.5", "status:unknown",
                     "line:hotel amount<=20 !refunded"] {
            try page("filter: \(text)", try filtered(text), .newest)
        }
        if let sample {
            let (order, attempt, refund) = sample
            var identifiers = [("order no", order.orderNo.rawValue), ("order serial", order.serial.rawValue)]
            if let customer = order.customerId { identifiers.append(("customer id", customer)) }
            if let attempt {
                identifiers.append(("payment serial", attempt.serial.rawValue))
                if let channelSerial = attempt.channelSerial { identifiers.append(("channel serial", channelSerial)) }
            }
            if let refund {
                identifiers.append(("refund serial", refund.serial.rawValue))
                if let channelRefundSerial = refund.channelRefundSerial { identifiers.append(("channel refund serial", channelRefundSerial)) }
            }
            for (name, identifier) in identifiers { try page("search: \(name)", try filtered(identifier), .newest) }
        }
        let ids = first.orders.map(\.id)
        if !ids.isEmpty {
            let ours = try BenchStats.measure("reload a page (orders+items+subs)", count: repeats) { _ in _ = try browser.reload(ids: ids) }
            figures.append(compare(ours, statements: [OrderSQL.orders(ids: ids, operatorName: nil), OrderSQL.items(of: ids),
                                                      OrderSQL.subOrders(of: ids)], path: path, repeats: repeats,
                                   target: shellTargetMicros))
        }

        // The export: every order once, through the browser, against the shell running its chunk statements once.
        let exportStart = clock.now
        let exported = try browser.exportCSV(.all) { _ in }
        let exportSeconds = (clock.now - exportStart).seconds
        var chunks: [SQLText] = []
        var position = OrderPosition.newest
        while true {
            chunks.append(OrderSQL.page(OrderFilter(), at: position, limit: 500))
            let (orders, more) = try store.read { try store.orders.heads(OrderFilter(), at: position, limit: 500) }
            guard more, let last = orders.last else { break }
            position = .after(OrderCursor(last))
        }
        let exportStats = BenchStats("export CSV (all, per 500-row chunk)", micros: [exportSeconds * 1e6 / Double(chunks.count)])
        figures.append(compare(exportStats, statements: chunks, path: path, repeats: 1, target: shellTargetMicros,
                               perStatementGroup: chunks.count))

        let bytes = Int64(FileSystem.size(path))
        return Report(orders: count, buildSeconds: buildSeconds, figures: figures, shellMethod: shellMethod,
                      exportRowsPerSecond: exportSeconds > 0 ? Double(exported) / exportSeconds : 0,
                      peakMemoryMiB: ProcessMemory.peakMiB(), storeBytes: bytes)
    }

    /// PayDesk's figure beside the shell's mean for the statements (divided by `perStatementGroup`
    /// when the statements are several runs of one kind, as the export's chunks).
    static func compare(_ ours: BenchStats, statements: [SQLText], path: String, repeats: Int, target: Double,
                        perStatementGroup: Int = 1) -> Figure {
        let shell = SQLiteShell.meanMicros(path: path, statements: statements.map(\.inlined), repeats: repeats, targetMicros: target)
            .map { $0 / Double(perStatementGroup) }
        let ratio = shell.flatMap { $0 > 0 ? ours.meanMicros / $0 : nil }
        return Figure(name: ours.name, paydesk: ours, sqlite3MeanMicros: shell, ratio: ratio)
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

extension BrowsePosition {
    var storePosition: OrderPosition {
        switch self {
        case .newest: .newest
        case .oldest: .oldest
        case .after(let cursor): .after(cursor)
        case .before(let cursor): .before(cursor)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}
