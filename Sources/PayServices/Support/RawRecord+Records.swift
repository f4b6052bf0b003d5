import Foundation
import PayCore
import PayStore
import PayChannels

extension RawRecord {
    /// A callback as received, for the viewer: its headers and body masked (signatures, keys,
    /// card data), since callbacks are kept as the bytes that were signed.
    init(_ callback: CallbackRecord) {
        let storedHeaders = (try? JSONSerialization.jsonObject(with: Data(callback.headers.utf8))) as? [String: Any] ?? [:]
        let headers = ChannelCallMask.headers(storedHeaders.mapValues { "\($0)" })
        var fields = [Field("verdict", callback.verdict + (callback.reason.map { ": \($0)" } ?? "")),
                      Field("received", callback.receivedAt.iso8601)]
        if let size = callback.bodySize, size > Int64(callback.body.count) { fields.append(Field("kept", "\(callback.body.count) of \(size) bytes")) }
        fields += headers.keys.sorted().map { Field($0, headers[$0]!) }
        let body = ChannelCallMask.body(callback.body)
        self.init(title: "callback \(callback.id) from \(callback.channel)", headers: fields, format: .detect(body), body: body)
    }

    /// A channel call as recorded (masked when it was written), request then answer.
    init(_ call: ChannelCallRecord) {
        var fields = [Field("request", call.requestPath), Field("at", call.at.iso8601),
                      Field("result", "\(call.result) \(call.channelStatus)".trimmingCharacters(in: .whitespaces)),
                      Field("latency", "\(call.latencyMilliseconds) ms"),
                      Field("http status", call.httpStatus.map(String.init) ?? "no answer")]
        if let id = call.requestId { fields.append(Field("request id", id)) }
        fields += call.requestHeaders.keys.sorted().map { Field("> " + $0, call.requestHeaders[$0]!) }
        if let answer = call.responseHeaders { fields += answer.keys.sorted().map { Field("< " + $0, answer[$0]!) } }
        self.init(title: "call \(call.id): \(call.channel) \(call.operation) (\(call.account))", headers: fields,
                  format: .detect(call.requestBody), body: call.requestBody,
                  answer: call.responseBody, answerFormat: call.responseBody.map(Format.detect) ?? .text)
    }
}
