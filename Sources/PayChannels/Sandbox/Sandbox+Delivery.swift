import Foundation
import PayCore
import PayStore

/// Where the sandbox PSPs send their callbacks: in-process to the center's callback service (the
/// default), or by HTTP POST to `{base}/notify/{channel}/{account}` — the real path through
/// `paydesk serve`, as a channel would. Kept in the sandbox's own file (`sandbox_settings`).
extension Sandbox {
    /// The longest base URL accepted.
    public static let maxCallbackBaseLength = 2048

    /// The base URL callbacks are POSTed to, or nil when they are delivered in-process.
    public func callbacksTo() throws(PayError) -> String? {
        try read {
            try db.row("SELECT value FROM sandbox_settings WHERE channel = '' AND account = '' AND name = 'callbacks_to'")
                .map { $0.string("value") }
        }
    }

    /// Sends callbacks by HTTP to `base` (an http(s) URL without query or fragment; a trailing
    /// `/` is dropped), or in-process again when nil. Returns the base as kept.
    @discardableResult
    public func setCallbacksTo(_ base: String?) throws(PayError) -> String? {
        guard let base else {
            try write { () throws -> Void in
                try db.execute("DELETE FROM sandbox_settings WHERE channel = '' AND account = '' AND name = 'callbacks_to'")
            }
            return nil
        }
        let kept = try Self.callbackBase(base)
        try write { () throws -> Void in
            try db.execute("""
                INSERT INTO sandbox_settings (channel, account, name, value) VALUES ('', '', 'callbacks_to', ?)
                ON CONFLICT (channel, account, name) DO UPDATE SET value = excluded.value
                """, [kept])
        }
        return kept
    }

    /// The checked base URL, or `invalidInput` naming what is wrong.
    public static func callbackBase(_ text: String) throws(PayError) -> String {
        func bad(_ why: String) -> PayError { PayError.invalidInput("URL '\(text.prefix(80))': \(why)") }
        guard text.utf8.count <= maxCallbackBaseLength else { throw bad("longer than \(maxCallbackBaseLength) bytes") }
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw bad("must be an http:// or https:// URL")
        }
        guard let host = url.host, !host.isEmpty else { throw bad("has no host") }
        guard url.query == nil, url.fragment == nil, url.user == nil, url.password == nil else {
            throw bad("must have no query, fragment or credentials (the sandbox appends /notify/{channel}/{account})")
        }
        var kept = text
        while kept.hasSuffix("/") { kept.removeLast() }
        return kept
    }

    /// `{base}/notify/{channel}/{account}`.
    public static func callbackURL(base: String, channel: String, account: String) -> String {
        "\(base)/notify/\(channel)/\(account)"
    }
}
