import PayCore
import PayStore
import PayChannels

/// Taking a payment: the seven steps of DESIGN §4, each its own method so each can be tested and
/// read on its own — validate, route, risk, persist, invoke, update, publish.
public struct PaymentService {
    let context: ServiceContext
    let gateway: ChannelGateway

    public init(_ context: ServiceContext, gateway: ChannelGateway) {
        self.context = context
        self.gateway = gateway
    }

    /// How the customer pays, once validated.
    enum Mode: Sendable {
        case barcode(code: String, channel: String)
        case payCode
        case card(CardDetails)
        case account(payer: String)
    }

    /// A request that passed validation, with what it resolved to.
    struct Validated {
        let request: PaymentRequest
        let order: Order
        let line: BusinessLine
        let amount: Money
        let mode: Mode
        /// The channel fixed by a barcode's prefix, or by the method.
        let channel: String?
        /// The request's one-time code answered this order's latest challenge: the card issuer's
        /// authentication (3-D Secure) counts as completed.
        var challengePassed = false
    }

    // MARK: The flow

    /// Pays an order. Idempotent under `request.idempotencyKey`: the same request again replays the
    /// first outcome (as a fresh read of the order), another request under the key is a conflict.
    public func pay(_ request: PaymentRequest) throws(PayError) -> PaymentOutcome {
        try Authorizer.require(.checkout, actor: context.actor)
        let store = context.store
        let routing = RoutingService(context)
        let risk = RiskService(context, sender: SandboxSMSSender(gateway.sandbox))
        // why one read transaction: validate, route and risk see one state of the store and share
        // one BEGIN/COMMIT; what they may lead to writing (a breaker's probe, a block's audit
        // entry, a challenge) follows it, as a write must not start inside a read's snapshot.
        var (validated, decision, assessed) = try store.snapshot { () throws -> (Validated, RouteDecision, RiskDecision) in
            let versions = try store.versions.current()
            let validated = try validate(request, versions: versions)
            let decision = try route(validated, routing: routing, versions: versions)
            return (validated, decision, try risk.evaluate(riskRequest(validated), versions: versions))
        }
        // why again: a probe of a half-open breaker is claimed by a guarded write (one process wins).
        if decision.chosen.probe { decision = try route(validated) }
        switch try gate(assessed, validated: validated, risk: risk) {
        case .allow(let challengePassed):
            validated.challengePassed = challengePassed
        case .block(let reasons):
            return .blocked(try detail(validated.order.id), reasons: reasons)
        case .challenge(let issued, let reasons):
            return .challenge(try detail(validated.order.id), issued, reasons: reasons)
        }
        var options = [decision.chosen] + decision.fallbacks
        var last: (Settlement.Settled, ChannelReply)?
        while !options.isEmpty {
            let option = options.removeFirst()
            let persisting = ContinuousClock.now
            let attempt = try persist(validated, account: option.account)
            guard let reply = try invoke(attempt, validated: validated, account: option.account, persistedSince: persisting) else {
                // The center took the attempt over while this process was stopped: the channel was
                // not called; the attempt's state (UNKNOWN, CLOSED …) is the answer.
                return try publish(try current(attempt), reply: nil)
            }
            // why: from here on the channel may have taken the money: whatever fails must not read
            // as "not paid" (exit 1), or the till charges again.
            do {
                let settled = try settle(attempt, reply: reply, validated: validated)
                last = (settled, reply)
                // A SYSTEM failure is safe to retry on the next account, as a new attempt; a decline never is.
                guard settled.attempt.status == .failed, settled.attempt.failureKind == .system else { break }
            } catch {
                throw Self.unsettled(attempt, error)
            }
        }
        guard let (settled, reply) = last else { throw PayError.internal("no account was tried") }
        // why: an issuer's challenge follows a recorded decline (nothing was charged): its own errors stand.
        if let challenge = try issuerChallenge(settled.attempt, validated: validated) { return challenge }
        return Self.outcome(settled.attempt, detail: settled.detail, reply: reply)
    }

    /// A failure after `attempt`'s channel was called: the payment may have gone through, so it
    /// is reported like a timeout (exit 5) — never as a plain failure a till would answer by
    /// charging again. The attempt is left as it was (PROCESSING: the janitor adopts and queries it).
    public static func unsettled(_ attempt: PaymentAttempt, _ error: PayError) -> PayError {
        if error.kind == .pending { return error }
        return PayError.pending("payment \(attempt.serial) via \(attempt.account): the channel was called, but then this failed: \(error.message); do not charge again; the center will settle it")
    }

    // MARK: 1. validate

    /// `versions` when the caller read them in its transaction: the line comes from the
    /// context's line book, read again only when the lines' version moved.
    func validate(_ request: PaymentRequest, versions: StoreVersions? = nil) throws(PayError) -> Validated {
        let store = context.store
        let now = context.now
        let (order, line, inFlight) = try store.read { () throws -> (Order?, BusinessLine, [PaymentAttempt]) in
            let lineVersion = try versions?.businessLines ?? store.versions.current().businessLines
            let line = try context.lineBook.require(request.businessLine, store: store, version: lineVersion)
            guard let order = try store.orders.find(request.businessLine, request.orderNo) else { return (nil, line, []) }
            // why only a PAYING order's: an order is CREATED only while none of its attempts is in
            // flight (Settlement moves it back only then), and a paid or closed one is refused anyway.
            guard order.status == .paying else { return (order, line, []) }
            return (order, line, try store.attempts.forOrder(order.id).filter { !$0.status.isFinal })
        }
        guard let order else { throw PayError.notFound("order '\(request.orderNo)' of \(request.businessLine): not found") }
        switch order.status {
        case .created, .paying: break
        case .paid, .partiallyRefunded, .refunded:
            throw PayError.conflict("order '\(order.orderNo)' is already paid (\(order.status.rawValue))")
        case .closed:
            throw PayError.conflict("order '\(order.orderNo)' is closed; create a new order")
        }
        if now >= order.expiresAt {
            throw PayError.conflict("order '\(order.orderNo)' expired at \(order.expiresAt.iso8601); create a new order")
        }
        if let busy = inFlight.first(where: { $0.status == .processing || $0.status == .initial }) {
            throw PayError.conflict("order '\(order.orderNo)' has payment \(busy.serial) in progress; wait for it or close the order")
        }
        let unconfirmed = inFlight.filter { UnconfirmedPayments.statuses.contains($0.status) }
        if !unconfirmed.isEmpty {
            try UnconfirmedPayments.checkOverride(request.unconfirmedOverride, order: order, unconfirmed: unconfirmed)
        }
        let owed = try order.amount.subtracting(order.paidAmount)
        if let amount = request.amount {
            guard amount.currency == order.amount.currency else {
                throw PayError.invalidInput("amount: order '\(order.orderNo)' is in \(order.amount.currency), not \(amount.currency)").about("amount")
            }
            guard amount == owed else {
                throw PayError.invalidInput("amount \(amount.decimalString): order '\(order.orderNo)' owes \(owed.decimalString) \(owed.currency)").about("amount")
            }
        }
        guard line.allows(request.method) else {
            throw PayError.invalidInput("method '\(request.method.rawValue)': business line \(line.code) does not accept it (it takes \(line.allowedMethods.map(\.rawValue).joined(separator: ", ")))")
        }
        let mode: Mode
        var channel: String?
        switch request.method {
        case .alipay, .wechat, .unionpay:
            if request.card != nil { throw PayError.invalidInput("card details: only for the card method").about("card") }
            if let code = request.authCode {
                let recognised = try AuthCode.channel(of: code, field: "--auth-code")
                guard recognised == request.method.rawValue else {
                    throw PayError.invalidInput("payment code \(AuthCode.masked(code)): a \(recognised) payment code, but the method is \(request.method.rawValue)").about("auth-code")
                }
                mode = .barcode(code: code, channel: recognised)
            } else {
                mode = .payCode
            }
            channel = request.method.rawValue
        case .card, .applePay:
            guard let card = request.card else {
                throw PayError.usage("method \(request.method.rawValue) needs the card's number, expiry and CVC").about("card PAN --expiry MM/YY --cvc CVC")
            }
            if request.authCode != nil { throw PayError.invalidInput("payment code: not for card payments").about("auth-code") }
            try card.expiry.requireUsable(at: now, field: "card expiry")
            mode = .card(card)
            channel = "card"
        case .paypal, .wallet:
            guard let payer = request.customerId else {
                throw PayError.usage("method \(request.method.rawValue) needs the payer's customer id").about("customer")
            }
            mode = .account(payer: payer)
            channel = request.method.rawValue
        }
        return Validated(request: request, order: order, line: line, amount: owed, mode: mode, channel: channel)
    }

    // MARK: 2. route

    func route(_ validated: Validated) throws(PayError) -> RouteDecision {
        try RoutingService(context).decide(businessLine: validated.order.businessLine, method: validated.request.method,
                                           amount: validated.amount, channelHint: validated.channel)
    }

    /// `route` inside the payment's read transaction: reads only (a probe it picks is claimed
    /// after), with the versions and business line the transaction read already.
    func route(_ validated: Validated, routing: RoutingService, versions: StoreVersions) throws(PayError) -> RouteDecision {
        try routing.route(businessLine: validated.order.businessLine, method: validated.request.method, amount: validated.amount,
                          channelHint: validated.channel, claimProbe: false, detailed: false, versions: versions, lineChecked: true)
    }

    // MARK: 3. risk

    enum RiskGate {
        /// Go on; `challengePassed` when the request's one-time code answered a challenge.
        case allow(challengePassed: Bool)
        case block([String])
        case challenge(IssuedChallenge, [String])
    }

    /// Asks the risk engine. A challenge with no code sends one (through the sandbox SMS outbox);
    /// with `otp` the order's latest challenge is checked and, when it passes, the payment goes on.
    /// A code given without a risk challenge answers the card issuer's (see `issuerChallenge`):
    /// it is checked all the same, never taken on trust.
    func risk(_ validated: Validated) throws(PayError) -> RiskGate {
        let risk = RiskService(context, sender: SandboxSMSSender(gateway.sandbox))
        return try gate(try risk.evaluate(riskRequest(validated)), validated: validated, risk: risk)
    }

    /// What the risk engine is asked about the payment.
    func riskRequest(_ validated: Validated) -> RiskRequest {
        RiskRequest(businessLine: validated.order.businessLine, method: validated.request.method,
                    amount: validated.amount, customerId: validated.request.customerId)
    }

    /// Acts on the risk engine's decision: counts it, audits a block, sends a challenge's code or
    /// checks the request's.
    func gate(_ decision: RiskDecision, validated: Validated, risk: RiskService) throws(PayError) -> RiskGate {
        context.store.metrics.countWithNextTransaction(.risk(decision.action), label: validated.order.businessLine.rawValue, at: context.now)
        let reasons = decision.matched.map { "\($0.action.rawValue): \($0.name) (\($0.expression))" }
        switch decision.action {
        case .allow:
            if let otp = validated.request.otp { try verifyOneTimeCode(otp, validated: validated, risk: risk) }
            return .allow(challengePassed: validated.request.otp != nil)
        case .block:
            try recordRiskBlock(validated, summary: decision.summary)
            return .block(reasons)
        case .challenge:
            if let otp = validated.request.otp {
                try verifyOneTimeCode(otp, validated: validated, risk: risk)
                return .allow(challengePassed: true)
            }
            let recipient = validated.request.customerId ?? ""
            let issued = try risk.issueChallenge(recipient: recipient, customerId: validated.request.customerId,
                                                 reference: validated.order.serial.rawValue, amount: validated.amount)
            return .challenge(issued, reasons)
        }
    }

    /// Checks `otp` against the order's latest challenge (counting the try); throws when there is
    /// none or the code does not pass (wrong, expired, used, tries exhausted).
    func verifyOneTimeCode(_ otp: String, validated: Validated, risk: RiskService) throws(PayError) {
        guard let challenge = try latestChallenge(reference: validated.order.serial.rawValue) else {
            throw PayError.invalidInput("one-time code: none was sent for order '\(validated.order.orderNo)'; pay without a code first").about("otp")
        }
        let verdict = try risk.verifyChallenge(id: challenge, code: otp)
        guard verdict.passed else {
            let code: FailureCode = if case .wrongCode = verdict { .wrongOneTimeCode } else { .oneTimeCodeExpired }
            throw PayError.declined("one-time code: \(verdict.description)").failing(code)
        }
    }

    /// The card issuer asked for authentication (3-D Secure) and the request carried no passed
    /// code: a one-time code goes to the customer and the outcome is a challenge (exit 5); paying
    /// again with `otp` completes it. Nil when the attempt did not end so.
    func issuerChallenge(_ attempt: PaymentAttempt, validated: Validated) throws(PayError) -> PaymentOutcome? {
        guard attempt.status == .failed, attempt.failureCode == DeclineCode.authenticationRequired, !validated.challengePassed,
              let customer = validated.request.customerId else { return nil }
        let risk = RiskService(context, sender: SandboxSMSSender(gateway.sandbox))
        let issued = try risk.issueChallenge(recipient: customer, customerId: customer,
                                             reference: validated.order.serial.rawValue, amount: validated.amount)
        return .challenge(try detail(validated.order.id), issued,
                          reasons: ["card issuer: a one-time code is required (3-D Secure) on \(attempt.account)"])
    }

    // MARK: 4. persist

    /// Commits the attempt as PROCESSING — and the order as PAYING — before any channel is called,
    /// so a crash from here on leaves an attempt the janitor can settle, never a lost charge.
    func persist(_ validated: Validated, account: ChannelAccount) throws(PayError) -> PaymentAttempt {
        let store = context.store
        let now = context.now
        var card: (token: String?, bin: String?, last4: String?) = (nil, nil, nil)
        if case .card(let details) = validated.mode {
            card = (nil, details.first6, details.last4)
        }
        let modeName: String = switch validated.mode {
        case .barcode: "barcode"
        case .payCode: "pay-code"
        case .card: "card"
        case .account: "account"
        }
        return try store.write {
            // why guarded on the status validate read and on the expiry at `now`: validate read in
            // an earlier transaction, and the expiry job may have found this order due (no attempt
            // in flight) since, and must not close it under a new attempt. The order is read again
            // only when it changed, to say how.
            let order: Order
            if try store.orders.startPaying(validated.order.id, from: validated.order.status, channel: account.channel, at: now) {
                order = validated.order
            } else {
                guard let fresh = try store.orders.find(id: validated.order.id) else { throw PayError.notFound("order vanished") }
                order = try startPayingChanged(fresh, channel: account.channel, at: now)
            }
            // why: the check that no other attempt of the order is in flight or unconfirmed and the
            // insert are one statement (and one PROCESSING attempt per order is a constraint), so
            // processes racing here cannot both start a charge.
            let overrider = validated.request.unconfirmedOverride
            guard let attempt = try store.attempts.insert(NewPaymentAttempt(
                serial: context.serials.next(.payment), orderId: order.id, method: validated.request.method, mode: modeName,
                channel: account.channel, account: account.id, amount: validated.amount, customerId: validated.request.customerId,
                cardToken: card.token, cardBin: card.bin, cardLast4: card.last4, operatorName: context.actor.name,
                owner: Self.owner),
                unlessOrderHas: UnconfirmedPayments.blocking(override: overrider != nil), at: now) else {
                throw try UnconfirmedPayments(context).refusal(order)
            }
            if let overrider { try UnconfirmedPayments(context).recordOverride(by: overrider, order: order, attempt: attempt) }
            return attempt
        }
    }

    /// The order changed between validate and persist (`fresh` as it is now): when it is still
    /// payable it is marked as being paid from its new status; otherwise the refusal says why.
    func startPayingChanged(_ order: Order, channel: String, at now: Timestamp) throws -> Order {
        if now >= order.expiresAt {
            throw PayError.conflict("order '\(order.orderNo)' expired at \(order.expiresAt.iso8601); create a new order")
        }
        guard order.status == .created || order.status == .paying else {
            throw PayError.conflict("order '\(order.orderNo)' is \(order.status.rawValue); not payable")
        }
        guard try context.store.orders.startPaying(order.id, from: order.status, channel: channel, at: now) else {
            throw PayError.conflict("order '\(order.orderNo)' changed while paying; try again")
        }
        return order
    }

    // MARK: 5. invoke

    /// Calls the channel: every failure of the call is a `ChannelReply` (timeouts are unknown).
    /// Nil when the attempt is no longer this process's to pay (see `claim`): the channel was not
    /// called. Throws only when the store fails before the call. `persistedSince`: the monotonic
    /// instant taken before `persist` read the time it wrote on the attempt (see `mayCallUnclaimed`);
    /// nil: unknown, the attempt is claimed.
    func invoke(_ attempt: PaymentAttempt, validated: Validated, account: ChannelAccount,
                persistedSince: ContinuousClock.Instant? = nil) throws(PayError) -> ChannelReply? {
        let plugin: ChannelPlugin
        do {
            plugin = try gateway.plugin(for: account)
        } catch {
            return ChannelReply(result: .systemError(message: error.message), channelStatus: "NO_PLUGIN")
        }
        let payMode: PayMode
        switch validated.mode {
        case .barcode(let code, _): payMode = .authCode(code)
        case .payCode: payMode = .payCode
        case .account(let payer): payMode = .account(payer)
        case .card(let details):
            do {
                let token = try gateway.registry.cardPlugin(for: account).tokenize(details)
                recordCardToken(attempt, token: token)
                payMode = .cardToken(token.token, challengeCompleted: validated.challengePassed)
            } catch {
                return ChannelReply(result: .systemError(message: error.message), channelStatus: "TOKENIZE_FAILED")
            }
        }
        let subject = validated.order.items.first.map { "\(validated.line.name): \($0.name)" } ?? validated.line.name
        if !mayCallUnclaimed(since: persistedSince) {
            guard try claim(attempt) else { return nil }
        }
        return plugin.pay(PayRequest(serial: attempt.serial.rawValue, amount: attempt.amount, mode: payMode, subject: subject))
    }

    /// Re-checks, in a guarded update, that the attempt is still PROCESSING and this process's,
    /// right before the channel is called. A process stopped (SIGSTOP, a long GC-like stall, a
    /// suspended VM) for longer than the janitor's minute finds its attempt taken over (UNKNOWN,
    /// revoked, closed) and gives up instead of charging a customer who may have paid otherwise.
    func claim(_ attempt: PaymentAttempt) throws(PayError) -> Bool {
        let store = context.store
        let now = context.now
        return try store.write { try store.attempts.claim(attempt.id, owner: Self.owner, at: now) }
    }

    /// Whether the channel may be called without `claim`: the store runs on the system clock and
    /// less than `unclaimedCallWindow` has passed, on this process's monotonic clock, since before
    /// `persist` read the time it wrote on the attempt (its `updated_at`).
    ///
    /// why this keeps the claim's defence: the janitor takes over a PROCESSING attempt only once
    /// its own clock reads `updated_at` plus a minute. On a system-clock store every process reads
    /// the same wall clock (the clock mode is the store's, and a store holding data is never
    /// switched to a simulated one), so a janitor that took the attempt over before this call
    /// means a minute of wall time passed since `persist` — and the monotonic clock, which counts
    /// stops (SIGSTOP) and suspends (`ContinuousClock`), would show it. Within the window the
    /// attempt cannot have been taken over, and is this process's: it inserted it with its owner.
    /// A simulated clock is moved by another process (`clock advance`) without this one seeing
    /// it, so there the claim is always made; and so is it when the payer was slow (a card's
    /// tokenization waiting on the acquirer, a stall). The window is far below the minute, so a
    /// step of the wall clock forward of up to 58 s changes nothing either; a larger one could let
    /// the janitor adopt a payment in flight, which then settles as any adopted attempt does (the
    /// janitor revokes at the channel what it has not seen, a late success is refunded).
    func mayCallUnclaimed(since persisting: ContinuousClock.Instant?) -> Bool {
        guard let persisting, context.clock is SystemClock else { return false }
        return ContinuousClock.now - persisting < Self.unclaimedCallWindow
    }

    /// How soon after `persist` the channel is called without claiming the attempt again: a
    /// thirtieth of the janitor's minute (`Janitor.abandonedAfterMs`).
    static let unclaimedCallWindow: Duration = .milliseconds(Janitor.abandonedAfterMs / 30)

    /// This process, as the owner of the attempts it pays (read once: it does not change).
    static let owner = ProcessIdentity.current

    // MARK: 6. update

    /// Records the channel's answer with a guarded update, in one transaction with what it causes:
    /// the order's status and paid amount, the merchant notification, the breaker's count; returns
    /// the attempt and the order's detail as that transaction left them (for publish).
    func settle(_ attempt: PaymentAttempt, reply: ChannelReply, validated: Validated) throws(PayError) -> Settlement.Settled {
        let barcode: Bool = if case .barcode = validated.mode { true } else { false }
        let routing = RoutingService(context)
        // why inside the settling transaction, its failure dropped: the breaker is advice for
        // routing, and a statement that fails is undone alone, never the record of what the channel did.
        return try Settlement(context).settleAsPayer(reply.result, to: attempt, barcode: barcode, order: validated.order,
                                                     line: validated.line) {
            try? routing.recordOutcomeInTransaction(account: attempt.account, RouteOutcome(reply.result))
        }
    }

    // MARK: 7. publish

    /// The outbox rows written in `update` (`settle`) are delivered by the worker; here the caller gets the
    /// outcome to report, from the order as it is now.
    func publish(_ attempt: PaymentAttempt, reply: ChannelReply?) throws(PayError) -> PaymentOutcome {
        Self.outcome(attempt, detail: try detail(attempt.orderId), reply: reply)
    }

    /// The outcome to report for `attempt` of the order in `detail` (read after, or in, the
    /// transaction that settled it).
    static func outcome(_ attempt: PaymentAttempt, detail: OrderDetail, reply: ChannelReply?) -> PaymentOutcome {
        let current = detail.attempts.first { $0.id == attempt.id } ?? attempt
        switch current.status {
        case .succeeded where current.failureCode == AttemptOutcome.lateSuccessCode:
            // why: the channel took it after the center had given it up; it is refunded, not paid.
            return .declined(detail, current)
        case .succeeded: return .succeeded(detail, current)
        case .pending: return .pending(detail, current, codeURL: reply?.codeURL)
        case .unknown, .processing, .initial: return .unknown(detail, current)
        case .failed, .closed: return .declined(detail, current)
        }
    }

    // MARK: Helpers

    /// Keeps the acquirer's token and the card's first 6 / last 4 on the attempt: never more.
    /// Written with the next transaction (the claim, or the one recording the channel's answer).
    func recordCardToken(_ attempt: PaymentAttempt, token: CardToken) {
        context.store.attempts.setCardTokenWithNextTransaction(attempt.id, token: token.token, bin: token.first6, last4: token.last4)
    }

    /// A risk block is written to the audit log (who tried, what, why) and counted for monitoring.
    func recordRiskBlock(_ validated: Validated, summary: String) throws(PayError) {
        let store = context.store
        _ = try store.write {
            try AuditLog(context).append(actor: context.actor, action: "payment.blocked",
                                         target: "order:\(validated.order.businessLine)/\(validated.order.orderNo)",
                                         outcome: .denied, detail: "\(validated.request.method.rawValue) \(validated.amount.decimalString) \(validated.amount.currency): \(summary)")
        }
    }

    /// The order's most recent challenge, whatever its state.
    func latestChallenge(reference: String) throws(PayError) -> String? {
        let store = context.store
        return try store.read { try store.challenges.latest(reference: reference)?.id }
    }

    /// The order as the payer reports it. why: not `OrderService.detail`'s visibility rule — who
    /// may take a payment for an order (`checkout`, checked first) sees its outcome, and a check
    /// here would only refuse after the channel was called.
    func detail(_ orderId: Int64) throws(PayError) -> OrderDetail {
        let store = context.store
        return try store.read { () throws -> OrderDetail in
            guard let order = try store.orders.find(id: orderId) else { throw PayError.notFound("the order is no longer in the store") }
            return OrderDetail(order: order, attempts: try store.attempts.forOrder(order.id), refunds: try store.refunds.forOrder(order.id))
        }
    }

    /// The attempt as stored now.
    func current(_ attempt: PaymentAttempt) throws(PayError) -> PaymentAttempt {
        let store = context.store
        return try store.read { try store.attempts.find(id: attempt.id) } ?? attempt
    }
}
