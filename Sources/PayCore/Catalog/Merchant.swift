/// A company the center collects for (a property company, a hotel group): it owns business lines
/// and channel accounts. A disabled merchant's lines take no new orders.
public struct Merchant: Hashable, Sendable {
    public let id: String
    public let name: String
    /// Who to call about it: free text (a person, a phone, an e-mail).
    public let contact: String
    public let status: MerchantStatus

    public init(id: String, name: String, contact: String, status: MerchantStatus) {
        self.id = id
        self.name = name
        self.contact = contact
        self.status = status
    }
}

/// Whether a merchant is served.
public enum MerchantStatus: String, Sendable, CaseIterable {
    case active = "ACTIVE"
    case disabled = "DISABLED"
}
