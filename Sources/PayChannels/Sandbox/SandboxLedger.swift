import Foundation
import PayCore
import PayStore

/// What the sandbox PSPs hold as money moved, every channel and account at once, read in one
/// snapshot of the sandbox file: each payment it was asked for (by the center's serial, the
/// `out_trade_no` or `reference` it was given) and each refund (by the center's refund serial).
/// `paydesk check` compares it with the center's own records.
public struct SandboxLedger: Sendable {
    /// A payment the sandbox knows, whatever became of it; `status == .paid` means charged.
    public struct Charge: Sendable, Hashable {
        public let channel: String
        public let account: String
        /// The center's payment serial.
        public let serial: String
        /// The channel's own serial.
        public let tradeNo: String
        public let amount: Money
        public let status: SandboxPayment.Status
        /// Whether the sandbox took the money (refunds of it do not change that).
        public var isCharged: Bool { status == .paid }
    }

    /// A refund the sandbox accepted; `status == .succeeded` means the money went back.
    public struct Refund: Sendable, Hashable {
        public let channel: String
        public let account: String
        /// The center's refund serial.
        public let serial: String
        /// The center's serial of the payment refunded.
        public let paymentSerial: String
        public let amount: Money
        public let status: SandboxRefund.Status
        public var isRefunded: Bool { status == .succeeded }
    }

    public let charges: [Charge]
    public let refunds: [Refund]
}

extension Sandbox {
    /// The whole ledger, as the sandbox holds it now (what is due but not yet played — a pay code
    /// scanned, a "58" refund failing — is played at the sandbox's next request, not here: reading
    /// changes nothing).
    public func ledger() throws(PayError) -> SandboxLedger {
        try read { try Sandbox.readLedger(db) }
    }

    /// The ledger of the sandbox file at `path`, opened for reading only: never created, migrated
    /// or played forward (what `paydesk check` uses). Throws `invalidInput` when the file is empty,
    /// is no sandbox file, or has another schema version than this paydesk's.
    public static func ledger(at path: String) throws(PayError) -> SandboxLedger {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if size == 0 { throw PayError.invalidInput("sandbox '\(path)': the file is empty, its ledger is gone") }
        let migrator = SandboxSchema.migrator
        do {
            let db = try Connection(path: path, create: false, synchronous: .normal)
            let appID = try db.scalarInt("PRAGMA application_id") ?? 0
            let version = try Migrator.currentVersion(db)
            guard appID == migrator.applicationID, version == migrator.latestVersion else {
                throw PayError.invalidInput("sandbox '\(path)': not a \(migrator.kind) of schema \(migrator.latestVersion) (application id \(appID), version \(version))")
            }
            return try readLedger(db)
        } catch let error as PayError {
            throw error
        } catch {
            throw PayError.invalidInput("sandbox '\(path)': \(error)")
        }
    }

    private static func readLedger(_ db: Connection) throws -> SandboxLedger {
        // why: one read transaction, so a payment and its refunds come from the same moment.
        try db.inTransaction(.deferred) {
            // A number revoked before any pay request for it (mode revoked-unseen) has no amount
            // and never moved money: it is no payment.
            let charges = try db.rows("""
                SELECT channel, account, out_trade_no, trade_no, amount_minor, currency, status
                FROM sandbox_payments WHERE mode <> ? ORDER BY id
                """, [Sandbox.revokedUnseenMode]).map { row in
                SandboxLedger.Charge(
                    channel: row.string("channel"), account: row.string("account"), serial: row.string("out_trade_no"),
                    tradeNo: row.string("trade_no"),
                    amount: Money(minorUnits: row.int64("amount_minor"), currency: Currency(code: row.string("currency")) ?? .CNY),
                    status: SandboxPayment.Status(rawValue: row.string("status")) ?? .failed)
            }
            let refunds = try db.rows("""
                SELECT r.channel AS channel, r.account AS account, r.out_refund_no AS out_refund_no,
                       p.out_trade_no AS out_trade_no, r.amount_minor AS amount_minor, r.currency AS currency, r.status AS status
                FROM sandbox_refunds r JOIN sandbox_payments p ON p.trade_no = r.trade_no ORDER BY r.id
                """).map { row in
                SandboxLedger.Refund(
                    channel: row.string("channel"), account: row.string("account"), serial: row.string("out_refund_no"),
                    paymentSerial: row.string("out_trade_no"),
                    amount: Money(minorUnits: row.int64("amount_minor"), currency: Currency(code: row.string("currency")) ?? .CNY),
                    status: SandboxRefund.Status(rawValue: row.string("status")) ?? .failed)
            }
            return SandboxLedger(charges: charges, refunds: refunds)
        }
    }
}

/// A trade from before the sandbox was asked anything (the demo store's past orders): paid in
/// full, and refunded by `refunds`, all succeeded.
public struct SandboxPastPayment: Sendable {
    public struct Refund: Sendable {
        public let serial: String
        public let refundId: String
        public let amount: Money
        public let at: Timestamp
        public init(serial: String, refundId: String, amount: Money, at: Timestamp) {
            self.serial = serial; self.refundId = refundId; self.amount = amount; self.at = at
        }
    }

    public let channel: String
    public let account: String
    public let serial: String
    public let tradeNo: String
    public let amount: Money
    /// How it was paid, in the sandbox's words: `barcode`, `paycode`, `card` or `account`.
    public let mode: String
    public let paidAt: Timestamp
    public let refunds: [Refund]

    public init(channel: String, account: String, serial: String, tradeNo: String, amount: Money, mode: String,
                paidAt: Timestamp, refunds: [Refund]) {
        self.channel = channel; self.account = account; self.serial = serial; self.tradeNo = tradeNo
        self.amount = amount; self.mode = mode; self.paidAt = paidAt; self.refunds = refunds
    }
}

extension Sandbox {
    /// Writes past trades into the ledger as the channel would hold them — paid with its fee,
    /// refunds succeeded with their share of it — in one transaction, sending no callback: so the
    /// demo's history is money on both sides, and `check` and the bills agree with the center.
    public func recordHistory(_ payments: [SandboxPastPayment]) throws(PayError) {
        try write { () throws -> Void in
            for payment in payments {
                let fee = try self.fee(account: payment.account, amount: payment.amount)
                let refunded = payment.refunds.reduce(Int64(0)) { $0 + $1.amount.minorUnits }
                try db.execute("""
                    INSERT INTO sandbox_payments (channel, account, trade_no, out_trade_no, amount_minor, currency, mode, status,
                        fee_minor, refunded_minor, created_at, paid_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [payment.channel, payment.account, payment.tradeNo, payment.serial, payment.amount.minorUnits,
                          payment.amount.currency.code, payment.mode, SandboxPayment.Status.paid.rawValue, fee.minorUnits, refunded,
                          payment.paidAt.milliseconds, payment.paidAt.milliseconds])
                for refund in payment.refunds {
                    // why Int128: fee × refund amount passes Int64 for large payments.
                    let feeBack = Int64(clamping: Int128(fee.minorUnits) * Int128(refund.amount.minorUnits)
                                        / Int128(max(payment.amount.minorUnits, 1)))
                    try db.execute("""
                        INSERT INTO sandbox_refunds (channel, account, refund_id, out_refund_no, trade_no, amount_minor, currency, fee_minor,
                            status, created_at, settled_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [payment.channel, payment.account, refund.refundId, refund.serial, payment.tradeNo, refund.amount.minorUnits,
                              refund.amount.currency.code, feeBack, SandboxRefund.Status.succeeded.rawValue, refund.at.milliseconds,
                              refund.at.milliseconds])
                }
            }
        }
    }
}
