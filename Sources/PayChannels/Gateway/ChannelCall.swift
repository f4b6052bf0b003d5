import PayCore

/// One call a plugin made to its channel: what was sent, what came back (nil: no answer), the
/// result the plugin made of it, and how long it took. Bodies are raw here; a recorder masks them.
public struct ChannelCall: Sendable {
    public let at: Timestamp
    public let channel: String
    public let account: String
    public let operation: ChannelOperation
    /// Nil when the request could not be built.
    public let request: HTTPMessage?
    /// Nil on a timeout or an unreachable channel.
    public let response: HTTPMessage?
    public let reply: ChannelReply
    public let latencyMilliseconds: Int64

    /// The payment serial the call was about (nil for a bill download).
    public var paymentSerial: String? {
        switch operation {
        case .pay(let request): request.serial
        case .query(let serial, _), .close(let serial, _, _): serial
        case .refund(let request): request.paymentSerial
        case .refundQuery(_, let paymentSerial, _): paymentSerial
        case .bill: nil
        }
    }

    /// The refund serial, for a refund or refund query.
    public var refundSerial: String? {
        switch operation {
        case .refund(let request): request.refundSerial
        case .refundQuery(let refundSerial, _, _): refundSerial
        default: nil
        }
    }

    /// The channel's id for this exchange: a request-id header of the answer, else the channel
    /// serial a success carries.
    public var requestId: String? {
        if let response, let header = response.headers.first(where: { $0.key.lowercased().contains("request-id") }) {
            return header.value
        }
        if case .succeeded(let serial) = reply.result, !serial.isEmpty { return serial }
        return nil
    }

    /// The result in one word: SUCCEEDED, PENDING, DECLINED:<code>, SYSTEM_ERROR, UNKNOWN.
    public var resultCode: String {
        switch reply.result {
        case .succeeded: "SUCCEEDED"
        case .pending: "PENDING"
        case .declined(let code, _): "DECLINED:\(code)"
        case .systemError: "SYSTEM_ERROR"
        case .unknown: "UNKNOWN"
        }
    }
}

/// Told of every call a plugin makes (`ChannelPlugin.perform`). Must not throw: a call that
/// cannot be recorded still happened, and its payment goes on.
public protocol ChannelCallRecorder: AnyObject {
    func record(_ call: ChannelCall)
}
