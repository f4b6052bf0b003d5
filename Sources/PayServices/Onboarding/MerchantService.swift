import PayCore
import PayStore

/// The merchants the center collects for: added, listed, disabled and enabled again by an admin.
/// Every change is checked first, guarded, and audited.
public struct MerchantService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    public func all() throws(PayError) -> [Merchant] {
        let store = context.store
        return try store.read { try store.merchants.all() }
    }

    /// The merchant, or `notFound` naming the known ones.
    public func require(_ id: String) throws(PayError) -> Merchant {
        let store = context.store
        return try store.read { try Self.require(id, in: store) }
    }

    /// Adds an active merchant. `invalidInput` naming the field for a bad id or name; `conflict`
    /// when the id is taken.
    @discardableResult
    public func add(_ draft: MerchantDraft) throws(PayError) -> Merchant {
        try Authorizer.require(.manageMerchants, actor: context.actor)
        let id = try OnboardingRules.code(draft.id, field: "merchant id")
        let name = try OnboardingRules.name(draft.name, field: "--name")
        let contact = try OnboardingRules.text(draft.contact, field: "--contact", maxLength: 200)
        let merchant = Merchant(id: id, name: name, contact: contact, status: .active)
        let store = context.store
        try store.write {
            if try store.merchants.find(id) != nil { throw PayError.conflict("merchant '\(id)' exists already") }
            try store.merchants.insert(merchant, at: context.now)
            try AuditLog(context).append(actor: context.actor, action: "merchant.add", target: "merchant:\(id)",
                                         detail: "name \(name)")
        }
        return merchant
    }

    /// Disables the merchant: its business lines take no new orders and routing skips its accounts.
    public func disable(_ id: String) throws(PayError) { try move(id, to: .disabled) }

    /// Serves a disabled merchant again.
    public func enable(_ id: String) throws(PayError) { try move(id, to: .active) }

    private func move(_ id: String, to status: MerchantStatus) throws(PayError) {
        try Authorizer.require(.manageMerchants, actor: context.actor)
        let from: MerchantStatus = status == .active ? .disabled : .active
        let store = context.store
        try store.write {
            let merchant = try Self.require(id, in: store)
            guard try store.merchants.setStatus(id, from: from, to: status) else {
                throw PayError.conflict("merchant '\(id)' is \(merchant.status.rawValue.lowercased()) already")
            }
            try AuditLog(context).append(actor: context.actor, action: status == .active ? "merchant.enable" : "merchant.disable",
                                         target: "merchant:\(id)")
        }
    }

    static func require(_ id: String, in store: Store) throws -> Merchant {
        if let merchant = try store.merchants.find(id) { return merchant }
        let known = try store.merchants.all().map(\.id).joined(separator: ", ")
        throw PayError.notFound("merchant '\(id)': unknown (known: \(known.isEmpty ? "none; add one with `paydesk merchant add`" : known))")
    }
}

/// The checks every onboarding input goes through, with the field named in the message.
enum OnboardingRules {
    /// An id: 1–32 lower-case letters, digits or '-'.
    static func code(_ text: String, field: String) throws(PayError) -> String {
        guard !text.isEmpty, text.count <= 32,
              text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw PayError.invalidInput("\(field) '\(text)': use 1–32 lower-case letters, digits or '-'")
        }
        return text
    }

    /// A display name: 1–80 characters, no control characters, trimmed.
    static func name(_ text: String, field: String) throws(PayError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw PayError.invalidInput("\(field): must not be empty") }
        return try self.text(trimmed, field: field, maxLength: 80)
    }

    /// Free text without control characters, at most `maxLength` characters.
    static func text(_ text: String, field: String, maxLength: Int) throws(PayError) -> String {
        guard text.count <= maxLength else { throw PayError.invalidInput("\(field): at most \(maxLength) characters (got \(text.count))") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PayError.invalidInput("\(field) '\(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined())': no control characters")
        }
        return text
    }

    static func currency(_ text: String, field: String) throws(PayError) -> Currency {
        try Currency.parse(text, field: field)
    }

    /// Comma-separated methods; empty: all methods.
    static func methods(_ text: String, field: String) throws(PayError) -> [PaymentMethod] {
        var methods: [PaymentMethod] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces)
            if name.isEmpty && text.isEmpty { break }
            guard !name.isEmpty else { throw PayError.invalidInput("\(field) '\(text)': an empty method between commas") }
            let method = try PaymentMethod.parse(name, field: field)
            if !methods.contains(method) { methods.append(method) }
        }
        return methods
    }

    /// A whole number in `range`, from text; empty gives 0.
    static func integer(_ text: String, field: String, in range: ClosedRange<Int64>) throws(PayError) -> Int64 {
        if text.isEmpty { return 0 }
        guard let value = Int64(text), range.contains(value) else {
            throw PayError.invalidInput("\(field) '\(text)': a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}
