import PayCore

/// The one template every channel follows (DESIGN §5). The base class runs the standard flow —
/// build the request, sign it, send it, verify the answer, map the result — for pay, query,
/// close/revoke, refund, refund query and bill download, and verify-then-parse for callbacks.
/// A channel subclass overrides only the steps that differ: `buildRequest`, `sign`,
/// `verifyResponse`, `mapResult`, `verifyNotification`, `parseNotification`, `acknowledgement`.
///
/// Plugins never throw out of an operation: every failure becomes a `ChannelResult`, so a
/// timeout is `unknown` (it may have gone through), an unreachable channel `systemError`, and an
/// answer whose signature does not verify `unknown` (it cannot be trusted either way).
open class ChannelPlugin {
    /// The answer's fields after verification, flattened (`amount.total`), plus `_status` for the HTTP status.
    public typealias Fields = [String: String]

    public let account: ChannelAccount
    public let transport: any ChannelTransport
    public let clock: any PayClock

    public required init(account: ChannelAccount, transport: any ChannelTransport, clock: any PayClock) {
        self.account = account
        self.transport = transport
        self.clock = clock
    }

    public var channel: String { account.channel }

    /// Told of every call `perform` makes (the order timeline's record); set by the registry.
    public var recorder: (any ChannelCallRecorder)?

    /// Callbacks bigger than this are refused before anything else looks at them.
    public static let maxNotificationBytes = 64 * 1024

    // MARK: The template

    /// Runs one operation through the standard flow, and tells the recorder what was sent and answered.
    public final func perform(_ operation: ChannelOperation) -> ChannelReply {
        guard let recorder else {
            var request: HTTPMessage?, response: HTTPMessage?
            return run(operation, request: &request, response: &response)
        }
        let at = clock.now()
        let started = ContinuousClock.now
        var request: HTTPMessage?, response: HTTPMessage?
        let reply = run(operation, request: &request, response: &response)
        let elapsed = ContinuousClock.now - started
        let latency = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        recorder.record(ChannelCall(at: at, channel: channel, account: account.id, operation: operation, request: request,
                                    response: response, reply: reply, latencyMilliseconds: latency))
        return reply
    }

    /// The standard flow; `request` and `response` are set as far as it got.
    private func run(_ operation: ChannelOperation, request sent: inout HTTPMessage?, response answered: inout HTTPMessage?) -> ChannelReply {
        let request: HTTPMessage
        do {
            request = try sign(try buildRequest(operation))
            sent = request
        } catch {
            return ChannelReply(result: .systemError(message: "\(channel) \(operation.name): cannot build the request: \(error)"), channelStatus: "")
        }
        let response: HTTPMessage
        do {
            response = try transport.send(request, channel: channel, account: account.id)
            answered = response
        } catch {
            switch error {
            case .timeout:
                return ChannelReply(result: .unknown(message: "\(channel) \(operation.name): no answer in time"), channelStatus: "TIMEOUT")
            case .unreachable(let why):
                return ChannelReply(result: .systemError(message: "\(channel) \(operation.name): channel unreachable: \(why)"), channelStatus: "UNREACHABLE")
            }
        }
        let fields: Fields
        do {
            fields = try verifyResponse(response, for: operation)
        } catch {
            return ChannelReply(result: .unknown(message: "\(channel) \(operation.name): answer rejected: \(error.reason)"), channelStatus: "UNVERIFIED")
        }
        return mapResult(fields, for: operation)
    }

    /// Charges a barcode, issues a pay code, or charges a card token / payer account.
    public final func pay(_ request: PayRequest) -> ChannelReply { perform(.pay(request)) }

    /// Asks the channel for the state of a payment.
    public final func query(serial: String, amount: Money) -> ChannelReply { perform(.query(serial: serial, amount: amount)) }

    /// Closes an unpaid pay code, or revokes a barcode payment in progress. A result of
    /// `succeeded` means the customer had paid first.
    public final func close(serial: String, amount: Money, revoke: Bool) -> ChannelReply {
        perform(.close(serial: serial, amount: amount, revoke: revoke))
    }

    public final func refund(_ request: RefundRequest) -> ChannelReply { perform(.refund(request)) }

    public final func queryRefund(refundSerial: String, paymentSerial: String, amount: Money) -> ChannelReply {
        perform(.refundQuery(refundSerial: refundSerial, paymentSerial: paymentSerial, amount: amount))
    }

    /// The channel's bill file for one of its own days ("YYYY-MM-DD", see `BillDay`), as the channel formats it.
    public final func downloadBill(date: String) throws(PayError) -> String {
        _ = try Timestamp.parse(date, field: "bill date")
        let request: HTTPMessage
        do {
            request = try sign(try buildRequest(.bill(date: date)))
        } catch {
            throw PayError.internal("\(channel) bill: cannot build the request: \(error)")
        }
        let response: HTTPMessage
        do {
            response = try transport.send(request, channel: channel, account: account.id)
        } catch {
            throw PayError.internal("\(channel) bill: channel unreachable or timed out (\(error))")
        }
        do throws(NotificationRejection) {
            let fields = try verifyResponse(response, for: .bill(date: date))
            guard let text = fields["_bill"] else { throw NotificationRejection(fields["_error"] ?? "no bill in the answer") }
            return text
        } catch {
            throw PayError.internal("\(channel) bill: \(error.reason)")
        }
    }

    /// Verifies a raw callback on its bytes (and headers), then parses it. Nothing is parsed
    /// before the signature, the key and the timestamp window have been checked.
    public final func receiveNotification(headers: [String: String], body: [UInt8]) throws(NotificationRejection) -> ChannelNotification {
        guard !body.isEmpty else { throw NotificationRejection("empty body") }
        guard body.count <= Self.maxNotificationBytes else {
            throw NotificationRejection("body of \(body.count) bytes is larger than \(Self.maxNotificationBytes)")
        }
        let message = HTTPMessage(method: "POST", path: "/notify/\(channel)", headers: headers, body: body)
        try verifyNotification(message)
        return try parseNotification(message)
    }

    // MARK: Steps a channel overrides

    /// The channel's request for `operation`, unsigned.
    open func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
        throw PayError.internal("\(channel) does not support \(operation.name)")
    }

    /// Adds the center's signature. The default sends the request as built.
    open func sign(_ request: HTTPMessage) throws -> HTTPMessage { request }

    /// Checks the answer's signature on its raw bytes and returns its fields.
    open func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
        throw NotificationRejection("\(channel) answers cannot be verified")
    }

    /// Turns the verified answer into the center's result.
    open func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
        ChannelReply(result: .systemError(message: "\(channel) \(operation.name): not supported"), channelStatus: "")
    }

    /// Checks a callback's signature, key and time window on the raw bytes.
    open func verifyNotification(_ message: HTTPMessage) throws(NotificationRejection) {
        throw NotificationRejection("\(channel) sends no callbacks")
    }

    /// Parses a verified callback.
    open func parseNotification(_ message: HTTPMessage) throws(NotificationRejection) -> ChannelNotification {
        throw NotificationRejection("\(channel) sends no callbacks")
    }

    /// What the channel expects back from a callback it delivered.
    open var acknowledgement: ChannelAck { ChannelAck(status: 200, body: "") }

    // MARK: Helpers for subclasses

    /// A value from the account's config, or an error naming the account and the key.
    public func config(_ key: String) throws(PayError) -> String {
        guard let value = account.config[key], !value.isEmpty else {
            throw PayError.internal("channel account '\(account.id)' has no '\(key)' in its config (made by `paydesk init --demo`)")
        }
        return value
    }

    /// A result that follows a decline code.
    public func declined(_ code: String, _ message: String, status: String) -> ChannelReply {
        ChannelReply(result: .declined(code: code, message: message), channelStatus: status)
    }
}

extension ChannelPlugin {
    /// Flattens a JSON object into `a.b` keys with text values (numbers as digits, bools as true/false).
    public static func flatten(_ object: [String: Any], prefix: String = "") -> Fields {
        var out: Fields = [:]
        for (key, value) in object {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let nested as [String: Any]: out.merge(flatten(nested, prefix: name)) { a, _ in a }
            case let text as String: out[name] = text
            case let number as NSNumberLike: out[name] = number.textValue
            default: continue
            }
        }
        return out
    }
}
