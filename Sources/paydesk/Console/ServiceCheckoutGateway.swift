import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// The checkout's door to the payment core: `PaymentService` on a connection of its own, so a
/// payment never runs on the console's main actor and a key press never waits on a channel.
/// An actor: its calls run one at a time, as one SQLite connection wants.
actor ServiceCheckoutGateway: CheckoutPaymentGateway {
    private var services: ServicesOnDemand

    init(storePath: String) { services = ServicesOnDemand(storePath: storePath) }

    private func open(as actor: Actor) throws(PayError) -> (ServiceContext, ChannelGateway) {
        try services.open(as: actor)
    }

    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, override: Actor?, key: String,
             operator actor: Actor) async -> CheckoutOutcome {
        do {
            let (context, gateway) = try open(as: actor)
            var request = try Self.request(order: order, method: method, otp: otp)
            request.unconfirmedOverride = override
            request.idempotencyKey = try IdempotencyKey(key)
            // why: the attempt's key makes a retried submit answer the first one's outcome (the same
            // code renders a first answer and a replay), never a second charge.
            return Self.outcome(try IdempotentRequests(context).pay(request, gateway: gateway).outcome)
        } catch {
            // why: the first submit of this attempt is still running (another connection): it may charge.
            if error.failure == .idempotencyKeyInUse { return .unknown(serial: nil, reason: error.message) }
            // why: a failure after the channel was called may hide a charge: never "declined".
            if error.kind == .pending { return .unknown(serial: nil, reason: error.message) }
            // why: a conflict while an earlier payment is unconfirmed is the core refusing a second
            // charge; the checkout shows that state (and what can be done), not a decline.
            if error.kind == .conflict, let context = services.opened?.context,
               let earlier = (try? UnconfirmedPayments(context).of(orderId: order.id))?.first {
                return .unconfirmed(serial: earlier.serial.rawValue, reason: error.message)
            }
            // why: the console asks the cashier for the customer (F7) instead of naming an argument.
            if error.argument == "customer" { return .declined(code: .customerRequired, reason: error.message) }
            // why: the core's typed code first: a wrong one-time code is declined too, but not by the bank.
            return .declined(code: error.failure ?? (error.kind == .declined ? .bankDeclined : nil), reason: error.message)
        }
    }

    func checkWithChannel(serial: String, operator actor: Actor) async -> CheckoutOutcome {
        do {
            let (context, gateway) = try open(as: actor)
            return Self.outcome(try UnconfirmedPayments(context).checkWithChannel(serial: try Serial(serial), gateway: gateway))
        } catch {
            return .unconfirmed(serial: serial, reason: "could not ask the channel: \(error.message)")
        }
    }

    func walletBalance(customer: String, currency: Currency) async -> Money? {
        guard let channels = try? open(as: services.opened?.context.actor ?? .system).1 else { return nil }
        return try? channels.sandbox.balance(ofWallet: customer, currency: currency)
    }

    func poll(serial: String) async -> CheckoutOutcome {
        do {
            let (context, _) = try open(as: services.opened?.context.actor ?? .system)
            let store = context.store
            let found: PaymentAttempt? = try store.read { try store.attempts.find(serial: try Serial(serial)) }
            guard let attempt = found else { return .unknown(serial: serial, reason: "payment \(serial) not found") }
            return Self.outcome(attempt)
        } catch {
            return .unknown(serial: serial, reason: error.message)
        }
    }

    /// The payment core's request for a checkout payment. A barcode names its channel by prefix.
    static func request(order: Order, method: CheckoutPaymentMethod, otp: String?) throws(PayError) -> PaymentRequest {
        var request = PaymentRequest(businessLine: order.businessLine, orderNo: order.orderNo, method: .wechat,
                                     customerId: order.customerId, otp: otp)
        switch method {
        case .barcode(let code):
            let channel = try AuthCode.channel(of: code, field: "payment code")
            request.method = try PaymentMethod.parse(channel)
            request.authCode = code
        case .payCode(let payMethod):
            request.method = payMethod
        case .card(let entry):
            request.method = .card
            request.card = try CardDetails(number: entry.number, expiry: entry.expiry, cvc: entry.cvc)
        case .applePay(let entry):
            request.method = .applePay
            request.card = try CardDetails(number: entry.number, expiry: entry.expiry, cvc: entry.cvc)
        case .paypal(let customer):
            request.method = .paypal
            request.customerId = customer ?? order.customerId
        case .wallet(let customer):
            request.method = .wallet
            request.customerId = customer ?? order.customerId
        }
        return request
    }

    /// The checkout's outcome of a payment request's answer, first or replayed.
    static func outcome(_ answer: PayAnswer) -> CheckoutOutcome {
        let result = answer.result
        switch (answer.kind, result.payment) {
        case (.pending, let a?): return .pending(serial: a.serial, payCode: result.codeUrl)
        case (.challenge, _):
            // "2026-11-21T09:30:12.345Z" as people read it: "2026-11-21 09:30:12".
            let until = (result.challenge?.expiresAt.prefix(19)).map { $0.replacingOccurrences(of: "T", with: " ") } ?? "—"
            return .challenge(hint: "SMS to \(result.challenge?.sentTo ?? "the customer"), valid until \(until) UTC")
        case (_, let a?):
            guard let status = AttemptStatus(rawValue: a.status) else { return .unknown(serial: a.serial, reason: "payment \(a.serial) is \(a.status)") }
            return outcome(serial: a.serial, status: status, channelSerial: a.channelSerial, failureKind: a.failureKind.flatMap(FailureKind.init(rawValue:)),
                           failureCode: a.failureCode, failureMessage: a.failureMessage)
        case (_, nil):
            return .declined(code: .riskBlocked, reason: "blocked by risk rules: \((result.blockedBy ?? []).joined(separator: "; "))")
        }
    }

    static func outcome(_ attempt: PaymentAttempt) -> CheckoutOutcome {
        outcome(serial: attempt.serial.rawValue, status: attempt.status, channelSerial: attempt.channelSerial, failureKind: attempt.failureKind,
                failureCode: attempt.failureCode, failureMessage: attempt.failureMessage)
    }

    static func outcome(serial: String, status: AttemptStatus, channelSerial: String?, failureKind: FailureKind?, failureCode: String?,
                        failureMessage: String?) -> CheckoutOutcome {
        switch status {
        case .succeeded: return .succeeded(serial: serial, channelSerial: channelSerial ?? "")
        case .pending, .processing, .initial: return .pending(serial: serial, payCode: nil)
        case .unknown: return .unknown(serial: serial, reason: failureMessage ?? "no answer from the channel yet")
        case .failed, .closed:
            if failureKind == .system {
                return .declined(code: .system, reason: "the channel could not take the payment (\(failureMessage ?? "system error")); try another method")
            }
            let reason = failureMessage ?? status.rawValue.lowercased()
            guard let channelCode = failureCode else { return .declined(code: nil, reason: reason) }
            // why: a code PayDesk has no type for (a revoke's CLOSED, a channel's own) is shown in the
            // core's words with the code kept for support, not guessed into a bank decline.
            guard let code = FailureCode(code: channelCode) else { return .declined(code: nil, reason: "\(reason) (code \(channelCode))") }
            return .declined(code: code, reason: reason)
        }
    }
}
