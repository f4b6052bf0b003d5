import Foundation
import PayConsole
import PayCore
import PayServices
import PayStore
import Synchronization

/// An in-memory support desk: 300 orders over four business lines, newest first, and one order
/// (`H20261121000297`, hotel) whose timeline holds a lost callback, a janitor query, a resent
/// notification and a partial refund. Filters, paging, repairs (with the version check, the
/// refundable amount, an approver above ¥500 and idempotency keys) behave as the services promise.
final class FakeSupportDesk: SupportDesk {
    static let storyOrderNo = "H20261121000297"
    static let storyChannelSerial = "2026112122001499990297"
    static let refundLimit = Money(minorUnits: 50_000, currency: .CNY)
    static let base = Timestamp(milliseconds: 1_795_253_400_000)  // 2026-11-21 09:30:00 UTC

    struct State {
        var orders: [Order]
        var timelines: [Int64: [TimelineEntry]] = [:]
        var attempts: [Int64: [PaymentAttempt]] = [:]
        var refunds: [Int64: [Refund]] = [:]
        var views: [SavedView] = []
        var performed: [RepairRequest] = []
        var results: [String: RepairResult] = [:]
        var pages: [BrowsePosition] = []
    }

    let state: Mutex<State>
    /// A cashier's name: only their sales are seen (as the service enforces).
    let cashier: String?

    init(orderCount: Int = 300, cashier: String? = nil) {
        self.cashier = cashier
        var state = State(orders: [])
        for id in stride(from: Int64(1), through: Int64(orderCount), by: 1) {
            state.orders.append(Self.order(id: id))
        }
        if orderCount >= 297 { Self.tellTheStory(&state) }
        self.state = Mutex(state)
    }

    static let lines = ["retail", "hotel", "flight", "ticket"]
    static let channels = ["alipay", "wechat", "unionpay", "card"]
    static let statuses: [OrderStatus] = [.paid, .paid, .paying, .refunded, .closed, .created, .paid, .partiallyRefunded]

    static func order(id: Int64, status: OrderStatus? = nil, refunded: Int64? = nil, updatedAt: Timestamp? = nil) -> Order {
        let line = lines[Int(id) % 4]
        let status = status ?? statuses[Int(id) % statuses.count]
        let amount = Money(minorUnits: 1_000 + id * 1_337 % 200_000, currency: .CNY)
        let paid = [.paid, .partiallyRefunded, .refunded].contains(status) ? amount : .zero(.CNY)
        let refundedMinor = refunded ?? (status == .refunded ? amount.minorUnits : status == .partiallyRefunded ? amount.minorUnits / 4 : 0)
        let created = base.adding(milliseconds: -(300 - id) * 7 * 60_000)
        let no = String(line.prefix(1)).uppercased() + "20261121" + String(format: "%06d", id)
        return Order(id: id, serial: Serial(stored: "O20261121" + String(format: "%015d", id * 7919)), businessLine: BusinessLineCode(stored: line),
                     orderNo: MerchantOrderNo(stored: no), amount: amount, customerId: id % 5 == 0 ? nil : "C-\(1000 + id % 37)",
                     items: [try! LineItem(name: "Item \(id)", quantity: 1, unitPrice: amount)], subOrders: [], attributes: [:],
                     status: status, channel: status == .created ? nil : channels[Int(id) % 4], operatorName: id % 3 == 0 ? "cashier" : "cashier2",
                     paidAmount: paid, refundedAmount: Money(minorUnits: refundedMinor, currency: .CNY),
                     createdAt: created, updatedAt: updatedAt ?? created, expiresAt: created.adding(milliseconds: 30 * 60_000))
    }

    /// Order 297: paid by pay code, the callback never came, the janitor's query found it paid,
    /// the merchant notification failed until support resent it, then ¥300 of it was refunded.
    static func tellTheStory(_ state: inout State) {
        let id: Int64 = 297
        let t0 = base.adding(milliseconds: -(300 - id) * 7 * 60_000)
        func at(_ minutes: Double) -> Timestamp { t0.adding(milliseconds: Int64(minutes * 60_000)) }
        let amount = Money(minorUnits: 137_600, currency: .CNY)
        let items = [try! LineItem(name: "豪华大床房 Deluxe King", quantity: 2, unitPrice: Money(minorUnits: 68_800, currency: .CNY))]
        let sub = try! SubOrder(merchantAccount: "hotel-deposit", amount: Money(minorUnits: 50_000, currency: .CNY))
        let order = Order(id: id, serial: Serial(stored: "O20261121093000000297"), businessLine: BusinessLineCode(stored: "hotel"),
                          orderNo: MerchantOrderNo(stored: storyOrderNo), amount: amount, customerId: "C-王小明", items: items,
                          subOrders: [sub], attributes: [:], status: .partiallyRefunded, channel: "alipay", operatorName: "cashier",
                          paidAmount: amount, refundedAmount: Money(minorUnits: 30_000, currency: .CNY),
                          createdAt: t0, updatedAt: at(95), expiresAt: at(30))
        state.orders[Int(id) - 1] = order
        state.attempts[id] = [PaymentAttempt(id: 1, serial: Serial(stored: "P20261121093000000297"), orderId: id, method: .alipay,
                                             channel: "alipay", account: "alipay-main", amount: amount, status: .succeeded,
                                             channelSerial: storyChannelSerial, failureKind: nil, failureCode: nil, failureMessage: nil,
                                             createdAt: at(0.5), updatedAt: at(7))]
        state.refunds[id] = [Refund(id: 1, serial: Serial(stored: "R20261121103500000297"), attemptId: 1, orderId: id, refundNo: "HR-297-1",
                                    amount: Money(minorUnits: 30_000, currency: .CNY), status: .succeeded,
                                    channelRefundSerial: "2026112121001499990297R1", reason: "minibar not used",
                                    createdAt: at(95), updatedAt: at(95.2))]
        state.timelines[id] = [
            TimelineEntry(at: t0, kind: .transition, actor: "cashier", summary: "order created: CREATED"),
            TimelineEntry(at: at(0.4), kind: .risk, actor: "risk", summary: "allow (no rule matched)"),
            TimelineEntry(at: at(0.5), kind: .channelCall, actor: "alipay", summary: "alipay.trade.precreate 184 ms SUCCESS req 20261121093030a1", raw: .channelCall(1)),
            TimelineEntry(at: at(0.5), kind: .transition, actor: "cashier", summary: "CREATED → PAYING (pay code shown)"),
            TimelineEntry(at: at(5.5), kind: .overdue, actor: nil, summary: "no callback 5 min after the pay code was shown", isProblem: true),
            TimelineEntry(at: at(7), kind: .janitor, actor: "janitor", summary: "alipay.trade.query 203 ms TRADE_SUCCESS", raw: .channelCall(2)),
            TimelineEntry(at: at(7), kind: .transition, actor: "janitor", summary: "PAYING → PAID (attempt SUCCEEDED by query)"),
            TimelineEntry(at: at(7.1), kind: .notification, actor: "worker", summary: "merchant notify HTTP 503 1204 ms, next retry 09:41", isProblem: true),
            TimelineEntry(at: at(12), kind: .notification, actor: "worker", summary: "merchant notify HTTP 503 1187 ms, next retry 10:02", isProblem: true),
            TimelineEntry(at: at(40), kind: .callback, actor: "callback", summary: "late callback TRADE_SUCCESS: already final, acknowledged", raw: .callback(1)),
            TimelineEntry(at: at(60), kind: .operatorAction, actor: "support", summary: "resent the merchant notification: hotel PMS was down"),
            TimelineEntry(at: at(60.1), kind: .notification, actor: "worker", summary: "merchant notify HTTP 200 88 ms"),
            TimelineEntry(at: at(95), kind: .operatorAction, actor: "support", summary: "refund ¥300.00: minibar not used"),
            TimelineEntry(at: at(95.1), kind: .channelCall, actor: "alipay", summary: "alipay.trade.refund 240 ms SUCCESS", raw: .channelCall(3)),
            TimelineEntry(at: at(95.2), kind: .transition, actor: "callback", summary: "PAID → PARTIALLY_REFUNDED"),
        ]
    }

    // MARK: Test hooks

    var performed: [RepairRequest] { state.withLock { $0.performed } }
    var views: [SavedView] { state.withLock { $0.views } }
    var pagesAsked: [BrowsePosition] { state.withLock { $0.pages } }
    func order(_ orderNo: String) -> Order? { state.withLock { $0.orders.first { $0.orderNo.rawValue == orderNo } } }

    /// Another operator or the worker moves an order (a refund elsewhere, a late payment).
    func change(_ orderNo: String, status: OrderStatus, refunded: Money? = nil) {
        state.withLock { state in
            guard let index = state.orders.firstIndex(where: { $0.orderNo.rawValue == orderNo }) else { return }
            let old = state.orders[index]
            state.orders[index] = Self.copy(old, status: status, refunded: refunded ?? old.refundedAmount,
                                            paid: status == .paid ? old.amount : old.paidAmount, at: old.updatedAt.adding(milliseconds: 60_000))
        }
    }

    static func copy(_ o: Order, status: OrderStatus, refunded: Money, paid: Money, at: Timestamp) -> Order {
        Order(id: o.id, serial: o.serial, businessLine: o.businessLine, orderNo: o.orderNo, amount: o.amount, customerId: o.customerId,
              items: o.items, subOrders: o.subOrders, attributes: o.attributes, status: status, channel: o.channel ?? "alipay",
              operatorName: o.operatorName, paidAmount: paid, refundedAmount: refunded, createdAt: o.createdAt, updatedAt: at, expiresAt: o.expiresAt)
    }

    // MARK: Browsing

    /// A small stand-in for the real grammar: key:value terms, `amount>N`, `!refunded`, free text.
    func parseFilter(_ text: String) throws(PayError) -> OrderQuery {
        var filter = OrderFilter()
        var search: [String] = []
        var column = 1
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            defer { column += word.count + 1 }
            guard !word.isEmpty else { continue }
            if word == "!refunded" || word.hasPrefix("amount>") { continue }
            if let colon = word.firstIndex(of: ":") {
                let key = word[..<colon], value = String(word[word.index(after: colon)...])
                switch key {
                case "status":
                    guard let status = OrderStatus(rawValue: value.uppercased()) else {
                        throw PayError.invalidInput("filter column \(column + key.count + 1): unknown status '\(value)'")
                    }
                    filter.status = status
                case "channel": filter.channel = value
                case "line": filter.businessLine = BusinessLineCode(stored: value)
                default: throw PayError.invalidInput("filter column \(column): unknown key '\(key)' (known: status, channel, line, amount, since, until)")
                }
            } else {
                search.append(String(word))
            }
        }
        return OrderQuery(text: text, filter: filter, search: search.isEmpty ? nil : search.joined(separator: " "))
    }

    private func matching(_ query: OrderQuery, _ state: State) -> [Order] {
        let notRefunded = query.text.split(separator: " ").contains("!refunded")
        let above = query.text.split(separator: " ").first { $0.hasPrefix("amount>") }.flatMap { try? Money.parse(String($0.dropFirst(7)), currency: .CNY) }
        return state.orders.filter { order in
            if let cashier, order.operatorName != cashier { return false }
            if let status = query.filter.status, order.status != status { return false }
            if let channel = query.filter.channel, order.channel != channel { return false }
            if let line = query.filter.businessLine, order.businessLine != line { return false }
            if notRefunded, order.refundedAmount.isPositive { return false }
            if let above, order.amount <= above { return false }
            if let search = query.search {
                let ids = [order.orderNo.rawValue, order.serial.rawValue, order.customerId ?? ""]
                    + (state.attempts[order.id] ?? []).flatMap { [$0.serial.rawValue, $0.channelSerial ?? ""] }
                    + (state.refunds[order.id] ?? []).flatMap { [$0.serial.rawValue, $0.refundNo ?? "", $0.channelRefundSerial ?? ""] }
                if !ids.contains(search) { return false }
            }
            return true
        }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    func page(_ query: OrderQuery, at position: BrowsePosition, limit: Int) async throws(PayError) -> OrderPage {
        state.withLock { state in
            state.pages.append(position)
            let all = matching(query, state)
            func key(_ o: Order) -> (Int64, Int64) { (o.createdAt.milliseconds, o.id) }
            var start: Int, end: Int
            switch position {
            case .newest: start = 0; end = min(all.count, limit)
            case .oldest: end = all.count; start = max(0, end - limit)
            case .after(let c):
                start = all.firstIndex { key($0) < (c.createdAt, c.id) } ?? all.count
                end = min(all.count, start + limit)
            case .before(let c):
                end = all.firstIndex { key($0) <= (c.createdAt, c.id) } ?? all.count
                start = max(0, end - limit)
            }
            return OrderPage(orders: Array(all[start..<end]), hasNewer: start > 0, hasOlder: end < all.count)
        }
    }

    func reload(ids: [Int64]) async throws(PayError) -> [Order] {
        state.withLock { state in state.orders.filter { ids.contains($0.id) } }
    }

    func exportCSV(_ query: OrderQuery, toFile path: String) async throws(PayError) -> Int {
        let rows = state.withLock { matching(query, $0) }
        var text = "created_at,business_line,order_no,amount,currency,status\n"
        for o in rows { text += "\(o.createdAt.iso8601),\(o.businessLine),\(o.orderNo),\(o.amount.decimalString),\(o.amount.currency.code),\(o.status.rawValue)\n" }
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw PayError.invalidInput("export file '\(path)': cannot write (\(error.localizedDescription))")
        }
        return rows.count
    }

    func savedViews() async throws(PayError) -> [SavedView] { state.withLock { $0.views } }
    func saveView(name: String, query: String) async throws(PayError) {
        state.withLock { state in
            state.views.removeAll { $0.name == name }
            state.views.append(SavedView(name: name, query: query))
        }
    }
    func deleteView(name: String) async throws(PayError) { state.withLock { $0.views.removeAll { $0.name == name } } }

    // MARK: Detail, timeline, raw

    func detail(orderId: Int64) async throws(PayError) -> OrderDetail {
        let found = state.withLock { state in
            state.orders.first { $0.id == orderId }.map { OrderDetail(order: $0, attempts: state.attempts[orderId] ?? [], refunds: state.refunds[orderId] ?? []) }
        }
        guard let found else { throw PayError.notFound("order \(orderId): no such order") }
        return found
    }

    func timeline(orderId: Int64) async throws(PayError) -> [TimelineEntry] {
        state.withLock { $0.timelines[orderId] ?? [] }
    }

    func raw(_ id: RawRecordID) async throws(PayError) -> RawRecord {
        switch id {
        case .callback(1):
            return RawRecord(title: "alipay callback #1", headers: [.init("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), .init("verdict", "accepted (already final)")],
                             format: .form, body: "notify_time=2026-11-21+09%3A23%3A00&trade_status=TRADE_SUCCESS&out_trade_no=P20261121093000000297&trade_no=\(Self.storyChannelSerial)&total_amount=1376.00&buyer_logon_id=wxm***%40example.com&sign_type=RSA2&sign=***")
        case .channelCall(let n):
            let bodies = [1: #"{"alipay_trade_precreate_response":{"code":"10000","msg":"Success","out_trade_no":"P20261121093000000297","qr_code":"https://qr.alipay.com/bax0***"},"sign":"***"}"#,
                          2: #"{"alipay_trade_query_response":{"code":"10000","trade_status":"TRADE_SUCCESS","trade_no":"2026112122001499990297","total_amount":"1376.00"},"sign":"***"}"#,
                          3: #"{"alipay_trade_refund_response":{"code":"10000","refund_fee":"300.00","out_request_no":"R20261121103500000297"},"sign":"***"}"#]
            guard let body = bodies[Int(n)] else { throw PayError.notFound("channel call \(n): not kept") }
            return RawRecord(title: "alipay channel call #\(n)", headers: [.init("request id", "20261121093030a\(n)"), .init("latency", "\(180 + n * 20) ms")],
                             format: .json, body: body)
        case .callback(let n):
            throw PayError.notFound("callback \(n): not kept")
        }
    }

    func prettyLines(_ record: RawRecord) -> [String] {
        guard record.format == .json, let data = record.body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data),
              let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return record.body.components(separatedBy: "\n")
        }
        return String(decoding: pretty, as: UTF8.self).components(separatedBy: "\n")
    }

    // MARK: Repairs

    func actions(orderId: Int64) async throws(PayError) -> [RepairAction] {
        let order = state.withLock { $0.orders.first { $0.id == orderId } }
        guard let order else { throw PayError.notFound("order \(orderId): no such order") }
        let payment = state.withLock { $0.attempts[orderId]?.first?.serial } ?? Serial(stored: "P" + order.serial.rawValue.dropFirst())
        switch order.status {
        case .paid, .partiallyRefunded:
            return [.refund(payment: payment, amount: nil), .queryChannel, .resendNotification, .close,
                    .holdDuplicateRefund(payment: payment), .settleByHand(payment: payment, outcome: .succeeded)]
        case .created, .paying: return [.queryChannel, .close]
        case .refunded, .closed: return [.resendNotification]
        }
    }

    func preview(_ action: RepairAction, orderId: Int64) async throws(PayError) -> RepairPreview {
        let order = state.withLock { $0.orders.first { $0.id == orderId } }
        guard let order else { throw PayError.notFound("order \(orderId): no such order") }
        let version = OrderVersion(order)
        let refundable = Money(minorUnits: order.paidAmount.minorUnits - order.refundedAmount.minorUnits, currency: order.amount.currency)
        switch action {
        case .refund(let payment, let amount):
            let amount = amount ?? refundable
            let after: OrderStatus = amount == refundable ? .refunded : .partiallyRefunded
            return RepairPreview(action: action, title: "Refund \(amount.displayString) of order \(order.orderNo)",
                                 changes: ["order \(order.status.rawValue) → \(after.rawValue)", "refund against payment \(payment.map(\.rawValue) ?? "—")",
                                           "the customer gets \(amount.displayString) back on \(order.channel ?? "the channel")"],
                                 refundable: refundable, needsApprover: amount > Self.refundLimit,
                                 refusal: refundable.isPositive ? nil : "nothing left to refund", version: version)
        case .queryChannel:
            return RepairPreview(action: action, title: "Query \(order.channel ?? "the channel") now about order \(order.orderNo)",
                                 changes: ["asks the channel for each unconfirmed payment", "a final answer updates the payment and the order"], version: version)
        case .close:
            let refusal = [.created, .paying].contains(order.status) ? nil : "order is \(order.status.rawValue): only an unpaid order can be closed"
            return RepairPreview(action: action, title: "Close order \(order.orderNo)", changes: ["order \(order.status.rawValue) → CLOSED"], refusal: refusal, version: version)
        case .resendNotification:
            return RepairPreview(action: action, title: "Resend the merchant notification of order \(order.orderNo)",
                                 changes: ["queues the latest notification (\(order.status.rawValue)) for the \(order.businessLine) system now"], version: version)
        case .holdDuplicateRefund(let payment), .releaseDuplicateRefund(let payment):
            return RepairPreview(action: action, title: "Duplicate refund of \(payment)", changes: [], refusal: "payment \(payment) is not a duplicate", version: version)
        case .settleByHand(let payment, let outcome):
            return RepairPreview(action: action, title: "Settle \(payment) by hand as \(outcome.rawValue)", changes: ["payment UNKNOWN → \(outcome.rawValue)"],
                                 refusal: "payment \(payment) is SUCCEEDED, not UNKNOWN; and only a supervisor may settle by hand", version: version)
        }
    }

    func perform(_ request: RepairRequest, orderId: Int64) async throws(PayError) -> RepairResult {
        let outcome: Result<RepairResult, PayError> = state.withLock { state in
            if let earlier = state.results[request.idempotencyKey] { return .success(earlier) }
            guard let index = state.orders.firstIndex(where: { $0.id == orderId }) else { return .failure(.notFound("order \(orderId): no such order")) }
            let order = state.orders[index]
            guard OrderVersion(order) == request.expected else {
                return .failure(.conflict("order \(order.orderNo) changed since the preview: now \(order.status.rawValue) (was \(request.expected.status.rawValue))"))
            }
            guard !request.reason.isEmpty else { return .failure(.invalidInput("reason: empty")) }
            state.performed.append(request)
            let now = order.updatedAt.adding(milliseconds: 60_000)
            let summary: String
            switch request.action {
            case .refund(_, let amount?):
                let refundable = order.paidAmount.minorUnits - order.refundedAmount.minorUnits
                guard amount.minorUnits <= refundable else { return .failure(.conflict("amount \(amount.displayString): above the refundable")) }
                if amount > Self.refundLimit {
                    guard let approver = request.approver, approver.name == "supervisor", approver.password == "demo" else {
                        return .failure(.notPermitted("approver: a supervisor's name and password are needed above \(Self.refundLimit.displayString)"))
                    }
                }
                let refunded = Money(minorUnits: order.refundedAmount.minorUnits + amount.minorUnits, currency: amount.currency)
                let status: OrderStatus = refunded == order.paidAmount ? .refunded : .partiallyRefunded
                state.orders[index] = Self.copy(order, status: status, refunded: refunded, paid: order.paidAmount, at: now)
                state.timelines[orderId, default: []] += [
                    TimelineEntry(at: now, kind: .operatorAction, actor: "support", summary: "refund \(amount.displayString): \(request.reason)"),
                    TimelineEntry(at: now, kind: .transition, actor: "support", summary: "\(order.status.rawValue) → \(status.rawValue)"),
                ]
                summary = "refund of \(amount.displayString) sent for order \(order.orderNo)"
            case .resendNotification:
                state.orders[index] = Self.copy(order, status: order.status, refunded: order.refundedAmount, paid: order.paidAmount, at: now)
                state.timelines[orderId, default: []].append(TimelineEntry(at: now, kind: .operatorAction, actor: "support", summary: "resent the merchant notification: \(request.reason)"))
                summary = "merchant notification of order \(order.orderNo) queued again"
            default:
                summary = "\(request.action.menuTitle): done"
            }
            let result = RepairResult(summary: summary, order: state.orders[index])
            state.results[request.idempotencyKey] = result
            return .success(result)
        }
        return try outcome.get()
    }
}
