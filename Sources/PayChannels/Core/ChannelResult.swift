/// What a channel said about a payment or a refund, in the center's five words.
///
/// For pay, query and close the result describes the *payment*; for refund and refund query it
/// describes the *refund*. `declined` codes are normalised across channels (see `DeclineCode`);
/// the message keeps the channel's own words.
public enum ChannelResult: Hashable, Sendable, CustomStringConvertible {
    /// Done: the money moved (or, after a close, the payment had been paid). Carries the channel's serial.
    case succeeded(channelSerial: String)
    /// Not final yet: a pay code waiting to be scanned, a customer still entering a password, a refund processing.
    case pending
    /// The channel said no, finally (declined, insufficient funds, closed, not found).
    case declined(code: String, message: String)
    /// The channel was not reached or failed to process: nothing happened, safe to retry elsewhere.
    case systemError(message: String)
    /// It may have gone through: a timeout, an answer that did not verify. Resolve only by a query.
    case unknown(message: String)

    public var description: String {
        switch self {
        case .succeeded(let serial): "succeeded(\(serial))"
        case .pending: "pending"
        case .declined(let code, let message): "declined(\(code): \(message))"
        case .systemError(let message): "systemError(\(message))"
        case .unknown(let message): "unknown(\(message))"
        }
    }

    public var isFinal: Bool {
        switch self {
        case .succeeded, .declined: true
        default: false
        }
    }
}
