import PayCore
import PayStore

/// A refund in a sandbox PSP's ledger.
public struct SandboxRefund: Hashable, Sendable {
    public enum Status: String, Sendable { case processing, succeeded, failed }

    public let channel: String
    public let account: String
    public let refundId: String
    public let outRefundNo: String
    public let tradeNo: String
    public let amount: Money
    /// The part of the payment's fee given back with this refund.
    public let fee: Money
    public let status: Status
    public let createdAt: Timestamp
    public let settledAt: Timestamp?

    init(row: Row) {
        let currency = Currency(code: row.string("currency")) ?? .CNY
        channel = row.string("channel")
        account = row.string("account")
        refundId = row.string("refund_id")
        outRefundNo = row.string("out_refund_no")
        tradeNo = row.string("trade_no")
        amount = Money(minorUnits: row.int64("amount_minor"), currency: currency)
        fee = Money(minorUnits: row.int64("fee_minor"), currency: currency)
        status = Status(rawValue: row.string("status")) ?? .failed
        createdAt = Timestamp(milliseconds: row.int64("created_at"))
        settledAt = row.optionalInt64("settled_at").map { Timestamp(milliseconds: $0) }
    }
}
