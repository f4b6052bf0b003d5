/// A customer id as an order keeps it (a member no, a phone): checked like every identifier a
/// person types, and a card number typed into it masked, as when the order was created.
public enum CustomerId {
    public static func validated(_ text: String) throws(PayError) -> String {
        try IdentifierRules.check(text, field: "customer", maxLength: 64)
        return CardNumberMask.mask(text)
    }
}
