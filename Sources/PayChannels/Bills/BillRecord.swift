import PayCore

/// One trade line of a channel's bill, in the center's terms (issue 16): what the reconciliation
/// compares with the center's attempts and refunds. Parsers (`BillParser`, one per channel format)
/// yield these one at a time while they stream the file, so memory does not grow with the file.
public struct BillRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case payment, refund }
    /// How the channel says the trade ended, in its own words mapped to three.
    public enum Outcome: String, Sendable { case succeeded, processing, failed }

    /// The 1-based line number in the bill file, for errors and the side-by-side view.
    public var line: Int
    public var kind: Kind
    public var outcome: Outcome
    /// The channel's serial: the trade no of a payment, the channel's refund id of a refund.
    public var channelSerial: String
    /// The center's serial as the channel echoes it: out_trade_no (the attempt's serial) or
    /// out_refund_no (the refund's serial); empty when the format does not carry it.
    public var centerSerial: String
    /// For a refund: the channel trade no of the payment it refunds.
    public var paymentChannelSerial: String?
    /// Always positive: a refund line's amount is the refund's amount.
    public var amount: Money
    /// The channel's fee on this line, positive (a refund's returned fee is positive too).
    public var fee: Money
    /// When the trade succeeded (a refund: when it was made), as the channel dates it.
    public var time: Timestamp

    public init(line: Int, kind: Kind, outcome: Outcome, channelSerial: String, centerSerial: String,
                paymentChannelSerial: String? = nil, amount: Money, fee: Money, time: Timestamp) {
        self.line = line
        self.kind = kind
        self.outcome = outcome
        self.channelSerial = channelSerial
        self.centerSerial = centerSerial
        self.paymentChannelSerial = paymentChannelSerial
        self.amount = amount
        self.fee = fee
        self.time = time
    }
}

/// A bill's own totals, from its summary lines (or computed, for formats that have none), which the
/// reconciliation checks against the sum of its lines before it applies anything.
public struct BillSummary: Sendable, Equatable {
    public var currency: Currency
    public var payments: Int
    public var paid: Int64
    public var refunds: Int
    public var refunded: Int64
    public var fees: Int64
    /// The totals of the bill's other currencies, each with no `others` of its own: an acquirer's or
    /// PayPal's settlement file lists several currencies, each with its own totals; empty otherwise.
    public var others: [BillSummary]

    public init(currency: Currency, payments: Int = 0, paid: Int64 = 0, refunds: Int = 0, refunded: Int64 = 0, fees: Int64 = 0,
                others: [BillSummary] = []) {
        self.currency = currency
        self.others = others
        self.payments = payments
        self.paid = paid
        self.refunds = refunds
        self.refunded = refunded
        self.fees = fees
    }
}
