import PayCore
import PayStore
import PayChannels
import PayServices
import PayConsole

/// The checkout's door to the payment core: `PaymentService` on a connection of its own, so a
/// payment never runs on the console's main actor and a key press never waits on a channel.
/// An actor: its calls run one at a time, as one SQLite connection wants.
actor ServiceCheckoutGateway: CheckoutPaymentGateway {
    private let storePath: String
    // why: non-Sendable, but only ever touched inside this actor.
    private var opened: (context: ServiceContext, gateway: ChannelGateway)?

    init(storePath: String) { self.storePath = storePath }

    private func open(as actor: Actor) throws(PayError) -> (ServiceContext, ChannelGateway) {
        if let opened {
            opened.context.actor = actor
            try opened.context.refreshClock()
            return opened
        }
        let store = try Store.open(path: storePath)
        let context = try ServiceContext(store: store, actor: actor)
        let gateway = try ChannelGateway(store: store, clock: context.clock)
        opened = (context, gateway)
        return (context, gateway)
    }

    func pay(order: Order, method: CheckoutPaymentMethod, otp: String?, override: Actor?, operator actor: Actor) async -> CheckoutOutcome {
        do {
            let (context, gateway) = try open(as: actor)
            var request = try Self.request(order: order, method: method, otp: otp)
            request.unconfirmedOverride = override
            return Self.outcome(try PaymentService(context, gateway: gateway).pay(request))
        } catch {
            // why: a failure after the channel was called may hide a charge: never "declined".
            if error.kind == .pending { return .unknown(serial: nil, reason: error.message) }
            // why: a conflict while an earlier payment is unconfirmed is the core refusing a second
            // charge; the checkout shows that state (and what can be done), not a decline.
            if error.kind == .conflict, let context = opened?.context,
               let earlier = (try? UnconfirmedPayments(context).of(orderId: order.id))?.first {
                return .unconfirmed(serial: earlier.serial.rawValue, reason: error.message)
            }
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

    func poll(serial: String) async -> CheckoutOutcome {
        do {
            let (context, _) = try open(as: opened?.context.actor ?? .system)
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
        case .wallet(let customer):
            request.method = .wallet
            request.customerId = customer ?? order.customerId
        }
        return request
    }

    static func outcome(_ outcome: PaymentOutcome) -> CheckoutOutcome {
        switch outcome {
        case .succeeded(_, let a), .declined(_, let a), .unknown(_, let a): return Self.outcome(a)
        case .pending(_, let a, let url): return .pending(serial: a.serial.rawValue, payCode: url)
        case .blocked(_, let reasons):
            return .declined(code: .riskBlocked, reason: "blocked by risk rules: \(reasons.joined(separator: "; "))")
        case .challenge(_, let issued, _):
            return .challenge(hint: "SMS to \(issued.recipient), valid until \(issued.expiresAt.displayString) UTC")
        }
    }

    static func outcome(_ attempt: PaymentAttempt) -> CheckoutOutcome {
        switch attempt.status {
        case .succeeded: return .succeeded(serial: attempt.serial.rawValue, channelSerial: attempt.channelSerial ?? "")
        case .pending, .processing, .initial: return .pending(serial: attempt.serial.rawValue, payCode: nil)
        case .unknown: return .unknown(serial: attempt.serial.rawValue, reason: attempt.failureMessage ?? "no answer from the channel yet")
        case .failed, .closed:
            if attempt.failureKind == .system {
                return .declined(code: .system, reason: "the channel could not take the payment (\(attempt.failureMessage ?? "system error")); try another method")
            }
            let reason = attempt.failureMessage ?? attempt.status.rawValue.lowercased()
            guard let channelCode = attempt.failureCode else { return .declined(code: nil, reason: reason) }
            // why: a code PayDesk has no type for (a revoke's CLOSED, a channel's own) is shown in the
            // core's words with the code kept for support, not guessed into a bank decline.
            guard let code = FailureCode(code: channelCode) else { return .declined(code: nil, reason: "\(reason) (code \(channelCode))") }
            return .declined(code: code, reason: reason)
        }
    }
}
