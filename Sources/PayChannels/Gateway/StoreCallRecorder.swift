import PayCore
import PayStore

/// Records every channel call into the store's `channel_calls`, masked (`ChannelCallMask`), linked
/// to the order of the payment it was about. Inside an open transaction the row joins it;
/// otherwise it is its own small commit.
public final class StoreCallRecorder: ChannelCallRecorder {
    let store: Store
    /// Calls that could not be written (the store busy past its timeout): counted, never thrown.
    public private(set) var failures = 0

    public init(store: Store) { self.store = store }

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
        do {
            try store.write { _ = try store.channelCalls.insert(record) }
        } catch {
            failures += 1
        }
    }
}
