import PayCore

/// The insurance counter: policyholder, insured person and cover period; the policy number is
/// issued once the order is paid (`InsurancePolicy`).
public final class InsuranceCheckoutLayout: CheckoutLayout {
    override public var name: String { "insurance" }
    override public var businessTitle: String { "Policy" }
    override public var orderPrefix: String { "I" }
    override public var fields: [CheckoutField] { CheckoutField.fields(layout: name) }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        var cover = InsuranceCover()
        if case .insurance(let typed) = sale.details { cover = typed }
        let period = cover.coverFrom == nil && cover.coverTo == nil ? "—"
            : "\(cover.coverFrom?.description ?? "?") → \(cover.coverTo?.description ?? "?")"
        let policy = sale.order.flatMap { InsurancePolicy.number(for: $0, details: sale.details) } ?? "issued after payment"
        return [("Holder", cover.holder ?? "—"), ("Insured", cover.insured ?? cover.holder ?? "—"), ("Cover", period), ("Policy no", policy)]
    }
}
