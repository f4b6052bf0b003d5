/// The insurance counter: policyholder, insured person, cover period and policy number.
public final class InsuranceCheckoutLayout: CheckoutLayout {
    override public var name: String { "insurance" }
    override public var businessTitle: String { "Policy" }
    override public var orderPrefix: String { "I" }
    override public var fields: [CheckoutField] {
        [CheckoutField("holder", "Policyholder"), CheckoutField("insured", "Insured"),
         CheckoutField("cover", "Cover period", placeholder: "2026-12-01 → 2026-12-31"), CheckoutField("policy", "Policy no")]
    }

    override public func businessBlock(_ sale: CheckoutSale) -> [(String, String)] {
        [("Holder", sale.attribute("holder") ?? "—"), ("Insured", sale.attribute("insured") ?? sale.attribute("holder") ?? "—"),
         ("Cover", sale.attribute("cover") ?? "—"), ("Policy no", sale.attribute("policy") ?? "issued after payment")]
    }
}
