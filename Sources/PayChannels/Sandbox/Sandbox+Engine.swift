import Foundation
import PayCore
import PayStore

/// The sandbox's rules, shared by every PSP: the trigger table (amount endings 51–59), the test
/// cards, pay codes scanned after the latency, "user is paying", refunds, and the callbacks they
/// cause. Each PSP only translates to and from its channel's words.
extension Sandbox {
    /// The mode of a trade revoked before any pay request for it arrived (amount 0: never paid).
    static let revokedUnseenMode = "revoked-unseen"

    /// Runs one decoded request. Throws `TransportError.timeout` for triggers 53 and 54 (after
    /// committing what 53 did), never for anything else.
    func run(_ request: SandboxRequest, psp: SandboxPSP, account: String) throws -> SandboxOutcome {
        let now = self.now
        switch request {
        case .pay(let outTradeNo, let amount, let mode, let subject):
            return try pay(outTradeNo: outTradeNo, amount: amount, mode: mode, subject: subject, psp: psp, account: account, now: now)
        case .query(let outTradeNo):
            guard let payment = try payment(psp.channel, account, outTradeNo: outTradeNo) else { return .refused(.notFound) }
            return .payment(payment)
        case .close(let outTradeNo, let revoke):
            return try db.inTransaction(.immediate) {
                guard let payment = try payment(psp.channel, account, outTradeNo: outTradeNo) else {
                    // why: a revoke (or cancel) of a trade not seen yet closes its number, as Alipay's
                    // cancel and WeChat's reverse do: a pay request that arrives after it is refused,
                    // not charged. Every PSP of the sandbox behaves so, card and wallet cancels too.
                    let status: SandboxPayment.Status = revoke ? .revoked : .closed
                    try db.execute("""
                        INSERT INTO sandbox_payments (channel, account, trade_no, out_trade_no, amount_minor, currency, mode, status, created_at)
                        VALUES (?, ?, ?, ?, 0, '', ?, ?, ?)
                        """, [psp.channel, account, psp.newTradeNo(at: now), outTradeNo, Sandbox.revokedUnseenMode,
                              status.rawValue, now.milliseconds])
                    return .payment(try self.payment(psp.channel, account, outTradeNo: outTradeNo)!)
                }
                switch payment.status {
                case .waiting, .paying:
                    let to: SandboxPayment.Status = revoke ? .revoked : .closed
                    try db.execute("UPDATE sandbox_payments SET status = ?, due_at = NULL WHERE trade_no = ? AND status = ?",
                                   [to.rawValue, payment.tradeNo, payment.status.rawValue])
                    return .payment(try self.payment(tradeNo: payment.tradeNo)!)
                default:
                    // Paid, closed, revoked or failed already: the answer says which.
                    return .payment(payment)
                }
            }
        case .refund(let outTradeNo, let outRefundNo, let amount):
            return try refund(outTradeNo: outTradeNo, outRefundNo: outRefundNo, amount: amount, psp: psp, account: account, now: now)
        case .refundQuery(let outRefundNo):
            guard let refund = try db.row("SELECT * FROM sandbox_refunds WHERE channel = ? AND account = ? AND out_refund_no = ?",
                                          [psp.channel, account, outRefundNo]).map(SandboxRefund.init) else { return .refused(.notFound) }
            return .refund(refund)
        case .bill(let date):
            return .bill(try day(channel: psp.channel, account: account, date: date))
        case .tokenize(let first6, let last4, let brand, let expMonth, let expYear, let profile):
            let token = "tok_" + Crypto.randomHex(12)
            try db.execute("""
                INSERT INTO sandbox_card_tokens (token, account, first6, last4, brand, exp_month, exp_year, profile, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [token, account, first6, last4, brand, expMonth, expYear, profile, now.milliseconds])
            return .token(CardToken(token: token, first6: first6, last4: last4, brand: brand))
        }
    }

    private func pay(outTradeNo: String, amount: Money, mode: SandboxRequest.PayMode, subject: String,
                     psp: SandboxPSP, account: String, now: Timestamp) throws -> SandboxOutcome {
        guard amount.isPositive else { return .refused(.invalid("amount must be positive")) }
        if case .barcode(let code) = mode, (try? AuthCode.channel(of: code)) != psp.channel { return .refused(.badAuthCode) }
        if let existing = try payment(psp.channel, account, outTradeNo: outTradeNo) {
            // Channels answer a repeated out_trade_no with the trade they have, if it is the same one;
            // a number revoked before the channel saw it stays revoked.
            return existing.amount == amount || existing.mode == Sandbox.revokedUnseenMode ? .payment(existing) : .refused(.duplicate)
        }
        let trigger = Int(amount.minorUnits % 100)
        if trigger == 59 { return .systemError("system busy, try again later") }
        if trigger == 54 { throw TransportError.timeout }
        var status: SandboxPayment.Status = .paid
        var failure: String?
        var due: Timestamp?
        var payer: String?
        switch trigger {
        case 51: status = .failed; failure = SandboxFailure.declined
        case 52: status = .failed; failure = SandboxFailure.insufficientFunds
        default: break
        }
        switch mode {
        case .barcode(let code):
            payer = AuthCode.masked(code)
            if trigger == 57 { status = .paying; due = now.adding(milliseconds: Sandbox.userPayingMilliseconds) }
        case .payCode:
            // why: a pay code is only issued now; whether the scan pays is decided when it happens.
            status = .waiting
            failure = nil
            due = now.adding(milliseconds: try latency(channel: psp.channel))
        case .card(let token, let challengeCompleted):
            guard let card = try db.row("SELECT * FROM sandbox_card_tokens WHERE token = ? AND account = ?", [token, account]) else {
                return .refused(.invalid("no such card token for this account"))
            }
            payer = "\(card.string("first6"))******\(card.string("last4"))"
            if status == .paid {
                switch card.string("profile") {
                case "declined": status = .failed; failure = SandboxFailure.declined
                case "insufficient_funds": status = .failed; failure = SandboxFailure.insufficientFunds
                case "expired": status = .failed; failure = SandboxFailure.expiredCard
                case "incorrect_cvc": status = .failed; failure = SandboxFailure.incorrectCVC
                case "challenge" where !challengeCompleted: status = .failed; failure = SandboxFailure.authenticationRequired
                default: break
                }
            }
        case .account(let customer):
            payer = customer
            if psp.channel == "wallet", status == .paid, try walletBalance(customer: customer, currency: amount.currency) < amount.minorUnits {
                status = .failed; failure = SandboxFailure.insufficientFunds
            }
        }
        let fee = status == .paid ? try self.fee(account: account, amount: amount) : .zero(amount.currency)
        let tradeNo = psp.newTradeNo(at: now)
        try db.inTransaction(.immediate) {
            try db.execute("""
                INSERT INTO sandbox_payments (channel, account, trade_no, out_trade_no, amount_minor, currency, mode, payer, subject,
                    status, failure_code, fee_minor, created_at, paid_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [psp.channel, account, tradeNo, outTradeNo, amount.minorUnits, amount.currency.code, mode.name, payer, subject,
                      status.rawValue, failure, fee.minorUnits, now.milliseconds, status == .paid ? now.milliseconds : nil,
                      due?.milliseconds])
            if status == .paid, psp.channel == "wallet", case .account(let customer) = mode {
                // why: the guard on the balance makes a concurrent debit that would overdraw change nothing.
                let debited = try db.execute("""
                    UPDATE sandbox_wallets SET balance_minor = balance_minor - ? WHERE customer = ? AND currency = ? AND balance_minor >= ?
                    """, [amount.minorUnits, customer, amount.currency.code, amount.minorUnits])
                guard debited == 1 else { throw PayError.conflict("wallet balance of \(customer) changed while paying") }
            }
            if status == .paid { try enqueuePaymentCallbacks(try payment(tradeNo: tradeNo)!, psp: psp, at: now) }
        }
        if trigger == 53 { throw TransportError.timeout }
        return .payment(try payment(tradeNo: tradeNo)!)
    }

    private func refund(outTradeNo: String, outRefundNo: String, amount: Money, psp: SandboxPSP, account: String,
                        now: Timestamp) throws -> SandboxOutcome {
        try db.inTransaction(.immediate) {
            if let existing = try db.row("SELECT * FROM sandbox_refunds WHERE channel = ? AND account = ? AND out_refund_no = ?",
                                         [psp.channel, account, outRefundNo]).map(SandboxRefund.init) {
                return existing.amount == amount ? .refund(existing) : .refused(.duplicate)
            }
            guard let payment = try payment(psp.channel, account, outTradeNo: outTradeNo) else { return .refused(.notFound) }
            guard payment.status == .paid else { return .refused(.notPaid) }
            guard amount.currency == payment.amount.currency, amount.isPositive else { return .refused(.invalid("refund amount or currency")) }
            let open = try db.scalarInt("SELECT COALESCE(SUM(amount_minor), 0) FROM sandbox_refunds WHERE trade_no = ? AND status <> 'failed'",
                                        [payment.tradeNo]) ?? 0
            guard open + amount.minorUnits <= payment.amount.minorUnits else { return .refused(.refundTooLarge) }
            // The fee comes back in proportion to the amount refunded.
            // why Int128: fee × refund amount passes Int64 for large payments.
            let feeBack = Int64(clamping: Int128(payment.fee.minorUnits) * Int128(amount.minorUnits) / Int128(max(payment.amount.minorUnits, 1)))
            let failsLater = payment.trigger == 58
            let refundId = psp.newRefundId(at: now)
            try db.execute("""
                INSERT INTO sandbox_refunds (channel, account, refund_id, out_refund_no, trade_no, amount_minor, currency, fee_minor,
                    status, created_at, settled_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [psp.channel, account, refundId, outRefundNo, payment.tradeNo, amount.minorUnits, amount.currency.code, feeBack,
                      failsLater ? "processing" : "succeeded", now.milliseconds, failsLater ? nil : now.milliseconds,
                      failsLater ? now.adding(milliseconds: try latency(channel: psp.channel)).milliseconds : nil])
            try db.execute("UPDATE sandbox_payments SET refunded_minor = refunded_minor + ? WHERE trade_no = ?",
                           [amount.minorUnits, payment.tradeNo])
            if psp.channel == "wallet", !failsLater, let customer = payment.payer {
                // The wallet's refund is a credit back to the customer's balance.
                _ = try walletBalance(customer: customer, currency: amount.currency)
                try db.execute("UPDATE sandbox_wallets SET balance_minor = balance_minor + ? WHERE customer = ? AND currency = ?",
                               [amount.minorUnits, customer, amount.currency.code])
            }
            let refund = try db.row("SELECT * FROM sandbox_refunds WHERE refund_id = ?", [refundId]).map(SandboxRefund.init)!
            if !failsLater { try enqueueRefundCallback(refund, psp: psp, at: now) }
            return .refund(refund)
        }
    }

    /// Plays what became due by now: pay codes scanned, "user is paying" settled, "58" refunds failed.
    public func advance() throws {
        let now = self.now
        try db.inTransaction(.immediate) {
            let due = try db.rows("SELECT * FROM sandbox_payments WHERE status IN ('waiting', 'paying') AND due_at <= ? ORDER BY due_at",
                                  [now.milliseconds]).map(SandboxPayment.init)
            for payment in due {
                guard let psp = psps[payment.channel], let at = payment.dueAt else { continue }
                let failure: String? = switch payment.trigger {
                case 51 where payment.status == .waiting: SandboxFailure.declined
                case 52 where payment.status == .waiting: SandboxFailure.insufficientFunds
                default: nil
                }
                if let failure {
                    try db.execute("UPDATE sandbox_payments SET status = 'failed', failure_code = ?, due_at = NULL WHERE trade_no = ? AND status = ?",
                                   [failure, payment.tradeNo, payment.status.rawValue])
                    continue
                }
                let fee = try self.fee(account: payment.account, amount: payment.amount)
                let changed = try db.execute("""
                    UPDATE sandbox_payments SET status = 'paid', paid_at = ?, fee_minor = ?, due_at = NULL WHERE trade_no = ? AND status = ?
                    """, [at.milliseconds, fee.minorUnits, payment.tradeNo, payment.status.rawValue])
                if changed == 1 { try enqueuePaymentCallbacks(try self.payment(tradeNo: payment.tradeNo)!, psp: psp, at: at) }
            }
            let failing = try db.rows("SELECT * FROM sandbox_refunds WHERE status = 'processing' AND due_at <= ?", [now.milliseconds])
            for row in failing {
                let refund = SandboxRefund(row: row)
                guard let psp = psps[refund.channel] else { continue }
                let at = Timestamp(milliseconds: row.int64("due_at"))
                try db.execute("UPDATE sandbox_refunds SET status = 'failed', settled_at = ?, due_at = NULL WHERE refund_id = ? AND status = 'processing'",
                               [at.milliseconds, refund.refundId])
                try db.execute("UPDATE sandbox_payments SET refunded_minor = refunded_minor - ? WHERE trade_no = ?",
                               [refund.amount.minorUnits, refund.tradeNo])
                let failed = try db.row("SELECT * FROM sandbox_refunds WHERE refund_id = ?", [refund.refundId]).map(SandboxRefund.init)!
                try enqueueRefundCallback(failed, psp: psp, at: at)
            }
        }
    }

    /// A paid payment's callbacks: none for "55", three and a stale "not paid" for "56", else one.
    func enqueuePaymentCallbacks(_ payment: SandboxPayment, psp: SandboxPSP, at: Timestamp) throws {
        switch payment.trigger {
        case 55: return
        case 56:
            for i in 0..<3 { try enqueue(psp.paymentCallback(payment, at: at.adding(milliseconds: Int64(i) * 1000)), payment: payment, kind: "payment") }
            var stale = payment
            stale.status = .waiting
            try enqueue(psp.paymentCallback(stale, at: at.adding(milliseconds: 3000)), payment: payment, kind: "payment")
        default:
            try enqueue(psp.paymentCallback(payment, at: at), payment: payment, kind: "payment")
        }
    }

    func enqueueRefundCallback(_ refund: SandboxRefund, psp: SandboxPSP, at: Timestamp) throws {
        guard let payment = try payment(tradeNo: refund.tradeNo),
              let message = psp.refundCallback(refund, payment: payment, at: at) else { return }
        try db.execute("""
            INSERT INTO sandbox_callbacks (channel, account, order_no, kind, headers, body, due_at) VALUES (?, ?, ?, 'refund', ?, ?, ?)
            """, [refund.channel, refund.account, refund.outRefundNo, HeaderText.encode(message.headers), message.body, message.at.milliseconds])
    }

    private func enqueue(_ message: SandboxPSP.Callback?, payment: SandboxPayment, kind: String) throws {
        guard let message else { return }
        try db.execute("""
            INSERT INTO sandbox_callbacks (channel, account, order_no, kind, headers, body, due_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [payment.channel, payment.account, payment.outTradeNo, kind, HeaderText.encode(message.headers), message.body,
                  message.at.milliseconds])
    }

    // MARK: Ledger reads

    func payment(_ channel: String, _ account: String, outTradeNo: String) throws -> SandboxPayment? {
        try db.row("SELECT * FROM sandbox_payments WHERE channel = ? AND account = ? AND out_trade_no = ?",
                   [channel, account, outTradeNo]).map(SandboxPayment.init)
    }

    func payment(tradeNo: String) throws -> SandboxPayment? {
        try db.row("SELECT * FROM sandbox_payments WHERE trade_no = ?", [tradeNo]).map(SandboxPayment.init)
    }

    /// A payment by the center's serial on any account of `channel` (tests and the CLI).
    public func payment(channel: String, outTradeNo: String) throws(PayError) -> SandboxPayment? {
        try read { try db.row("SELECT * FROM sandbox_payments WHERE channel = ? AND out_trade_no = ?", [channel, outTradeNo]).map(SandboxPayment.init) }
    }

    /// A refund by the center's refund serial on any account of `channel`.
    public func refund(channel: String, outRefundNo: String) throws(PayError) -> SandboxRefund? {
        try read { try db.row("SELECT * FROM sandbox_refunds WHERE channel = ? AND out_refund_no = ?", [channel, outRefundNo]).map(SandboxRefund.init) }
    }

    /// Payments paid and refunds made on one UTC day ("YYYY-MM-DD") for one account.
    /// The trades of the channel's own day `date` (`BillDay`): payments by when they were paid,
    /// refunds by when they were made, less those a bill fault leaves off.
    func day(channel: String, account: String, date: String) throws -> SandboxDay {
        let window = try BillDay.window(channel: channel, date: date)
        let omitted = SandboxBillFault.omitLine.rawValue
        let payments = try db.rows("""
            SELECT * FROM sandbox_payments p WHERE channel = ? AND account = ? AND status = ? AND paid_at >= ? AND paid_at < ?
              AND NOT EXISTS (SELECT 1 FROM sandbox_bill_faults f WHERE f.account = p.account AND f.serial = p.out_trade_no AND f.kind = ?)
            ORDER BY paid_at, id
            """, [channel, account, SandboxPayment.Status.paid.rawValue, window.lowerBound.milliseconds, window.upperBound.milliseconds,
                  omitted]).map(SandboxPayment.init)
        let refunds = try db.rows("""
            SELECT * FROM sandbox_refunds r WHERE channel = ? AND account = ? AND created_at >= ? AND created_at < ?
              AND NOT EXISTS (SELECT 1 FROM sandbox_bill_faults f WHERE f.account = r.account AND f.serial = r.out_refund_no AND f.kind = ?)
            ORDER BY created_at, id
            """, [channel, account, window.lowerBound.milliseconds, window.upperBound.milliseconds, omitted]).map(SandboxRefund.init)
        return SandboxDay(channel: channel, account: account, date: date, payments: payments, refunds: refunds)
    }

    func walletBalance(customer: String, currency: Currency) throws -> Int64 {
        if let balance = try db.scalarInt("SELECT balance_minor FROM sandbox_wallets WHERE customer = ? AND currency = ?", [customer, currency.code]) {
            return balance
        }
        let opening = Int64(pow(10.0, Double(currency.exponent))) * WalletSandbox.openingBalanceMajor
        try db.execute("INSERT INTO sandbox_wallets (customer, currency, balance_minor) VALUES (?, ?, ?)", [customer, currency.code, opening])
        return opening
    }
}

/// Header maps stored as JSON text with sorted keys.
enum HeaderText {
    static func encode(_ headers: [String: String]) -> String {
        String(decoding: SafeJSON.encode(headers), as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
    }
}
