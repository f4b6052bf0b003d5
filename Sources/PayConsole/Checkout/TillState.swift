import PayCore
import PayServices

/// The till after payment, on the checkout screen: a paid sale loaded (its receipt, refund, void
/// and reprint), choosing the items of a refund, or waiting for the service's answer.
struct TillState {
    enum Mode: Equatable {
        /// The sale and its receipt; R refunds, V voids, P reprints.
        case viewing
        /// Choosing items and quantities to refund (`chosen`, by item position).
        case choosing
        /// A call to the services is on its way.
        case working(String)
    }

    var sale: TillSale
    var mode: Mode = .viewing
    /// The receipt shown in place of the items: the sale's, or the refund just made.
    var receipt: Receipt
    /// Quantities to refund by item position (choosing).
    var chosen: [Int: Int64] = [:]
    var cursor = 0
    /// The refund last sent whose answer said nothing final (the same request again replays it
    /// under this key, never refunding twice): the items, the reason and the key.
    var pending: (lines: [RefundLineRequest], reason: String?, key: String)?

    init(sale: TillSale, cashier: String) {
        self.sale = sale
        receipt = Receipt(sale: sale, cashier: cashier, reprint: false)
    }

    /// The items chosen, in item order, leaving out zeros.
    var chosenLines: [RefundLineRequest] {
        chosen.keys.sorted().compactMap { position in
            guard let quantity = chosen[position], quantity > 0 else { return nil }
            return RefundLineRequest(position: position, quantity: quantity)
        }
    }

    /// What the chosen items come to (the service says the same and is the one that decides).
    var chosenAmount: Money {
        var total = Money.zero(sale.order.amount.currency)
        for line in chosenLines {
            let item = sale.order.items[line.position]
            if let amount = try? item.unitPrice.multiplied(by: line.quantity), let sum = try? total.adding(amount) { total = sum }
        }
        return total
    }

    mutating func change(by delta: Int64) {
        guard sale.order.items.indices.contains(cursor) else { return }
        let next = (chosen[cursor] ?? 0) + delta
        chosen[cursor] = min(max(0, next), sale.refundable(cursor))
    }

    mutating func chooseAll() {
        for position in sale.order.items.indices { chosen[position] = sale.refundable(position) }
    }
}
