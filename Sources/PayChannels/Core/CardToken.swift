/// What the center keeps of a card: the acquirer's token, the first 6 and the last 4 digits.
public struct CardToken: Hashable, Sendable {
    public let token: String
    public let first6: String
    public let last4: String
    public let brand: String

    public init(token: String, first6: String, last4: String, brand: String) {
        self.token = token
        self.first6 = first6
        self.last4 = last4
        self.brand = brand
    }
}
