import PayChannels
import PayCore
import PayStore

extension BusinessLineService {
    /// The checkout layouts the console has, by name.
    public static let layouts = ["retail", "hotel", "flight", "ticket", "insurance"]

    /// The lines of one merchant.
    public func lines(ofMerchant merchantId: String) throws(PayError) -> [BusinessLine] {
        let store = context.store
        return try store.read { try store.businessLines.forMerchant(merchantId) }
    }

    /// Adds a business line of an active merchant. Admin only, audited. `invalidInput` naming
    /// the field for bad input; `conflict` when the code is taken or the merchant is disabled.
    @discardableResult
    public func add(_ draft: BusinessLineDraft) throws(PayError) -> BusinessLine {
        try Authorizer.require(.manageBusinessLines, actor: context.actor)
        let code = try BusinessLineCode(draft.code, field: "business line")
        let name = try OnboardingRules.name(draft.name, field: "--name")
        let layout = try Self.layout(draft.layout)
        let currency = try OnboardingRules.currency(draft.currency, field: "--currency")
        let methods = try OnboardingRules.methods(draft.methods, field: "--methods")
        let merchantId = try OnboardingRules.code(draft.merchantId, field: "--merchant")
        let line = BusinessLine(code: code, name: name, layout: layout, defaultCurrency: currency, allowedMethods: methods,
                                merchantId: merchantId)
        let store = context.store
        try store.write {
            let merchant = try MerchantService.require(merchantId, in: store)
            guard merchant.status == .active else {
                throw PayError.conflict("merchant '\(merchantId)' is disabled; enable it before adding lines")
            }
            if try store.businessLines.find(code) != nil { throw PayError.conflict("business line '\(code)' exists already") }
            try store.businessLines.insert(line, at: context.now)
            try AuditLog(context).append(actor: context.actor, action: "business.add", target: "business:\(code)",
                                         detail: "merchant \(merchantId), layout \(layout), \(currency.code), methods \(methods.isEmpty ? "all" : methods.map(\.rawValue).joined(separator: ","))")
        }
        return line
    }

    /// Changes a line's name, layout, currency, methods, notify URL or secret; nil fields stay. Admin
    /// only, guarded against a concurrent change, audited with what changed.
    @discardableResult
    public func update(_ code: BusinessLineCode, _ changes: BusinessLineChanges) throws(PayError) -> BusinessLine {
        try Authorizer.require(.manageBusinessLines, actor: context.actor)
        guard !changes.isEmpty else { throw PayError.usage("business set \(code): nothing to change") }
        let name = try changes.name.map { (text: String) throws(PayError) in try OnboardingRules.name(text, field: "--name") }
        let layout = try changes.layout.map { (text: String) throws(PayError) in try Self.layout(text) }
        let currency = try changes.currency.map { (text: String) throws(PayError) in try OnboardingRules.currency(text, field: "--currency") }
        let methods = try changes.methods.map { (text: String) throws(PayError) in try OnboardingRules.methods(text, field: "--methods") }
        if let url = changes.notifyURL { try Self.checkNotifyURL(url) }
        let store = context.store
        let sealed = try changes.notifySecret.map { (secret: String) throws(PayError) in try Self.sealNotifySecret(secret, line: code, storePath: store.path) }
        return try store.write {
            let old = try store.businessLines.require(code)
            let new = BusinessLine(code: code, name: name ?? old.name, layout: layout ?? old.layout,
                                   defaultCurrency: currency ?? old.defaultCurrency, allowedMethods: methods ?? old.allowedMethods,
                                   notifyURL: old.notifyURL, notifySecret: old.notifySecret, merchantId: old.merchantId)
            var said: [String] = []
            if new.name != old.name { said.append("name \(new.name)") }
            if new.layout != old.layout { said.append("layout \(new.layout)") }
            if new.defaultCurrency != old.defaultCurrency { said.append("currency \(new.defaultCurrency.code)") }
            if new.allowedMethods != old.allowedMethods {
                said.append("methods \(new.allowedMethods.isEmpty ? "all" : new.allowedMethods.map(\.rawValue).joined(separator: ","))")
            }
            if new != old {
                guard try store.businessLines.update(from: old, to: new) else {
                    throw PayError.conflict("business line '\(code)' was changed by someone else meanwhile; look again and retry")
                }
            }
            if let url = changes.notifyURL, url != old.notifyURL {
                try store.businessLines.updateNotify(code, url: url, secret: nil, at: context.now)
                said.append("notify URL \(url.isEmpty ? "off" : url)")
            }
            if let secret = sealed {
                try store.businessLines.updateNotify(code, url: nil, secret: secret, at: context.now)
                said.append("notify secret changed")
            }
            if !said.isEmpty {
                try AuditLog(context).append(actor: context.actor, action: "business.set", target: "business:\(code)",
                                             detail: said.joined(separator: ", "))
            }
            return try store.businessLines.require(code)
        }
    }

    /// The longest notify secret a line takes.
    public static let maxNotifySecretLength = 256

    /// Checks a new notify secret and seals it (an empty one stays empty: no signature key). The key
    /// file missing or damaged refuses it naming the file, before anything is written.
    static func sealNotifySecret(_ secret: String, line: BusinessLineCode, storePath: String) throws(PayError) -> String {
        guard secret.count <= maxNotifySecretLength else {
            throw PayError.invalidInput("notify secret: at most \(maxNotifySecretLength) characters (got \(secret.count))")
        }
        guard !secret.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PayError.invalidInput("notify secret: no control characters (one line of text)")
        }
        if secret.isEmpty { return "" }
        return try LineSecrets.seal(secret, line: line, field: LineSecrets.notifyField, storePath: storePath)
    }

    /// Seals every notify secret and API secret still kept in plaintext (stores from before
    /// schema 23), each by a compare-and-set, audited (`business.seal`, never the value). Needs the
    /// key file; `paydesk init` runs it. Returns the codes of the lines it sealed.
    @discardableResult
    public func sealPlaintextSecrets() throws(PayError) -> [String] {
        try Authorizer.require(.manageStore, actor: context.actor)
        let store = context.store
        let lines = try store.read { () throws -> [(BusinessLine, [APISecretRecord])] in
            try store.businessLines.all().map { ($0, try store.apiSecrets.all($0.code)) }
        }
        var sealedLines: [String] = []
        for (line, secrets) in lines {
            let plainNotify = !line.notifySecret.isEmpty && !ConfigSeal.isSealed(line.notifySecret)
            let plainAPI = secrets.filter { !ConfigSeal.isSealed($0.secret) }
            guard plainNotify || !plainAPI.isEmpty else { continue }
            let notify = plainNotify ? try LineSecrets.seal(line.notifySecret, line: line.code, field: LineSecrets.notifyField, storePath: store.path) : nil
            let api = try plainAPI.map { (record) throws(PayError) in
                (record, try LineSecrets.seal(record.secret, line: line.code, field: LineSecrets.apiField(record.id), storePath: store.path))
            }
            try store.write {
                var said: [String] = []
                if let notify {
                    guard try store.businessLines.replaceNotifySecret(line.code, expected: line.notifySecret, with: notify) else {
                        throw PayError.conflict("business line '\(line.code)': its notify secret changed meanwhile; run again")
                    }
                    said.append("notify secret")
                }
                for (record, sealed) in api {
                    guard try store.apiSecrets.replaceSecret(line.code, id: record.id, expected: record.secret, with: sealed) else {
                        throw PayError.conflict("business line '\(line.code)': API secret \(record.id) changed meanwhile; run again")
                    }
                    said.append("API secret \(record.id)")
                }
                try AuditLog(context).append(actor: context.actor, action: "business.seal", target: "business:\(line.code)",
                                             detail: "sealed \(said.joined(separator: ", "))")
            }
            sealedLines.append(line.code.rawValue)
        }
        return sealedLines
    }

    /// The plaintext secrets of each line, by line code (for `paydesk check`): its notify secret
    /// and its API secrets, expired ones included (their text is a secret still).
    static func plaintextSecrets(in store: Store) throws -> [(line: BusinessLineCode, fields: [String])] {
        try store.businessLines.all().compactMap { line in
            var fields: [String] = []
            if !line.notifySecret.isEmpty && !ConfigSeal.isSealed(line.notifySecret) { fields.append("its notify secret") }
            fields += try store.apiSecrets.all(line.code).filter { !ConfigSeal.isSealed($0.secret) }.map { "API secret \($0.id)" }
            return fields.isEmpty ? nil : (line.code, fields)
        }
    }

    static func layout(_ text: String) throws(PayError) -> String {
        guard layouts.contains(text) else {
            throw PayError.invalidInput("--layout '\(text)': unknown layout (known: \(layouts.joined(separator: ", ")))")
        }
        return text
    }

    static func checkNotifyURL(_ url: String) throws(PayError) {
        if !url.isEmpty, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw PayError.invalidInput("--notify-url '\(url)': must start with http:// or https://")
        }
    }
}
