import Foundation
import PayCore
import PayServices

/// `POST /notify/{channel}/{account}`: a channel's asynchronous notification, over HTTP. The raw
/// bytes and headers go to the same `CallbackService.receive` as `paydesk notify` (verify on the
/// raw bytes, match, apply, keep the raw callback), and the answer is the one the channel expects:
///
/// | channel | accepted (also duplicate or suspicious: kept, nothing to retry) | rejected | store failed (retry) |
/// |---|---|---|---|
/// | alipay | 200 `success` | 400 `fail` | 500 `fail` |
/// | wechat | 200 `{"code":"SUCCESS","message":"成功"}` | 400 `{"code":"FAIL",…}` | 500 `{"code":"FAIL",…}` |
/// | unionpay | 200 `ok` | 400 `fail` | 500 `fail` |
/// | card, paypal | 200 `{"received":true}` | 400 error JSON | 500 error JSON |
///
/// The channel and the account in the path must exist (else 404, nothing recorded);
/// a callback that verifies under another account than the path's is kept as suspicious and
/// alerted (`CallbackService`). Needs no signature of ours: the channel's own signature is the
/// authentication. Pure: a request in, a response out, over the lane it is given.
public struct ChannelNotifyEndpoint: Sendable {
    public init() {}

    /// The largest body a callback may have (a bigger one is answered 413 unread).
    public static let bodyLimit = CallbackService.bodyLimit

    public func handle(_ request: HTTPRequest, channel: String, account: String, lane: ServiceLane) -> HTTPResponse {
        guard request.method == "POST" else {
            return APIErrorBody.response(status: 405, type: "invalid_request_error", code: "method_not_allowed",
                                         message: "\(request.method) \(request.path): a channel notification is a POST",
                                         extraHeaders: [("Allow", "POST")])
        }
        let outcome: CallbackOutcome
        // why system: the center itself applies what the channel says (as the worker does); the
        // channel's own signature, checked on the raw bytes, is the authentication.
        lane.context.actor = Actor(name: "system", role: .admin, origin: "notify \(Self.shown(request.remoteAddress))")
        do {
            try lane.context.refreshClock()
            outcome = try CallbackService(lane.context, gateway: lane.gateway)
                .receive(channel: channel, headers: request.headers, body: request.body, account: account)
        } catch where error.kind == .invalidInput || error.kind == .notFound {
            return APIErrorBody.response(status: 404, type: "invalid_request_error", code: "route_not_found",
                                         message: "no notify endpoint for channel '\(Self.shown(channel))' account '\(Self.shown(account))'")
        } catch {
            // why 500: the callback was not recorded; the channel retries an unacknowledged one.
            return Self.answer(channel: channel, status: 500, failure: "temporarily unable to process the notification")
        }
        guard outcome.verdict != .rejected, let ack = outcome.ack, (200...299).contains(ack.status) else {
            return Self.answer(channel: channel, status: 400, failure: "notification rejected (callback #\(outcome.callbackId))")
        }
        return HTTPResponse(status: ack.status, headers: [("Content-Type", Self.contentType(channel))], body: Array(ack.body.utf8))
    }

    /// The channel's own failure answer.
    static func answer(channel: String, status: Int, failure: String) -> HTTPResponse {
        switch channel {
        case "alipay", "unionpay":
            return HTTPResponse(status: status, headers: [("Content-Type", contentType(channel))], body: Array("fail".utf8))
        case "wechat":
            let body = (try? JSONSerialization.data(withJSONObject: ["code": "FAIL", "message": failure], options: [.sortedKeys])) ?? Data()
            return HTTPResponse(status: status, headers: [("Content-Type", contentType(channel))], body: Array(body))
        default:
            return APIErrorBody.response(status: status, type: status >= 500 ? "api_error" : "invalid_request_error",
                                         code: status >= 500 ? "internal_error" : "callback_rejected", message: failure)
        }
    }

    static func contentType(_ channel: String) -> String {
        switch channel {
        case "alipay", "unionpay": "text/plain; charset=utf-8"
        default: "application/json"
        }
    }

    /// A path segment as it may be echoed: short, printable ASCII only.
    static func shown(_ text: String) -> String {
        String(text.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
    }
}
