/// One reconciliation run of a channel account's bill for one day, as stored.
public struct ReconciliationRun: Sendable, Hashable {
    /// Counts and sums (minor units) of one side's payments and refunds.
    public struct Totals: Sendable, Hashable {
        public var payments: Int
        public var paid: Int64
        public var refunds: Int
        public var refunded: Int64
        public var fees: Int64

        public init(payments: Int = 0, paid: Int64 = 0, refunds: Int = 0, refunded: Int64 = 0, fees: Int64 = 0) {
            self.payments = payments
            self.paid = paid
            self.refunds = refunds
            self.refunded = refunded
            self.fees = fees
        }
    }

    public var id: Int64
    public var account: String
    public var channel: String
    /// The channel's day, YYYY-MM-DD (Beijing for Alipay, WeChat Pay and UnionPay; UTC for the rest).
    public var billDate: String
    /// 1 for the first run of the date; each re-run adds one and keeps the earlier.
    public var version: Int
    public var status: ReconciliationStatus
    public var currency: Currency?
    /// Where the bill read is kept (beside the store), nil when there was none.
    public var billFile: String?
    public var billLines: Int
    /// The bill's own totals, from its summary lines.
    public var bill: Totals
    /// The center's records of the day (payments succeeded, refunds succeeded); `fees` is the fee
    /// the account's terms give for the bill's lines.
    public var center: Totals
    public var matched: Int
    public var matchedMinor: Int64
    public var mismatches: Int
    public var mismatchedMinor: Int64
    /// Records put in the holding pool by this run.
    public var held: Int
    /// Records of earlier days' pool matched by this run.
    public var released: Int
    /// Why a FAILED or NO_BILL run did not compare.
    public var error: String?
    public var startedBy: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp

    public init(id: Int64, account: String, channel: String, billDate: String, version: Int, status: ReconciliationStatus,
                currency: Currency?, billFile: String?, billLines: Int, bill: Totals, center: Totals, matched: Int, matchedMinor: Int64,
                mismatches: Int, mismatchedMinor: Int64, held: Int, released: Int, error: String?, startedBy: String,
                startedAt: Timestamp, finishedAt: Timestamp) {
        self.id = id
        self.account = account
        self.channel = channel
        self.billDate = billDate
        self.version = version
        self.status = status
        self.currency = currency
        self.billFile = billFile
        self.billLines = billLines
        self.bill = bill
        self.center = center
        self.matched = matched
        self.matchedMinor = matchedMinor
        self.mismatches = mismatches
        self.mismatchedMinor = mismatchedMinor
        self.held = held
        self.released = released
        self.error = error
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// The center's side of a trade as a reconciliation sees it.
public struct CenterTradeView: Sendable, Hashable {
    public var serial: String
    public var status: String
    public var amount: Money
    /// The fee the account's terms give for this amount.
    public var fee: Money?
    public var time: Timestamp

    public init(serial: String, status: String, amount: Money, fee: Money?, time: Timestamp) {
        self.serial = serial
        self.status = status
        self.amount = amount
        self.fee = fee
        self.time = time
    }
}

/// The channel's side: one bill line.
public struct ChannelTradeView: Sendable, Hashable {
    public var serial: String
    /// The center serial the channel echoes (out_trade_no / out_refund_no).
    public var centerSerial: String
    /// succeeded, processing or failed.
    public var outcome: String
    public var amount: Money
    public var fee: Money
    public var time: Timestamp
    public var line: Int

    public init(serial: String, centerSerial: String, outcome: String, amount: Money, fee: Money, time: Timestamp, line: Int) {
        self.serial = serial
        self.centerSerial = centerSerial
        self.outcome = outcome
        self.amount = amount
        self.fee = fee
        self.time = time
        self.line = line
    }
}

/// One mismatch a run found, both sides as they were, and its resolution.
public struct Mismatch: Sendable, Hashable {
    public var id: Int64
    public var runId: Int64
    public var type: MismatchType
    /// The channel serial, else the center serial: what the two sides were matched by.
    public var key: String
    public var orderId: Int64?
    public var attemptId: Int64?
    public var refundId: Int64?
    public var center: CenterTradeView?
    public var channel: ChannelTradeView?
    /// What the run noticed beyond the type ("lost callback: the attempt is UNKNOWN").
    public var note: String
    public var state: MismatchState
    public var resolution: MismatchResolution?
    public var reason: String?
    public var resolvedBy: String?
    public var approvedBy: String?
    public var resolvedAt: Timestamp?
    /// What the resolution did ("payment … settled SUCCEEDED through the payment service; order PAID").
    public var outcome: String?

    public init(id: Int64, runId: Int64, type: MismatchType, key: String, orderId: Int64?, attemptId: Int64?, refundId: Int64?,
                center: CenterTradeView?, channel: ChannelTradeView?, note: String, state: MismatchState,
                resolution: MismatchResolution? = nil, reason: String? = nil, resolvedBy: String? = nil, approvedBy: String? = nil,
                resolvedAt: Timestamp? = nil, outcome: String? = nil) {
        self.id = id
        self.runId = runId
        self.type = type
        self.key = key
        self.orderId = orderId
        self.attemptId = attemptId
        self.refundId = refundId
        self.center = center
        self.channel = channel
        self.note = note
        self.state = state
        self.resolution = resolution
        self.reason = reason
        self.resolvedBy = resolvedBy
        self.approvedBy = approvedBy
        self.resolvedAt = resolvedAt
        self.outcome = outcome
    }

    /// The money the mismatch concerns: the channel's amount when it has one, else the center's.
    public var amount: Money? { channel?.amount ?? center?.amount }
}

/// A record waiting in the holding pool for the other side to turn up.
public struct PoolEntry: Sendable, Hashable {
    public var id: Int64
    public var account: String
    public var kind: ReconciliationKind
    public var side: ReconciliationSide
    public var key: String
    public var centerSerial: String?
    public var channelSerial: String?
    public var attemptId: Int64?
    public var refundId: Int64?
    public var outcome: String?
    public var amount: Money
    public var fee: Money
    public var time: Timestamp
    public var billLine: Int?
    /// The bill date of the run that first saw it alone.
    public var firstDate: String
    public var state: PoolState
    public var closedDate: String?

    public init(id: Int64, account: String, kind: ReconciliationKind, side: ReconciliationSide, key: String, centerSerial: String?,
                channelSerial: String?, attemptId: Int64?, refundId: Int64?, outcome: String?, amount: Money, fee: Money,
                time: Timestamp, billLine: Int?, firstDate: String, state: PoolState, closedDate: String?) {
        self.id = id
        self.account = account
        self.kind = kind
        self.side = side
        self.key = key
        self.centerSerial = centerSerial
        self.channelSerial = channelSerial
        self.attemptId = attemptId
        self.refundId = refundId
        self.outcome = outcome
        self.amount = amount
        self.fee = fee
        self.time = time
        self.billLine = billLine
        self.firstDate = firstDate
        self.state = state
        self.closedDate = closedDate
    }
}
