import PayCore
import PayStore

/// A payment in a sandbox PSP's ledger, in channel-neutral words; each PSP says it in its own.
public struct SandboxPayment: Hashable, Sendable {
    public enum Status: String, Sendable {
        /// A pay code issued, not scanned yet (Alipay WAIT_BUYER_PAY, WeChat NOTPAY).
        case waiting
        /// The customer is entering a password (WeChat USERPAYING, Alipay 10003).
        case paying
        case paid
        /// Closed unpaid (TRADE_CLOSED / CLOSED).
        case closed
        /// Revoked while paying (WeChat REVOKED).
        case revoked
        /// Refused (PAYERROR); `failureCode` says why.
        case failed
    }

    public let channel: String
    public let account: String
    public let tradeNo: String
    public let outTradeNo: String
    public let amount: Money
    public let mode: String
    public let payer: String?
    public let subject: String
    public internal(set) var status: Status
    public let failureCode: String?
    public let fee: Money
    public let refunded: Money
    public let createdAt: Timestamp
    public let paidAt: Timestamp?
    public let dueAt: Timestamp?

    /// The amount's last two digits in minor units: the sandbox trigger (DESIGN §5).
    public var trigger: Int { Int(amount.minorUnits % 100) }

    init(row: Row) {
        let currency = Currency(code: row.string("currency")) ?? .CNY
        channel = row.string("channel")
        account = row.string("account")
        tradeNo = row.string("trade_no")
        outTradeNo = row.string("out_trade_no")
        amount = Money(minorUnits: row.int64("amount_minor"), currency: currency)
        mode = row.string("mode")
        payer = row.optionalString("payer")
        subject = row.string("subject")
        status = Status(rawValue: row.string("status")) ?? .failed
        failureCode = row.optionalString("failure_code")
        fee = Money(minorUnits: row.int64("fee_minor"), currency: currency)
        refunded = Money(minorUnits: row.int64("refunded_minor"), currency: currency)
        createdAt = Timestamp(milliseconds: row.int64("created_at"))
        paidAt = row.optionalInt64("paid_at").map { Timestamp(milliseconds: $0) }
        dueAt = row.optionalInt64("due_at").map { Timestamp(milliseconds: $0) }
    }
}
