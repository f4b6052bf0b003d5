import Foundation
import CMicroHTTPD
import Synchronization

/// Everything libmicrohttpd's callbacks need, passed to them as their `cls`: the handler, the limits,
/// the log, the rate limiter and the counters. The daemon holds it retained until it is stopped.
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    let limits: HTTPServerLimits
    let log: @Sendable (String) -> Void
    let rateLimiter: ClientRateLimiter
    /// Connections open now (libmicrohttpd's connection notifications).
    let openConnections = Atomic<Int>(0)
    /// Requests begun (request line read) and not yet completed or abandoned.
    let requestsInFlight = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)
    /// At most `limits.threads` handler calls at once; a request past them waits for a slot.
    let handlerSlots: DispatchSemaphore
    /// libmicrohttpd's functions, for the callbacks.
    var mhd: pd_mhd_api { library.api }
    private let library: MicroHTTPD

    init(handler: any HTTPHandler, limits: HTTPServerLimits, mhd: MicroHTTPD, log: @escaping @Sendable (String) -> Void) {
        self.library = mhd
        self.handler = handler
        self.limits = limits
        self.log = log
        self.rateLimiter = ClientRateLimiter(rate: limits.requestsPerSecondPerClient, burst: limits.burstPerClient)
        self.handlerSlots = DispatchSemaphore(value: limits.threads)
    }

    /// The answer to a request refused before its body is read, or nil when it may go on. Checked in
    /// this order: shutting down, too many connections, headers, the client's rate, the body size.
    func admissionRefusal(method: String, state: RequestState, headerCount: Int, headerBytes: Int) -> HTTPResponse? {
        if shuttingDown.load(ordering: .relaxed) {
            return APIErrorBody.response(status: 503, type: "api_error", code: "shutting_down",
                                         message: "the server is shutting down; retry on a new connection",
                                         extraHeaders: [("Connection", "close"), ("Retry-After", "1")])
        }
        if openConnections.load(ordering: .relaxed) > limits.maxConnections {
            return APIErrorBody.response(status: 503, type: "api_error", code: "server_busy",
                                         message: "the server has \(limits.maxConnections) connections open already; retry later",
                                         extraHeaders: [("Connection", "close"), ("Retry-After", "1")])
        }
        if headerCount > limits.maxHeaders {
            return APIErrorBody.response(status: 431, type: "invalid_request_error", code: "too_many_headers",
                                         message: "the request has \(headerCount) header fields; at most \(limits.maxHeaders) are accepted",
                                         extraHeaders: [("Connection", "close")])
        }
        if headerBytes > limits.maxHeaderBytes {
            return APIErrorBody.response(status: 431, type: "invalid_request_error", code: "headers_too_large",
                                         message: "the request line and headers take \(headerBytes) bytes; at most \(limits.maxHeaderBytes) are accepted",
                                         extraHeaders: [("Connection", "close")])
        }
        if let wait = rateLimiter.take(state.remoteAddress) {
            return APIErrorBody.response(status: 429, type: "rate_limit_error", code: "rate_limited",
                                         message: "too many requests from \(state.remoteAddress); retry after \(wait) s",
                                         extraHeaders: [("Retry-After", String(wait))])
        }
        if let declared = state.headers["content-length"] {
            guard let length = Int(declared.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                return APIErrorBody.response(status: 400, type: "invalid_request_error", code: "bad_request",
                                             message: "Content-Length '\(declared)' is not a number of bytes", param: "Content-Length",
                                             extraHeaders: [("Connection", "close")])
            }
            if length > state.bodyLimit { return bodyTooLarge(method: method, state: state, size: "\(length) bytes") }
        }
        return nil
    }

    /// Runs the handler in one of the `limits.threads` slots.
    func handle(_ request: HTTPRequest) -> HTTPResponse {
        handlerSlots.wait()
        defer { handlerSlots.signal() }
        return handler.handle(request)
    }

    func bodyTooLarge(method: String, state: RequestState, size: String) -> HTTPResponse {
        APIErrorBody.response(status: 413, type: "invalid_request_error", code: "body_too_large",
                              message: "the body of \(method) \(state.path) may have at most \(state.bodyLimit) bytes; this one has \(size)",
                              extraHeaders: [("Connection", "close")])
    }
}
