import PayCore
import PayStore

/// Records every channel call into the store's `channel_calls`, masked (`ChannelCallMask`), linked
/// to the order of the payment it was about, and counts it in the metrics rollups (schema 14).
///
/// why deferred: the row rides in the next transaction on the store's connection — the one that
/// records the call's result, right after it — instead of a durable commit of its own (a fourth
/// fsync per payment). What is still waiting when the gateway goes away is written then.
public final class StoreCallRecorder: ChannelCallRecorder {
    let store: Store

    public init(store: Store) { self.store = store }

    deinit {
        try? store.flushDeferredWrites()
    }

    public func record(_ call: ChannelCall) {
        let record = ChannelCallRecord(
            id: 0, at: call.at, channel: call.channel, account: call.account, operation: call.operation.name,
            serial: call.paymentSerial, refundSerial: call.refundSerial, orderId: nil, latencyMilliseconds: call.latencyMilliseconds,
            httpStatus: call.response.map(\.status), result: call.resultCode, channelStatus: call.reply.channelStatus,
            requestId: call.requestId.map(CardNumberMask.mask),
            requestPath: call.request.map { "\($0.method) \(ChannelCallMask.path($0.path))" } ?? "",
            requestHeaders: ChannelCallMask.headers(call.request?.headers ?? [:]),
            requestBody: call.request.map { ChannelCallMask.body($0.body) } ?? "",
            responseHeaders: call.response.map { ChannelCallMask.headers($0.headers) },
            responseBody: call.response.map { ChannelCallMask.body($0.body) })
        let outcome: MetricCallOutcome = switch call.reply.result {
        case .succeeded: .succeeded
        case .pending: .pending
        case .declined: .declined
        case .systemError: .systemError
        case .unknown: .unknown
        }
        // why the repositories made inside: in group-commit mode the transaction that carries the
        // row runs on the shared writer's connection, which `store.db` names only then.
        store.db.writeWithNextTransaction { [weak store] in
            guard let store else { return }
            _ = try store.channelCalls.insert(record)
            try store.metrics.recordCall(channel: call.channel, account: call.account, operation: call.operation.name, outcome: outcome,
                                   latencyMilliseconds: call.latencyMilliseconds, at: call.at)
        }
    }
}
