import PayCore
import PayStore

/// Business-line settings that only an admin changes: where merchant notifications go.
public struct BusinessLineService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public func all() throws(PayError) -> [BusinessLine] {
        let store = context.store
        return try store.read { try store.businessLines.all() }
    }

    /// Sets the notify URL (empty: off) and/or the HMAC secret; nil leaves one unchanged. Audited.
    public func setNotification(_ code: BusinessLineCode, url: String?, secret: String?) throws(PayError) {
        try Authorizer.require(.manageBusinessLines, actor: context.actor)
        if let url, !url.isEmpty, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw PayError.invalidInput("--notify-url '\(url)': must start with http:// or https://")
        }
        let store = context.store
        let sealed = try secret.map { (secret: String) throws(PayError) in try Self.sealNotifySecret(secret, line: code, storePath: store.path) }
        try store.write {
            _ = try store.businessLines.require(code)
            try store.businessLines.updateNotify(code, url: url, secret: sealed, at: context.now)
            var changes: [String] = []
            if let url { changes.append("notify URL \(url.isEmpty ? "off" : url)") }
            if secret != nil { changes.append("secret changed") }
            try AuditLog(context).append(actor: context.actor, action: "business.notify", target: "business:\(code)",
                                         detail: changes.joined(separator: ", "))
        }
    }
}
