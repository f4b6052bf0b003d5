import PayCore

/// The checkout's payment steps as a state machine, without a terminal: what the payment core's
/// answers and the passing time do to the step the cashier sees. The screen feeds it and carries
/// out what it asks for (`Effect`): saving the receipt, asking for a one-time code, looking for an
/// unconfirmed earlier payment, polling.
struct CheckoutFlow {
    enum Phase {
        case ringing
        case paying
        case working(String)
        case waiting(PaymentWait)
        case paid(serial: String, channelSerial: String, method: String, receipt: Receipt, path: String?)
        case declined(sentence: String, code: FailureCode?)
        /// Not confirmed: with a serial, a payment of the order that may still go through, so no
        /// other charge is offered (R asks the channel, S calls a supervisor).
        case unresolved(serial: String?, method: String, reason: String)
        case notConnected
    }

    /// What the screen must do after an answer.
    enum Effect: Equatable {
        case none
        /// Paid: make and save the receipt, then show it.
        case paid(serial: String, channelSerial: String)
        /// Risk or the issuer wants a one-time code for the same payment.
        case askOneTimeCode(hint: String)
        /// Declined: an earlier payment of the order may still be unconfirmed; say so after `sentence`.
        case checkUnconfirmed(after: String)
    }

    /// How long the screen follows a pending payment before handing it to the center's own checks.
    static let barcodeWait: Int64 = 45_000
    static let payCodeWait: Int64 = 120_000
    static let pollInterval: Int64 = 2_000

    var phase: Phase = .ringing

    /// Takes what the payment core answered for the payment shown as `method`.
    mutating func receive(_ outcome: CheckoutOutcome, method: String, now: Timestamp) -> Effect {
        switch outcome {
        case .succeeded(let serial, let channelSerial):
            return .paid(serial: serial, channelSerial: channelSerial)
        case .pending(let serial, let payCode):
            if case .waiting(var wait) = phase, wait.serial == serial {
                wait.payCode = payCode ?? wait.payCode
                wait.method = method
                phase = .waiting(wait)
                return .none
            }
            let span = payCode == nil ? Self.barcodeWait : Self.payCodeWait
            phase = .waiting(PaymentWait(serial: serial, payCode: payCode, method: method, deadline: now.adding(milliseconds: span),
                                         nextPoll: now.adding(milliseconds: Self.pollInterval), unknown: false))
            return .none
        case .declined(let code, let reason):
            let sentence = FailureWording.sentence(code: code, reason: reason)
            phase = .declined(sentence: sentence, code: code)
            return .checkUnconfirmed(after: sentence)
        case .unconfirmed(let serial, _):
            phase = .unresolved(serial: serial, method: method, reason: "Nothing was charged now: an earlier payment of this order (\(serial)) is not confirmed yet and may still go through. Do not charge the customer again; the center keeps checking it.")
            return .none
        case .challenge(let hint):
            phase = .paying
            return .askOneTimeCode(hint: hint)
        case .unknown(let serial, let reason):
            guard let serial else {
                phase = .unresolved(serial: nil, method: method, reason: reason)
                return .none
            }
            if case .waiting(let wait) = phase, wait.serial == serial { return .none }
            phase = .waiting(PaymentWait(serial: serial, payCode: nil, method: method, deadline: now.adding(milliseconds: Self.barcodeWait),
                                         nextPoll: now.adding(milliseconds: Self.pollInterval), unknown: true))
            return .none
        }
    }

    /// The clock moved: at the deadline the payment is handed to the center (not confirmed);
    /// true when it is time to ask for the status again (and no question is open).
    mutating func tick(now: Timestamp, polling: Bool) -> Bool {
        guard case .waiting(var wait) = phase else { return false }
        if now >= wait.deadline {
            phase = .unresolved(serial: wait.serial, method: wait.method, reason: wait.unknown
                ? "The channel has not confirmed this payment. Do not charge the customer again; the center keeps checking it."
                : "The customer has not finished paying. The center keeps checking and closes it if it stays unpaid.")
            return false
        }
        guard now >= wait.nextPoll, !polling else { return false }
        wait.nextPoll = now.adding(milliseconds: Self.pollInterval)
        phase = .waiting(wait)
        return true
    }

    /// Whether a payment is on its way (quitting warns).
    var isWaitingForPayment: Bool {
        switch phase {
        case .waiting, .working: return true
        default: return false
        }
    }
}
