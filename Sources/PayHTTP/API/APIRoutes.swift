import Foundation

/// Every route the payment center answers, as data: method, path pattern (`{name}` matches one
/// non-empty segment), and what it is. The table is what `405 Allow` and the tests walk.
enum APIRoute: String, CaseIterable, Sendable {
    case createOrder, listOrders, getOrder, getPayment, getPaymentByChannelSerial, pay, refund, close
    case notify, metrics, healthz, readyz

    var method: String {
        switch self {
        case .createOrder, .pay, .refund, .close, .notify: "POST"
        case .listOrders, .getOrder, .getPayment, .getPaymentByChannelSerial, .metrics, .healthz, .readyz: "GET"
        }
    }

    var pattern: [String] {
        switch self {
        case .createOrder, .listOrders: ["v1", "orders"]
        case .getOrder: ["v1", "orders", "{orderNo}"]
        case .getPayment: ["v1", "payments", "{serial}"]
        case .getPaymentByChannelSerial: ["v1", "payments", "by-channel-serial", "{channelSerial}"]
        case .pay: ["v1", "orders", "{orderNo}", "pay"]
        case .refund: ["v1", "orders", "{orderNo}", "refunds"]
        case .close: ["v1", "orders", "{orderNo}", "close"]
        case .notify: ["notify", "{channel}", "{account}"]
        case .metrics: ["metrics"]
        case .healthz: ["healthz"]
        case .readyz: ["readyz"]
        }
    }

    /// A business system's route: signed, under /v1.
    var isV1: Bool { pattern.first == "v1" }

    /// The largest body the route takes, in bytes (the server answers 413 above it, unread).
    var bodyLimit: Int {
        switch self {
        // why 256 KiB: up to 1,000 line items and sub-orders with their names.
        case .createOrder: 256 * 1024
        case .pay, .refund, .close: 16 * 1024
        case .notify: ChannelNotifyEndpoint.bodyLimit
        case .listOrders, .getOrder, .getPayment, .getPaymentByChannelSerial, .metrics, .healthz, .readyz: 0
        }
    }

    /// What a request's method and path found.
    enum Match: Equatable {
        case route(APIRoute, [String: String])
        /// The path is known, the method is not one it takes.
        case methodNotAllowed(allow: [String])
        case notFound
    }

    /// Matches a path as sent (percent-escapes left in place): segments are split first, then
    /// decoded, so an order no holding `/` travels as `%2F`. A segment that does not decode, or
    /// an empty one (`//`, a trailing `/`), matches nothing.
    static func match(method: String, path: String) -> Match {
        guard path.hasPrefix("/") else { return .notFound }
        var segments: [String] = []
        for raw in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            guard !raw.isEmpty, let decoded = String(raw).removingPercentEncoding, !decoded.isEmpty else { return .notFound }
            segments.append(decoded)
        }
        var allowed: [String] = []
        var found: (APIRoute, [String: String])?
        for route in allCases {
            guard let parameters = route.bind(segments) else { continue }
            if route.method == method {
                found = (route, parameters)
            } else {
                allowed.append(route.method)
            }
        }
        if let found { return .route(found.0, found.1) }
        if allowed.isEmpty { return .notFound }
        return .methodNotAllowed(allow: Array(Set(allowed)).sorted())
    }

    private func bind(_ segments: [String]) -> [String: String]? {
        guard segments.count == pattern.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(pattern, segments) {
            if part.hasPrefix("{") {
                parameters[String(part.dropFirst().dropLast())] = segment
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}
