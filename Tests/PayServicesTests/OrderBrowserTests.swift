import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// A service fixture with orders to browse: orders rung up at one instant (ties on created_at),
/// and settled orders with payments and refunds to search by their identifiers.
private final class BrowseFixture {
    let fixture: ServiceFixture
    var context: ServiceContext { fixture.context }
    var store: Store { fixture.store }
    var browser: OrderBrowser { OrderBrowser(context) }

    init() throws { fixture = try ServiceFixture() }

    /// Orders `prefix1…prefixN`, all created at the same instant, each with two items and a sub-order.
    @discardableResult
    func tiedOrders(_ prefix: String, _ count: Int, as actor: Actor? = nil) throws -> [Order] {
        let saved = context.actor
        if let actor { context.actor = actor }
        defer { context.actor = saved }
        return try (1...count).map { n in
            try OrderService(context).create(OrderDraft(
                businessLine: try BusinessLineCode("retail"), orderNo: try MerchantOrderNo("\(prefix)\(n)"),
                amount: Money(minorUnits: 1000, currency: .CNY), customerId: "C\(n)",
                items: [try LineItem(name: "Tea, \"green\"", quantity: 2, unitPrice: Money(minorUnits: 300, currency: .CNY)),
                        try LineItem(name: "Cake", quantity: 1, unitPrice: Money(minorUnits: 400, currency: .CNY))],
                subOrders: [try SubOrder(merchantAccount: "m-\(n)", amount: Money(minorUnits: 100, currency: .CNY))])).order
        }
    }

    /// A paid order (one succeeded payment), refunded in full when `refunded`.
    @discardableResult
    func settled(_ no: String, minor: Int64, currency: Currency = .CNY, channel: String = "alipay", refunded: Bool = false,
                 minutesAgo: Int64 = 0) throws -> Order {
        let serials = context.serials
        let at = context.now.adding(milliseconds: -minutesAgo * 60_000)
        try store.write {
            try store.bulkSeed.insertSettled(SettledOrderSeed(
                orderSerial: serials.next(.order), businessLine: "retail", orderNo: no,
                amount: Money(minorUnits: minor, currency: currency), customerId: "cust-\(no)", method: .alipay, mode: "barcode",
                channel: channel, account: "\(channel)-main", paymentSerial: serials.next(.payment), channelSerial: "CH-\(no)",
                refund: refunded ? (serials.next(.refund), "RF-\(no)") : nil, createdAt: at, expiresAt: at.adding(milliseconds: 1_800_000)))
        }
        return try store.read { try store.orders.find(try BusinessLineCode("retail"), MerchantOrderNo(stored: no))! }
    }

    func orderNos(_ text: String, at position: BrowsePosition = .newest, limit: Int = 50) throws -> [String] {
        try browser.page(OrderQuery.parse(text, now: context.now), at: position, limit: limit).orders.map(\.orderNo.rawValue)
    }
}

@Suite("Order browser")
struct OrderBrowserTests {
    @Test("pages walk down and back up through orders that share a created_at, none lost or repeated")
    func pagingWithTies() throws {
        let f = try BrowseFixture()
        let all = try f.tiedOrders("T", 7)
        let newestFirst = all.reversed().map(\.orderNo.rawValue)   // same instant: the higher id is newer
        let browser = f.browser

        let first = try browser.page(.all, at: .newest, limit: 3)
        #expect(first.orders.map(\.orderNo.rawValue) == Array(newestFirst[0..<3]))
        #expect(!first.hasNewer && first.hasOlder)
        let second = try browser.page(.all, at: .after(OrderCursor(first.orders.last!)), limit: 3)
        #expect(second.orders.map(\.orderNo.rawValue) == Array(newestFirst[3..<6]))
        #expect(second.hasNewer && second.hasOlder)
        let third = try browser.page(.all, at: .after(OrderCursor(second.orders.last!)), limit: 3)
        #expect(third.orders.map(\.orderNo.rawValue) == [newestFirst[6]])
        #expect(third.hasNewer && !third.hasOlder)

        // PgUp from the third page gives the second again, newest first.
        let up = try browser.page(.all, at: .before(OrderCursor(third.orders.first!)), limit: 3)
        #expect(up.orders.map(\.orderNo.rawValue) == Array(newestFirst[3..<6]))
        #expect(up.hasNewer && up.hasOlder)
        let top = try browser.page(.all, at: .before(OrderCursor(up.orders.first!)), limit: 3)
        #expect(top.orders.map(\.orderNo.rawValue) == Array(newestFirst[0..<3]))
        #expect(!top.hasNewer && top.hasOlder)

        // End: the oldest orders, still shown newest first.
        let end = try browser.page(.all, at: .oldest, limit: 3)
        #expect(end.orders.map(\.orderNo.rawValue) == Array(newestFirst[4..<7]))
        #expect(end.hasNewer && !end.hasOlder)
    }

    @Test("a page of orders with items and sub-orders costs at most three statements, and carries them all")
    func threeStatementsPerPage() throws {
        let f = try BrowseFixture()
        try f.tiedOrders("Q", 12)
        let db = f.store.db
        let before = db.statementsRun
        let page = try f.browser.page(.all, at: .newest, limit: 10)
        #expect(db.statementsRun - before <= 3)
        #expect(page.orders.count == 10)
        #expect(page.orders.allSatisfy { $0.items.map(\.name) == ["Tea, \"green\"", "Cake"] && $0.subOrders.count == 1 })
        #expect(page.orders.map { $0.subOrders[0].merchantAccount } == (3...12).reversed().map { "m-\($0)" })

        let ids = page.orders.map(\.id)
        let beforeReload = db.statementsRun
        let again = try f.browser.reload(ids: ids)
        #expect(db.statementsRun - beforeReload <= 3)
        #expect(again == page.orders)
    }

    @Test("free text finds an order by each of its identifiers")
    func searchByEveryIdentifier() throws {
        let f = try BrowseFixture()
        let target = try f.settled("S-1", minor: 5000, refunded: true)
        try f.settled("S-2", minor: 5000)
        try f.tiedOrders("N", 2)
        let (attempt, refund) = try f.store.read { (try f.store.attempts.forOrder(target.id)[0], try f.store.refunds.forOrder(target.id)[0]) }
        for identifier in ["S-1", target.serial.rawValue, attempt.serial.rawValue, "CH-S-1", refund.serial.rawValue, "RF-S-1", "cust-S-1"] {
            #expect(try f.orderNos(identifier) == ["S-1"], "searching \(identifier)")
        }
        #expect(try f.orderNos("nothing-has-this").isEmpty)
        #expect(try f.orderNos("CH-S-1 status:paid").isEmpty)
        #expect(try f.orderNos("CH-S-1 status:refunded") == ["S-1"])
    }

    @Test("structured fields narrow the list: status, attempt status, negation, channel, line, amount, time")
    func filters() throws {
        let f = try BrowseFixture()
        try f.settled("A", minor: 10_000, channel: "alipay", minutesAgo: 30)                // 100.00 CNY
        try f.settled("B", minor: 2050, channel: "wechat", refunded: true, minutesAgo: 20)  // 20.50 CNY
        try f.settled("C", minor: 2051, channel: "wechat", minutesAgo: 10)                  // 20.51 CNY
        try f.settled("J", minor: 100, currency: .JPY, channel: "card", minutesAgo: 5)      // 100 JPY
        try f.tiedOrders("U", 1)                                                            // 10.00 CNY, CREATED, no attempt

        #expect(try f.orderNos("status:refunded") == ["B"])
        #expect(try f.orderNos("!refunded") == ["U1", "J", "C", "A"])
        #expect(try f.orderNos("!refunded !created") == ["J", "C", "A"])
        #expect(try f.orderNos("status:succeeded") == ["J", "C", "B", "A"])
        #expect(try f.orderNos("!succeeded") == ["U1"])
        #expect(try f.orderNos("channel:wechat") == ["C", "B"])
        #expect(try f.orderNos("line:retail channel:card") == ["J"])
        #expect(try f.orderNos("line:hotel").isEmpty)
        #expect(try f.orderNos("amount=100") == ["J", "A"])
        #expect(try f.orderNos("amount<=20.5") == ["U1", "B"])
        #expect(try f.orderNos("amount>20.5 amount<100") == ["C"])
        #expect(try f.orderNos("amount>=20.505") == ["J", "C", "A"])
        let now = f.context.now
        #expect(try f.orderNos("since:15m") == ["U1", "J", "C"])
        #expect(try f.orderNos("since:25m until:\(now.adding(milliseconds: -7 * 60_000).iso8601)") == ["C", "B"])
    }

    @Test("a cashier sees only their own sales; support sees every order")
    func cashierSeesOwnSales() throws {
        let f = try BrowseFixture()
        let alice = Actor(name: "alice", role: .cashier, origin: "test")
        let bob = Actor(name: "bob", role: .cashier, origin: "test")
        let mine = try f.tiedOrders("ALICE", 2, as: alice)
        let theirs = try f.tiedOrders("BOB", 2, as: bob)
        f.context.actor = alice
        #expect(try f.browser.page(.all, at: .newest, limit: 50).orders.map(\.orderNo.rawValue) == ["ALICE2", "ALICE1"])
        #expect(try f.orderNos("BOB1").isEmpty)
        #expect(try f.browser.reload(ids: (mine + theirs).map(\.id)).map(\.orderNo.rawValue) == ["ALICE1", "ALICE2"])
        var csv = ""
        #expect(try f.browser.exportCSV(.all) { csv += $0 } == 2)
        #expect(!csv.contains("BOB"))
        f.context.actor = Actor(name: "sam", role: .support, origin: "test")
        #expect(try f.browser.page(.all, at: .newest, limit: 50).orders.count == 4)
    }

    @Test("reload answers the rows' current state in the order asked, dropping ids that name no order")
    func reloadInPlace() throws {
        let f = try BrowseFixture()
        let orders = try f.tiedOrders("R", 3)
        _ = try f.store.write { try f.store.orders.transition(orders[1].id, from: .created, to: .closed, at: f.context.now) }
        let again = try f.browser.reload(ids: [orders[2].id, 999_999, orders[1].id])
        #expect(again.map(\.orderNo.rawValue) == ["R3", "R2"])
        #expect(again.map(\.status) == [.created, .closed])
    }

    @Test("CSV export: header first, every filtered order, commas, quotes and newlines quoted")
    func csvExport() throws {
        let f = try BrowseFixture()
        try f.settled("plain", minor: 1234)
        try f.settled("a,b", minor: 100)
        try f.settled("say \"hi\"", minor: 100)
        try f.settled("two\nlines", minor: 100)
        try f.settled("=1+2", minor: 100)
        try f.store.write {
            for n in 0..<1100 { try f.settled("bulk-\(n)", minor: 100, channel: "card", minutesAgo: Int64(n % 7)) }
        }
        var lines: [String] = []
        let written = try f.browser.exportCSV(try OrderQuery.parse("!status:created channel:alipay", now: f.context.now)) { lines.append($0) }
        #expect(written == 5)
        #expect(lines.first == "created_at,business_line,order_no,serial,amount,currency,status,channel,customer_id,paid,refunded\r\n")
        let body = lines.dropFirst().joined()
        #expect(body.contains(",plain,"))
        #expect(body.contains(",12.34,CNY,PAID,alipay,cust-plain,12.34,0.00\r\n"))
        #expect(body.contains(",\"a,b\","))
        #expect(body.contains(",\"say \"\"hi\"\"\","))
        #expect(body.contains(",\"two\nlines\","))
        #expect(body.contains(",\"cust-a,b\","))
        // A spreadsheet would run an order no starting with '=' as a formula: it is made inert.
        #expect(body.contains(",'=1+2,"))
        #expect(!body.contains(",=1+2,"))

        // More rows than one chunk: every one exactly once.
        var cardRows: [String] = []
        #expect(try f.browser.exportCSV(try OrderQuery.parse("channel:card", now: f.context.now)) { cardRows.append($0) } == 1100)
        #expect(Set(cardRows.dropFirst()).count == 1100)
    }

    @Test("saved views belong to their operator; a bad query is refused and saves nothing")
    func savedViewsPerOperator() throws {
        let f = try BrowseFixture()
        f.context.actor = Actor(name: "sam", role: .support, origin: "test")
        try f.browser.saveView(name: "stuck", query: "status:unknown channel:alipay")
        try f.browser.saveView(name: "big", query: "amount>1000")
        try f.browser.saveView(name: "big", query: "amount>5000")
        #expect(try f.browser.savedViews() == [SavedView(name: "big", query: "amount>5000"),
                                                SavedView(name: "stuck", query: "status:unknown channel:alipay")])
        #expect(throws: PayError.self) { try f.browser.saveView(name: "bad", query: "status:paid amount>x") }
        #expect(throws: PayError.self) { try f.browser.saveView(name: "no spaces", query: "status:paid") }

        f.context.actor = Actor(name: "sue", role: .support, origin: "test")
        #expect(try f.browser.savedViews().isEmpty)
        #expect(throws: PayError.self) { try f.browser.deleteView(name: "big") }
        try f.browser.saveView(name: "big", query: "amount>1")

        f.context.actor = Actor(name: "sam", role: .support, origin: "test")
        try f.browser.deleteView(name: "big")
        #expect(try f.browser.savedViews().map(\.name) == ["stuck"])
        #expect(try f.browser.savedView(named: "stuck").filter.attemptStatus == .unknown)
    }
}
