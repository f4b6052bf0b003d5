import PayCore
import PayStore
import PayChannels

/// The center's records against the channel's own ledger (the sandbox PSPs'): money the center
/// believes moved must have moved at the channel, and money the channel moved must be known to
/// the center. Linear: each side is read once and matched through dictionaries by serial.
///
/// - every payment SUCCEEDED at the center (duplicates included) was charged by the channel, on
///   the same account, for the same amount and currency;
/// - every payment the channel charged is SUCCEEDED at the center; one the center still has in
///   flight (INIT, PROCESSING, PENDING, UNKNOWN) is a problem only when `settled`;
/// - every refund SUCCEEDED at the center was refunded by the channel for the same amount of the
///   same payment, and every refund the channel made is SUCCEEDED at the center (same rule for one
///   in flight);
/// - per account and currency, charged − refunded on each side: one summary line each. A
///   difference is no problem of its own: each is explained by a line above, or by money in flight.
public struct LedgerComparison {
    /// The check's name in `paydesk check`'s list and at the head of each problem it reports.
    public static let name = "center ledger agrees with the sandbox's"

    public private(set) var problems: [String] = []
    public private(set) var summary: [String] = []

    public init(payments: [InvariantRepository.LedgerPayment], refunds: [InvariantRepository.LedgerRefund],
                sandbox: SandboxLedger, settled: Bool) {
        let paymentsBySerial = Dictionary(payments.map { ($0.serial, $0) }, uniquingKeysWith: { first, _ in first })
        let refundsBySerial = Dictionary(refunds.map { ($0.serial, $0) }, uniquingKeysWith: { first, _ in first })
        let chargesBySerial = Dictionary(grouping: sandbox.charges, by: \.serial)
        let channelRefundsBySerial = Dictionary(grouping: sandbox.refunds, by: \.serial)
        var sums = Sums()

        // The center's side: what it holds SUCCEEDED must have moved at the channel.
        for payment in payments where payment.status == .succeeded {
            sums.add(center: payment.account, payment.amount)
            let known = chargesBySerial[payment.serial] ?? []
            let charged = known.filter(\.isCharged)
            let what = "payment \(payment.serial) (order \(payment.orderNo)\(payment.duplicate ? ", duplicate" : "")) is SUCCEEDED for \(Self.text(payment.amount)) on \(payment.account)"
            if charged.isEmpty {
                let said = known.first.map { " (it has it \($0.status.rawValue) on \($0.account))" } ?? ""
                report("\(what), but the sandbox never charged it\(said)")
            } else if let same = charged.first(where: { $0.channel == payment.channel && $0.account == payment.account }),
                      same.amount != payment.amount {
                report("\(what), but the sandbox charged \(Self.text(same.amount)) (trade \(same.tradeNo))")
            }
            // A charge on another account is reported from the channel's side, below.
        }
        for refund in refunds where refund.status == .succeeded {
            sums.add(center: refund.account, refund.amount, refund: true)
            let known = channelRefundsBySerial[refund.serial] ?? []
            let what = "refund \(refund.serial) of payment \(refund.paymentSerial) is SUCCEEDED for \(Self.text(refund.amount))"
            guard let done = known.first(where: \.isRefunded) else {
                let said = known.first.map { " (it has it \($0.status.rawValue))" } ?? ""
                report("\(what), but the sandbox never refunded it\(said)")
                continue
            }
            if done.amount != refund.amount {
                report("\(what), but the sandbox refunded \(Self.text(done.amount))")
            }
            if done.paymentSerial != refund.paymentSerial {
                report("\(what), but the sandbox refunded it from payment \(done.paymentSerial)")
            }
        }

        // The channel's side: what it charged or refunded must be SUCCEEDED at the center.
        for charge in sandbox.charges where charge.isCharged {
            sums.add(channel: charge.account, charge.amount)
            let what = "the sandbox charged payment \(charge.serial) \(Self.text(charge.amount)) on \(charge.account) (trade \(charge.tradeNo))"
            guard let payment = paymentsBySerial[charge.serial] else {
                report("\(what), which the center does not have")
                continue
            }
            switch payment.status {
            case .succeeded:
                if payment.channel != charge.channel || payment.account != charge.account {
                    report("\(what), but the center has it SUCCEEDED on \(payment.account)")
                }
            case .initial, .processing, .pending, .unknown:
                if settled {
                    report("\(what), but the center still has it \(payment.status.rawValue) (order \(payment.orderNo)): money taken that the center does not know")
                }
            case .failed, .closed:
                report("\(what), but the center has it \(payment.status.rawValue) (order \(payment.orderNo))")
            }
        }
        for done in sandbox.refunds where done.isRefunded {
            sums.add(channel: done.account, done.amount, refund: true)
            let what = "the sandbox refunded \(done.serial) \(Self.text(done.amount)) of payment \(done.paymentSerial) on \(done.account)"
            guard let refund = refundsBySerial[done.serial] else {
                report("\(what), which the center does not have")
                continue
            }
            switch refund.status {
            case .succeeded: break
            case .processing, .unknown:
                if settled { report("\(what), but the center still has it \(refund.status.rawValue): money returned that the center does not know") }
            case .failed:
                report("\(what), but the center has it FAILED")
            }
        }

        for (key, sum) in sums.byAccount.sorted(by: { ($0.key.account, $0.key.currency) < ($1.key.account, $1.key.currency) }) {
            let currency = Currency(code: key.currency) ?? .CNY
            let channelNet = sum.channelCharged - sum.channelRefunded, centerNet = sum.centerCharged - sum.centerRefunded
            let channelText = "charged \(Self.text(sum.channelCharged, currency)) − refunded \(Self.text(sum.channelRefunded, currency)) = \(Self.text(channelNet, currency))"
            if channelNet == centerNet && sum.channelCharged == sum.centerCharged {
                summary.append("\(key.account): \(channelText), at the sandbox and at the center")
            } else {
                summary.append("\(key.account): the sandbox \(channelText), the center charged \(Self.text(sum.centerCharged, currency)) − refunded \(Self.text(sum.centerRefunded, currency)) = \(Self.text(centerNet, currency)): they differ")
            }
        }
    }

    private mutating func report(_ problem: String) { problems.append("\(Self.name): \(problem)") }

    static func text(_ money: Money) -> String { "\(money.decimalString) \(money.currency.code)" }

    static func text(_ minor: Int128, _ currency: Currency) -> String {
        text(Money(minorUnits: Int64(clamping: minor), currency: currency))
    }

    /// Charged and refunded per account and currency, on each side. Int128: no sum of Int64
    /// amounts can overflow it.
    private struct Sums {
        struct Key: Hashable { let account: String; let currency: String }
        struct Sum { var centerCharged: Int128 = 0, centerRefunded: Int128 = 0, channelCharged: Int128 = 0, channelRefunded: Int128 = 0 }
        var byAccount: [Key: Sum] = [:]

        mutating func add(center account: String, _ amount: Money, refund: Bool = false) {
            let key = Key(account: account, currency: amount.currency.code)
            if refund { byAccount[key, default: Sum()].centerRefunded += Int128(amount.minorUnits) } else { byAccount[key, default: Sum()].centerCharged += Int128(amount.minorUnits) }
        }

        mutating func add(channel account: String, _ amount: Money, refund: Bool = false) {
            let key = Key(account: account, currency: amount.currency.code)
            if refund { byAccount[key, default: Sum()].channelRefunded += Int128(amount.minorUnits) } else { byAccount[key, default: Sum()].channelCharged += Int128(amount.minorUnits) }
        }
    }
}
