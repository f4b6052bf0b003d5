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
        if let secret = changes.notifySecret, secret.count > 256 { throw PayError.invalidInput("--notify-secret: at most 256 characters") }
        let store = context.store
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
            if let secret = changes.notifySecret {
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
