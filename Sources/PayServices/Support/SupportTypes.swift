import PayCore
import PayStore

// The values the support console and the command line exchange with the support services: the
// order browser (`OrderBrowser`), the order timeline (`OrderTimeline`) and the repair actions
// (`RepairDesk`). Plain values, so a screen can be drawn from them without a store.

// MARK: Browsing

/// A filter line as typed (`status:unknown channel:alipay amount>100 !refunded B123`), parsed:
/// the structured part narrows the index walk, `search` is free text naming an identifier.
public struct OrderQuery: Hashable, Sendable {
    /// The text as typed (shown in the header, stored in a saved view).
    public let text: String
    public var filter: OrderFilter
    /// Free text: an order no, order / payment / refund serial, channel serial, refund no or customer id.
    public var search: String?

    public init(text: String = "", filter: OrderFilter = OrderFilter(), search: String? = nil) {
        self.text = text
        self.filter = filter
        self.search = search
    }

    /// Every order, newest first.
    public static let all = OrderQuery()
}

/// Where a page of the browser starts: the newest or oldest orders, or either side of a row.
public enum BrowsePosition: Hashable, Sendable {
    case newest
    case oldest
    /// Older than this row (PgDn).
    case after(OrderCursor)
    /// Newer than this row (PgUp).
    case before(OrderCursor)
}

/// One screen of orders, newest first, and whether more lie either side.
public struct OrderPage: Hashable, Sendable {
    public let orders: [Order]
    public let hasNewer: Bool
    public let hasOlder: Bool

    public init(orders: [Order], hasNewer: Bool, hasOlder: Bool) {
        self.orders = orders
        self.hasNewer = hasNewer
        self.hasOlder = hasOlder
    }

    public static let empty = OrderPage(orders: [], hasNewer: false, hasOlder: false)
}

extension OrderCursor {
    /// The cursor at this order's row.
    public init(_ order: Order) { self.init(createdAt: order.createdAt.milliseconds, id: order.id) }
}

/// A filter an operator named to recall later.
public struct SavedView: Hashable, Sendable {
    public let name: String
    public let query: String

    public init(name: String, query: String) {
        self.name = name
        self.query = query
    }
}

// MARK: The timeline

/// One thing that happened to an order (or, `overdue`, one thing that should have and has not).
public struct TimelineEntry: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case transition, channelCall, callback, notification, janitor, duplicate, risk, operatorAction, alert, overdue
    }

    public let at: Timestamp
    public let kind: Kind
    /// Who or what did it: an operator's name, "callback", "janitor", "worker", "risk", the channel.
    public let actor: String?
    /// One line: "PAYING → PAID", "alipay trade.pay 212 ms SUCCESS req 2026…", "callback accepted".
    public let summary: String
    /// The raw message behind the row, when there is one to open in the viewer.
    public let raw: RawRecordID?
    /// A failure, a rejected callback, an overdue row: drawn as a warning.
    public let isProblem: Bool

    public init(at: Timestamp, kind: Kind, actor: String?, summary: String, raw: RawRecordID? = nil, isProblem: Bool = false) {
        self.at = at
        self.kind = kind
        self.actor = actor
        self.summary = summary
        self.raw = raw
        self.isProblem = isProblem
    }
}

/// A raw message kept by the center: a callback received, or a channel call made.
public enum RawRecordID: Hashable, Sendable {
    case callback(Int64)
    case channelCall(Int64)
}

/// A raw message for the viewer, secrets and card data already masked.
public struct RawRecord: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable { case json, form, xml, text }

    public let title: String
    public let headers: [Field]
    public let format: Format
    public let body: String
    /// For a channel call: the channel's answer (nil: none came, or the record is a callback).
    public let answer: String?
    public let answerFormat: Format

    public struct Field: Hashable, Sendable {
        public let name: String
        public let value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(title: String, headers: [Field], format: Format, body: String, answer: String? = nil, answerFormat: Format = .text) {
        self.title = title
        self.headers = headers
        self.format = format
        self.body = body
        self.answer = answer
        self.answerFormat = answerFormat
    }
}

// MARK: Repairs

/// What support may do to an order (issue 11's repair actions).
public enum RepairAction: Hashable, Sendable {
    /// Refund a payment of the order: nil amount refunds all that is still refundable.
    case refund(payment: Serial?, amount: Money?)
    /// Ask the channel now about the order's unconfirmed payments.
    case queryChannel
    /// Close the unpaid order (payments in flight revoked at the channel first).
    case close
    /// Send the latest merchant notification again.
    case resendNotification
    case holdDuplicateRefund(payment: Serial)
    case releaseDuplicateRefund(payment: Serial)
    /// Record by hand how an UNKNOWN payment ended (Kill Bill's fix-transaction-state): a
    /// supervisor, with a reason, after checking with the channel out of band.
    case settleByHand(payment: Serial, outcome: AttemptStatus)
}

/// The order as the operator saw it when previewing: an action is refused when it has moved since.
public struct OrderVersion: Hashable, Sendable {
    public let status: OrderStatus
    public let updatedAt: Timestamp

    public init(status: OrderStatus, updatedAt: Timestamp) {
        self.status = status
        self.updatedAt = updatedAt
    }

    public init(_ order: Order) { self.init(status: order.status, updatedAt: order.updatedAt) }
}

/// What an action will change, shown before it is taken.
public struct RepairPreview: Hashable, Sendable {
    public let action: RepairAction
    /// "Refund 25.00 CNY of order B123".
    public let title: String
    /// "order PAID → PARTIALLY_REFUNDED", "the customer gets 25.00 CNY back on alipay", …
    public let changes: [String]
    /// For a refund: what can still be refunded.
    public let refundable: Money?
    /// A refund above the operator's limit: a second person approves on the spot.
    public let needsApprover: Bool
    /// Why the action cannot be taken now (nil: it can).
    public let refusal: String?
    public let version: OrderVersion

    public init(action: RepairAction, title: String, changes: [String], refundable: Money? = nil, needsApprover: Bool = false,
                refusal: String? = nil, version: OrderVersion) {
        self.action = action
        self.title = title
        self.changes = changes
        self.refundable = refundable
        self.needsApprover = needsApprover
        self.refusal = refusal
        self.version = version
    }
}

/// An action to take: what was previewed, why, and who approves it when a second person must.
public struct RepairRequest: Sendable {
    public let action: RepairAction
    public let reason: String
    /// The order as previewed; the action is refused (conflict, new state named) when it moved.
    public let expected: OrderVersion
    /// The same key again answers the first result and changes nothing.
    public let idempotencyKey: String
    /// Name and password of the approving operator, for a refund above the operator's limit.
    public let approver: (name: String, password: String)?

    public init(action: RepairAction, reason: String, expected: OrderVersion, idempotencyKey: String,
                approver: (name: String, password: String)? = nil) {
        self.action = action
        self.reason = reason
        self.expected = expected
        self.idempotencyKey = idempotencyKey
        self.approver = approver
    }
}

/// What an action did.
public struct RepairResult: Hashable, Sendable {
    /// One line for the status message: "refund R… of 25.00 CNY sent".
    public let summary: String
    public let order: Order

    public init(summary: String, order: Order) {
        self.summary = summary
        self.order = order
    }
}
