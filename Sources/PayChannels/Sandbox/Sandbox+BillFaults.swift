import Foundation
import PayCore
import PayStore

/// The faults a sandbox bill can be made to hold on purpose (issue 16), so a reconciliation has
/// something to find. Those kept as a mark are here; a changed fee, a trade the center never saw
/// and a trade moved across midnight change the sandbox's ledger itself, as the channel would.
public enum SandboxBillFault: String, Sendable, CaseIterable {
    /// The trade's callbacks are never delivered to the center, but its bill line stays.
    case dropCallback = "drop-callback"
    /// The trade is left off the channel's bills.
    case omitLine = "omit-line"
}

extension Sandbox {
    /// Marks the trade of center serial `serial` (a payment's or a refund's) on `account` with
    /// `fault`; the trade need not exist yet (a callback can be lost before it is sent). A drop
    /// holds back every callback about the serial not delivered yet.
    public func markBillFault(_ fault: SandboxBillFault, account: String, serial: String) throws(PayError) {
        try requireAccount(account)
        guard !serial.isEmpty else { throw PayError.invalidInput("--serial: empty") }
        try write { () throws -> Void in
            try db.execute("""
                INSERT INTO sandbox_bill_faults (account, serial, kind, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (account, serial, kind) DO NOTHING
                """, [account, serial, fault.rawValue, now.milliseconds])
        }
    }

    /// The faults marked on `account` (all accounts when nil), as (account, serial, fault).
    public func billFaults(account: String? = nil) throws(PayError) -> [(account: String, serial: String, fault: SandboxBillFault)] {
        try read {
            try db.rows("SELECT account, serial, kind FROM sandbox_bill_faults WHERE ? IS NULL OR account = ? ORDER BY created_at, serial",
                        [account, account]).compactMap { row in
                SandboxBillFault(rawValue: row.string("kind")).map { (row.string("account"), row.string("serial"), $0) }
            }
        }
    }

    /// Sets the fee the channel charged on the paid payment `serial` (its bill line and totals
    /// follow). Returns the fee it had.
    @discardableResult
    public func changeFee(account: String, serial: String, fee: Money) throws(PayError) -> Money {
        guard fee.minorUnits >= 0 else { throw PayError.invalidInput("--fee '\(fee.decimalString)': a fee is zero or more") }
        let payment = try paidPayment(account: account, serial: serial)
        guard payment.amount.currency == fee.currency else {
            throw PayError.invalidInput("--fee: in \(fee.currency.code), the payment '\(serial)' is in \(payment.amount.currency.code)")
        }
        try write { () throws -> Void in
            let changed = try db.execute("UPDATE sandbox_payments SET fee_minor = ? WHERE trade_no = ? AND status = ? AND fee_minor = ?",
                                         [fee.minorUnits, payment.tradeNo, SandboxPayment.Status.paid.rawValue, payment.fee.minorUnits])
            guard changed == 1 else { throw PayError.conflict("payment '\(serial)' changed meanwhile; try again") }
        }
        return payment.fee
    }

    /// Moves the paid payment `serial` to just after the end of the channel's day it was paid on
    /// (`BillDay`), so the next day's bill lists it. Returns its new paid time.
    @discardableResult
    public func shiftAcrossMidnight(account: String, serial: String, seconds: Int64 = 30) throws(PayError) -> Timestamp {
        let payment = try paidPayment(account: account, serial: serial)
        let paidAt = payment.paidAt ?? payment.createdAt
        let window = try BillDay.window(channel: payment.channel, date: BillDay.date(channel: payment.channel, of: paidAt))
        let moved = window.upperBound.adding(milliseconds: seconds * 1000)
        try write { () throws -> Void in
            let changed = try db.execute("UPDATE sandbox_payments SET paid_at = ? WHERE trade_no = ? AND status = ? AND paid_at = ?",
                                         [moved.milliseconds, payment.tradeNo, SandboxPayment.Status.paid.rawValue, paidAt.milliseconds])
            guard changed == 1 else { throw PayError.conflict("payment '\(serial)' changed meanwhile; try again") }
        }
        return moved
    }

    /// Records a paid trade on `account` the center never asked for (its serial is no center
    /// serial), paid at `at`, with the account's fee. Returns (center serial, channel serial).
    @discardableResult
    public func addUnknownTrade(account: String, amount: Money, at: Timestamp) throws(PayError) -> (serial: String, tradeNo: String) {
        guard amount.isPositive else { throw PayError.invalidInput("--amount '\(amount.decimalString)': must be positive") }
        let channel = try requireAccount(account)
        let psp = try psp(channel)
        let serial = "UNSEEN" + Crypto.randomHex(6).uppercased()
        let tradeNo = psp.newTradeNo(at: at)
        try write { () throws -> Void in
            let fee = try self.fee(account: account, amount: amount)
            try db.execute("""
                INSERT INTO sandbox_payments (channel, account, trade_no, out_trade_no, amount_minor, currency, mode, subject, status,
                    fee_minor, created_at, paid_at)
                VALUES (?, ?, ?, ?, ?, ?, 'barcode', 'not from the center', ?, ?, ?, ?)
                """, [channel, account, tradeNo, serial, amount.minorUnits, amount.currency.code, SandboxPayment.Status.paid.rawValue,
                      fee.minorUnits, at.milliseconds, at.milliseconds])
        }
        return (serial, tradeNo)
    }

    /// The channel of a provisioned sandbox account; `notFound` otherwise.
    @discardableResult
    func requireAccount(_ account: String) throws(PayError) -> String {
        let channel = try read { try db.row("SELECT channel FROM sandbox_accounts WHERE account = ?", [account])?.string("channel") }
        guard let channel else { throw PayError.notFound("--account '\(account)': the sandbox has no account of that id") }
        return channel
    }

    private func paidPayment(account: String, serial: String) throws(PayError) -> SandboxPayment {
        let channel = try requireAccount(account)
        let payment = try read { try self.payment(channel, account, outTradeNo: serial) }
        guard let payment else { throw PayError.notFound("--serial '\(serial)': the sandbox has no payment of that serial on '\(account)'") }
        guard payment.status == .paid else {
            throw PayError.invalidInput("--serial '\(serial)': the payment is \(payment.status.rawValue), not paid")
        }
        return payment
    }
}
