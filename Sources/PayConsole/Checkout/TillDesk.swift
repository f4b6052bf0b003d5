import PayCore
import PayServices

/// What the till asks of the services after a sale is paid: finding a sale (saying when it is
/// another operator's), today's sales, refunds by items and voids, and printing receipts. Every
/// call names the operator it acts as. Calls are `async`: the screen runs them through
/// `ConsoleApp.perform`, so a refund's channel call never runs on the console's loop.
public protocol TillDesk: Sendable {
    /// The order one identifier names, as `operator` may see it; another operator's sale is
    /// refused as such (`notPermitted`), not as missing.
    func find(_ identifier: String, operator: Actor) async throws(PayError) -> Order
    /// The sale with its payments, refunds and refund lines.
    func sale(orderId: Int64, operator: Actor) async throws(PayError) -> TillSale
    /// The operator's sales of today, newest first.
    func todaysSales(operator: Actor) async throws(PayError) -> [Order]
    /// The amount a refund of these items comes to, and the words saying a supervisor must
    /// approve it (nil: within the operator's limit). Other refusals are thrown.
    func check(_ sale: TillSale, lines: [RefundLineRequest], operator: Actor) async throws(PayError) -> (amount: Money, approval: String?)
    /// The items a void gives back (every one not refunded yet), or why the sale cannot be voided.
    func voidLines(_ sale: TillSale, operator: Actor) async throws(PayError) -> [RefundLineRequest]
    /// Refunds the items under `key` (the same key replays the first answer); the sale as it is after.
    func refund(orderId: Int64, lines: [RefundLineRequest], approver: Actor?, reason: String?, key: String,
                operator: Actor) async throws(PayError) -> (refund: Refund, sale: TillSale)
    /// Saves the receipt in `directory` and prints it on `output`; the path and where it printed.
    func print(_ receipt: ReceiptDocument, directory: String, output: ReceiptOutput) async throws(PayError) -> (path: String, printedOn: String?)
}
