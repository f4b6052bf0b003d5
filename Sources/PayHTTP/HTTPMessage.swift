import Foundation
import PayCore

/// One HTTP request as the server hands it to a handler: the whole body read (within the route's
/// limit), headers with lower-cased names, and the request id the log line and the answer carry.
public struct HTTPRequest: Sendable {
    public let method: String
    /// The path without the query string, as sent (percent-escapes left in place).
    public let path: String
    /// The query string's pairs, decoded, in order.
    public let query: [(name: String, value: String)]
    /// Header names lower-cased; a repeated header keeps its values joined by ", ".
    public let headers: [String: String]
    public let body: [UInt8]
    /// The client's address ("127.0.0.1"), for per-client limits and the log.
    public let remoteAddress: String
    public let requestId: String
    /// The request target as sent: the path and the query string (`/v1/orders?limit=2`), escapes in
    /// place — what a request signature covers. Built from `path` and `query` when not given.
    public let target: String

    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
                body: [UInt8] = [], remoteAddress: String = "127.0.0.1", requestId: String = "", target: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestId = requestId
        self.target = target ?? HTTPRequest.target(path: path, query: query)
    }

    /// `path` or `path?query` with each name and value percent-encoded except RFC 3986's unreserved
    /// characters (`A–Z a–z 0–9 - . _ ~`), hex in upper case: the target of a request made in
    /// process, and the one form a client can always send and sign.
    public static func target(path: String, query: [(name: String, value: String)]) -> String {
        guard !query.isEmpty else { return path }
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let escape = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text }
        return path + "?" + query.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// The answer to one request.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names as they are to be sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// What answers requests: the /v1 API, the channels' notify endpoints, the operations endpoints.
/// Called on the server's handler threads, several at once.
public protocol HTTPHandler: Sendable {
    /// The largest body accepted for this method and path, in bytes; a larger one is answered 413
    /// before it is read.
    func bodyLimit(method: String, path: String) -> Int
    func handle(_ request: HTTPRequest) -> HTTPResponse
}
