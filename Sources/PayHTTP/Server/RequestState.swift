import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the server keeps about one request between libmicrohttpd's calls (its `*con_cls`): made
/// when the request line arrives, released when the request completes or the client goes away.
/// Only the one pool thread serving the connection touches it.
final class RequestState {
    /// The request target as sent: path and query string, escapes in place.
    let target: String
    var remoteAddress: String
    let started: Double
    /// The first call (headers complete) has been made and the request admitted or rejected.
    var admitted = false
    var requestId = ""
    var headers: [String: String] = [:]
    var bodyLimit = 0
    var body: [UInt8] = []
    /// An answer decided while the body was still arriving (413 for a chunked body past the
    /// limit), sent when the body ends; the rest of the body is read and dropped.
    var rejection: HTTPResponse?
    var discarded = 0

    init(target: String, remoteAddress: String, started: Double) {
        self.target = target
        self.remoteAddress = remoteAddress
        self.started = started
    }

    /// The path part of the target ("/" when the target has none).
    var path: String {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return path.isEmpty ? "/" : path
    }

    /// The query string's pairs, `+` and percent-escapes decoded (a malformed escape stays as sent).
    var query: [(name: String, value: String)] {
        guard let mark = target.firstIndex(of: "?") else { return [] }
        return target[target.index(after: mark)...].split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// A proxy-supplied client address when it is a valid IPv4 or IPv6 literal.
    static func proxiedClient(_ header: String?) -> String? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 ? text : nil
    }

    /// The client's `X-Request-Id` when it is sane (1–64 of `A-Z a-z 0-9 . _ -`), else a fresh
    /// random 16-hex id.
    static func requestId(from header: String?) -> String {
        if let header, (1...64).contains(header.utf8.count),
           header.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
               || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }) {
            return header
        }
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
