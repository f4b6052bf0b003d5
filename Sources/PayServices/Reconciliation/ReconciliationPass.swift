import PayCore
import PayStore
import PayChannels

/// One run's work between reading the bill and writing the result: the center's index, the
/// stream of bill lines through it, and what it found. Nothing is written until `apply`.
final class ReconciliationPass {
    let context: ServiceContext
    let account: ChannelAccount
    let date: String
    let holdDays: Int
    let from: Timestamp
    let to: Timestamp

    private var index = ReconciliationIndex()
    /// Waiting pool entries of earlier days, by the center record's id (center side) or by key (channel side).
    private var poolCenter: [String: PoolEntry] = [:]
    private var poolChannel: [String: PoolEntry] = [:]
    private var poolReleased: Set<Int64> = []

    /// A bill line the index did not have: looked up in the store once the bill has been read whole.
    private var unfound: [BillRecord] = []
    /// (line, index entry) pairs that disagree, turned into mismatches with the serials read back.
    private var disagreements: [(record: BillRecord, center: CenterRecord?, type: MismatchType, note: String)] = []

    private(set) var lines = 0
    private var summary: BillSummary?
    private var centerTotals = ReconciliationRun.Totals()
    private var expectedFees: Int64 = 0
    private var matched = 0
    private var matchedMinor: Int64 = 0
    private var currency: Currency?

    init(context: ServiceContext, account: ChannelAccount, date: String, day: Timestamp, holdDays: Int) throws(PayError) {
        self.context = context
        self.account = account
        self.date = date
        self.holdDays = holdDays
        (from, to) = try ReconciliationSettings.window(date: date, channel: account.channel)
    }

    // MARK: Compare

    /// Loads the center's day, streams the bill through it and checks the bill's own totals.
    func compare(billPath: String) throws(PayError) {
        let store = context.store
        try store.snapshot {
            try store.reconciliation.forEachAttempt(account: account.id, from: from, to: to) { record in
                index.add(record)
                if record.status == AttemptStatus.succeeded.rawValue {
                    centerTotals.payments += 1
                    centerTotals.paid += record.amountMinor
                }
            }
            try store.reconciliation.forEachRefund(account: account.id, from: from, to: to) { record in
                index.add(record)
                if record.status == RefundStatus.succeeded.rawValue {
                    centerTotals.refunds += 1
                    centerTotals.refunded += record.amountMinor
                }
            }
            // What earlier days left waiting (and what an earlier version of this date took out: it is undone first).
            for entry in try store.reconciliation.open(account: account.id, before: date, orClosedOn: date) {
                switch entry.side {
                case .center: poolCenter["\(entry.kind.rawValue):\(entry.attemptId ?? 0):\(entry.refundId ?? 0)"] = entry
                case .channel: poolChannel["\(entry.kind.rawValue):\(entry.key)"] = entry
                }
            }
        }
        let reader = try BillReader(channel: account.channel)
        let summary = try reader.read(path: billPath) { (record: BillRecord) throws(PayError) in
            try self.take(record)
        }
        self.summary = summary
    }

    /// One bill line through the index.
    private func take(_ record: BillRecord) throws(PayError) {
        lines += 1
        if currency == nil { currency = record.amount.currency }
        let kind: ReconciliationKind = record.kind == .payment ? .payment : .refund
        guard let found = index.find(channelSerial: record.channelSerial, centerSerial: record.centerSerial, kind: kind) else {
            unfound.append(record)
            return
        }
        index.markMatched(found)
        let entry = index.entries[found]
        judge(record, status: entry.status, amountMinor: entry.amountMinor, currency: entry.currency,
              paymentAmountMinor: entry.paymentAmountMinor, center: nil, kind: kind, id: entry.id)
    }

    /// Compares a line with its center record; a match counts, a disagreement is kept.
    private func judge(_ record: BillRecord, status: String, amountMinor: Int64, currency: String, paymentAmountMinor: Int64,
                       center: CenterRecord?, kind: ReconciliationKind, id: Int64) {
        poolReleased.formUnion(releasedPool(kind: kind, id: id))
        let succeeded = kind == .payment ? status == AttemptStatus.succeeded.rawValue : status == RefundStatus.succeeded.rawValue
        var type: MismatchType?
        var note = ""
        let expectedFee = fee(kind: kind, amountMinor: amountMinor, paymentAmountMinor: paymentAmountMinor, currency: currency)
        switch (record.outcome == .succeeded, succeeded) {
        case (true, false):
            type = .channelSuccessCenterNot
            if kind == .payment {
                note = ["UNKNOWN", "PENDING", "PROCESSING", "INIT"].contains(status)
                    ? "lost callback: the channel took it, the center has it \(status); trusting the channel settles it through the payment service"
                    : "the center settled it \(status); trusting the channel records a late success, refunded automatically"
            } else {
                note = "the channel refunded it, the center has the refund \(status)"
            }
        case (false, true):
            type = .centerSuccessChannelNot
            note = "the bill says \(record.outcome.rawValue)"
        case (false, false):
            break
        case (true, true):
            if record.amount.currency.code != currency {
                type = .currencyDiffers
            } else if record.amount.minorUnits < amountMinor {
                type = .amountShort
            } else if record.amount.minorUnits > amountMinor {
                type = .amountOver
            } else if record.fee.minorUnits != expectedFee {
                type = .feeDiffers
                note = "the account's terms give \(Money(minorUnits: expectedFee, currency: record.amount.currency).decimalString)"
            }
        }
        if record.outcome == .succeeded {
            expectedFees += kind == .payment ? expectedFee : -expectedFee
        }
        guard let type else {
            matched += 1
            matchedMinor += record.amount.minorUnits
            return
        }
        disagreements.append((record, center, kind == .refund ? type.forRefund : type, note))
    }

    /// The fee the account's terms give: a payment's by rate and fixed part; a refund gives back
    /// the payment's fee in proportion to the amount refunded (as the channels do).
    private func fee(kind: ReconciliationKind, amountMinor: Int64, paymentAmountMinor: Int64, currency: String) -> Int64 {
        let cur = Currency(code: currency) ?? .CNY
        switch kind {
        case .payment:
            return account.fee(for: Money(minorUnits: amountMinor, currency: cur)).minorUnits
        case .refund:
            let paymentFee = account.fee(for: Money(minorUnits: paymentAmountMinor, currency: cur)).minorUnits
            // why Int128: fee × refund amount passes Int64 for large payments.
            return Int64(clamping: Int128(paymentFee) * Int128(amountMinor) / Int128(max(paymentAmountMinor, 1)))
        }
    }

    /// The pool entries a match releases: the center record's own (waiting since an earlier day).
    private func releasedPool(kind: ReconciliationKind, id: Int64) -> [Int64] {
        let key = kind == .payment ? "\(kind.rawValue):\(id):0" : "\(kind.rawValue):0:\(id)"
        guard let entry = poolCenter[key] else { return [] }
        return [entry.id]
    }

    // MARK: Apply

    /// Looks up the lines the day did not have, ages the pool, and writes the run, its mismatches
    /// and the pool in one transaction.
    func apply(into base: NewReconciliationRun) throws(PayError) -> ReconciliationReport {
        let store = context.store
        let cur = currency ?? summary?.currency ?? account.currencies.first ?? .CNY
        var items: [Mismatch] = []
        var holds: [PoolEntry] = []
        var expired: [Int64] = []
        let report: ReconciliationReport = try store.write {
            // Lines of records outside the day (a trade that crossed midnight) or that the center never saw.
            for record in unfound {
                let kind: ReconciliationKind = record.kind == .payment ? .payment : .refund
                let center = kind == .payment
                    ? try store.reconciliation.attempt(account: account.id, channelSerial: record.channelSerial, centerSerial: record.centerSerial)
                    : try store.reconciliation.refund(account: account.id, channelSerial: record.channelSerial, centerSerial: record.centerSerial)
                if let center {
                    judge(record, status: center.status, amountMinor: center.amountMinor, currency: center.currency,
                          paymentAmountMinor: center.paymentAmountMinor, center: center, kind: kind, id: center.id)
                    continue
                }
                guard record.outcome == .succeeded else { continue }  // nothing moved on either side
                let key = record.channelSerial.isEmpty ? record.centerSerial : record.channelSerial
                if let waiting = poolChannel["\(kind.rawValue):\(key)"] {
                    // why: still alone since an earlier day; it ages below with the other waiting entries.
                    _ = waiting
                    continue
                }
                holds.append(PoolEntry(id: 0, account: account.id, kind: kind, side: .channel, key: key, centerSerial: record.centerSerial,
                                       channelSerial: record.channelSerial, attemptId: nil, refundId: nil, outcome: record.outcome.rawValue,
                                       amount: record.amount, fee: record.fee, time: record.time, billLine: record.line, firstDate: date,
                                       state: .waiting, closedDate: nil))
            }
            // The center's successes of the day the bill did not list.
            for entry in index.entries where !entry.matched {
                let succeeded = entry.kind == .payment ? entry.status == AttemptStatus.succeeded.rawValue : entry.status == RefundStatus.succeeded.rawValue
                guard succeeded, let center = try store.reconciliation.record(kind: entry.kind, id: entry.id) else { continue }
                holds.append(PoolEntry(id: 0, account: account.id, kind: entry.kind, side: .center, key: center.channelSerial ?? center.serial,
                                       centerSerial: center.serial, channelSerial: center.channelSerial,
                                       attemptId: entry.kind == .payment ? center.id : nil, refundId: entry.kind == .refund ? center.id : nil,
                                       outcome: center.status, amount: Money(minorUnits: center.amountMinor, currency: Currency(code: center.currency) ?? cur),
                                       fee: .zero(Currency(code: center.currency) ?? cur), time: Timestamp(milliseconds: center.createdAt),
                                       billLine: nil, firstDate: date, state: .waiting, closedDate: nil))
            }
            // Earlier days' waiting entries: a channel-side one may have found its center record by now.
            for entry in poolChannel.values.sorted(by: { $0.id < $1.id }) {
                let center = entry.kind == .payment
                    ? try store.reconciliation.attempt(account: account.id, channelSerial: entry.channelSerial ?? "", centerSerial: entry.centerSerial ?? "")
                    : try store.reconciliation.refund(account: account.id, channelSerial: entry.channelSerial ?? "", centerSerial: entry.centerSerial ?? "")
                let record = BillRecord(line: entry.billLine ?? 0, kind: entry.kind == .payment ? .payment : .refund, outcome: .succeeded,
                                        channelSerial: entry.channelSerial ?? "", centerSerial: entry.centerSerial ?? "", amount: entry.amount,
                                        fee: entry.fee, time: entry.time)
                if let center {
                    poolReleased.insert(entry.id)
                    judge(record, status: center.status, amountMinor: center.amountMinor, currency: center.currency,
                          paymentAmountMinor: center.paymentAmountMinor, center: center, kind: entry.kind, id: center.id)
                } else if ReconciliationSettings.days(from: entry.firstDate, to: date) >= holdDays {
                    expired.append(entry.id)
                    disagreements.append((record, nil, entry.kind == .payment ? .channelOnly : .refundChannelOnly,
                                          "on the bill of \(entry.firstDate) (line \(entry.billLine ?? 0)); no center record after \(holdDays) day(s) in the holding pool"))
                }
            }
            for entry in poolCenter.values.sorted(by: { $0.id < $1.id }) where !poolReleased.contains(entry.id) {
                guard ReconciliationSettings.days(from: entry.firstDate, to: date) >= holdDays else { continue }
                expired.append(entry.id)
                let center = try store.reconciliation.record(kind: entry.kind, id: entry.attemptId ?? entry.refundId ?? 0)
                items.append(mismatch(type: entry.kind == .payment ? .centerOnly : .refundCenterOnly, record: nil, center: center, fallbackKey: entry.key,
                                      note: "\(center?.status ?? "SUCCEEDED") at the center since \(entry.firstDate); on no bill after \(holdDays) day(s) in the holding pool"))
            }
            // With no wait at all, today's one-sided records are mismatches at once.
            if holdDays <= 0 {
                for hold in holds {
                    var center: CenterRecord?
                    if let id = hold.attemptId { center = try store.reconciliation.record(kind: .payment, id: id) }
                    if let id = hold.refundId { center = try store.reconciliation.record(kind: .refund, id: id) }
                    let record = hold.side == .channel
                        ? BillRecord(line: hold.billLine ?? 0, kind: hold.kind == .payment ? .payment : .refund, outcome: .succeeded,
                                     channelSerial: hold.channelSerial ?? "", centerSerial: hold.centerSerial ?? "", amount: hold.amount,
                                     fee: hold.fee, time: hold.time)
                        : nil
                    let type: MismatchType = hold.side == .channel ? .channelOnly : .centerOnly
                    items.append(mismatch(type: hold.kind == .refund ? type.forRefund : type, record: record, center: center, fallbackKey: hold.key,
                                          note: hold.side == .channel ? "the center has no record of it" : "on no bill"))
                }
                holds = []
            }
            for d in disagreements {
                let center = try d.center ?? centerRecord(for: d.record)
                items.append(mismatch(type: d.type, record: d.record, center: center, fallbackKey: d.record.centerSerial, note: d.note))
            }

            try store.reconciliation.undo(account: account.id, date: date)
            var held = 0
            for hold in holds {
                if try store.reconciliation.hold(hold) { held += 1 }
            }
            var released = 0
            for id in poolReleased.sorted() {
                if try store.reconciliation.close(id, as: .matched, on: date) { released += 1 }
            }
            for id in expired { _ = try store.reconciliation.close(id, as: .expired, on: date) }

            var run = base
            run.status = items.isEmpty ? .matched : .mismatched
            run.currency = cur
            run.billLines = lines
            if let summary {
                run.bill = ReconciliationRun.Totals(payments: summary.payments, paid: summary.paid, refunds: summary.refunds,
                                                    refunded: summary.refunded, fees: summary.fees)
            }
            run.center = centerTotals
            run.center.fees = expectedFees
            run.matched = matched
            run.matchedMinor = matchedMinor
            run.mismatches = items.count
            run.mismatchedMinor = items.reduce(0) { $0 + ($1.amount?.minorUnits ?? 0) }
            run.held = held
            run.released = released
            let stored = try store.reconciliation.insertRun(run, at: context.now)
            for var item in items {
                item.runId = stored.id
                // why: a re-run finds what an earlier version found; its resolution stands, asked once.
                if let earlier = try store.reconciliation.resolvedEarlier(account: account.id, date: date, type: item.type, key: item.key,
                                                                          beforeRun: stored.id) {
                    item.state = .resolved
                    item.resolution = earlier.resolution
                    item.reason = earlier.reason
                    item.resolvedBy = earlier.resolvedBy
                    item.approvedBy = earlier.approvedBy
                    item.resolvedAt = earlier.resolvedAt
                    item.outcome = "carried from mismatch #\(earlier.id): \(earlier.outcome ?? "")"
                }
                try store.reconciliation.insertItem(item)
            }
            let open = items.filter { $0.state == .open }.count
            if open > 0 {
                try Alerting(context).raise(rule: "reconciliation.mismatch", subject: "reconciliation:\(account.id)/\(date)",
                                            labels: ["channel": account.channel, "account": account.id],
                                            message: "reconciliation of \(account.id) for \(date): \(open) open mismatch\(open == 1 ? "" : "es") (run #\(stored.id) v\(stored.version))")
            }
            return ReconciliationReport(run: stored, typeCounts: try store.reconciliation.typeCounts(runId: stored.id),
                                        mismatches: try store.reconciliation.items(runId: stored.id))
        }
        try AuditLog(context).append(actor: context.actor, action: "reconciliation.run", target: "reconciliation:\(account.id)/\(date)",
                                     detail: "run #\(report.run.id) v\(report.run.version) \(report.run.status.rawValue): \(report.run.billLines) lines, \(report.run.matched) matched, \(report.run.mismatches) mismatches, \(report.run.held) held, \(report.run.released) released")
        return report
    }

    /// The center record a disagreeing line matched in the index, read back with its serials.
    private func centerRecord(for record: BillRecord) throws -> CenterRecord? {
        record.kind == .payment
            ? try context.store.reconciliation.attempt(account: account.id, channelSerial: record.channelSerial, centerSerial: record.centerSerial)
            : try context.store.reconciliation.refund(account: account.id, channelSerial: record.channelSerial, centerSerial: record.centerSerial)
    }

    private func mismatch(type: MismatchType, record: BillRecord?, center: CenterRecord?, fallbackKey: String, note: String) -> Mismatch {
        let key = record.map { $0.channelSerial.isEmpty ? $0.centerSerial : $0.channelSerial } ?? center?.channelSerial ?? center?.serial ?? fallbackKey
        let centerView = center.map { c in
            let cur = Currency(code: c.currency) ?? .CNY
            return CenterTradeView(serial: c.serial, status: c.status, amount: Money(minorUnits: c.amountMinor, currency: cur),
                                   fee: Money(minorUnits: fee(kind: c.kind, amountMinor: c.amountMinor, paymentAmountMinor: c.paymentAmountMinor,
                                                              currency: c.currency), currency: cur),
                                   time: Timestamp(milliseconds: c.createdAt))
        }
        let channelView = record.map {
            ChannelTradeView(serial: $0.channelSerial, centerSerial: $0.centerSerial, outcome: $0.outcome.rawValue, amount: $0.amount,
                             fee: $0.fee, time: $0.time, line: $0.line)
        }
        return Mismatch(id: 0, runId: 0, type: type, key: key.isEmpty ? "—" : key, orderId: center?.orderId,
                        attemptId: center.map { $0.kind == .payment ? $0.id : $0.attemptId }, refundId: center.flatMap { $0.kind == .refund ? $0.id : nil },
                        center: centerView, channel: channelView, note: note, state: .open)
    }
}
