import PayCore
import PayStore
import PayServices

extension ParsedArguments {
    /// `--business` (which must exist in the store) and `--amount` in `--currency`, else in the
    /// business line's own currency: what `order create`, `route explain` and `risk test` share.
    func businessAndAmount(_ context: ServiceContext) throws(PayError) -> (line: BusinessLine, amount: Money) {
        let code = try BusinessLineCode(try required("business"), field: "--business")
        let amountText = try required("amount")
        let store = context.store
        let line = try store.read { try store.businessLines.require(code) }
        let currency = try value("currency").map { text throws(PayError) in try Currency.parse(text, field: "--currency") }
            ?? line.defaultCurrency
        return (line, try Money.parse(amountText, currency: currency, field: "--amount"))
    }
}
