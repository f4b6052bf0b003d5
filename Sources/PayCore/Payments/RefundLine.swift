/// One item a refund gives back: the order's item at `position` (0-based, in the order's item
/// order), how many of it, and the money for them (quantity × unit price).
public struct RefundLine: Hashable, Sendable {
    public let position: Int
    public let name: String
    public let quantity: Int64
    public let amount: Money

    public init(position: Int, name: String, quantity: Int64, amount: Money) {
        self.position = position
        self.name = name
        self.quantity = quantity
        self.amount = amount
    }
}

extension RefundLine {
    /// "items 1× 小笼包, 2× 珍珠奶茶": what a refund gave back, for the timeline, the audit and `query`.
    public static func describe(_ lines: [RefundLine]) -> String {
        "items " + lines.map { "\($0.quantity)× \($0.name)" }.joined(separator: ", ")
    }
}

/// What a refund by items asks for: the item at `position` and how many of it.
public struct RefundLineRequest: Hashable, Sendable {
    public let position: Int
    public let quantity: Int64

    public init(position: Int, quantity: Int64) {
        self.position = position
        self.quantity = quantity
    }
}

extension RefundLineRequest {
    /// The lines priced from the order's items, in position order; a position the order lacks, a
    /// quantity below 1 or above the item's, or a position named twice is refused saying which.
    /// Nothing here knows what was refunded before: the store's guarded update decides that.
    public static func priced(_ requests: [RefundLineRequest], items: [LineItem]) throws(PayError) -> [RefundLine] {
        guard !requests.isEmpty else { throw PayError.invalidInput("refund lines: choose at least one item") }
        var seen = Set<Int>()
        var lines: [RefundLine] = []
        for request in requests.sorted(by: { $0.position < $1.position }) {
            guard items.indices.contains(request.position) else {
                throw PayError.invalidInput("refund line \(request.position + 1): the order has \(items.count) item\(items.count == 1 ? "" : "s")")
            }
            guard seen.insert(request.position).inserted else {
                throw PayError.invalidInput("refund line \(request.position + 1): named twice")
            }
            let item = items[request.position]
            guard (1...item.quantity).contains(request.quantity) else {
                throw PayError.invalidInput("refund line \(request.position + 1) '\(item.name)': quantity \(request.quantity) must be 1 to \(item.quantity)")
            }
            let amount = try item.unitPrice.multiplied(by: request.quantity)
            lines.append(RefundLine(position: request.position, name: item.name, quantity: request.quantity, amount: amount))
        }
        return lines
    }
}
