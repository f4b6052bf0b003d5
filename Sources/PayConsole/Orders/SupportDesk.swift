import PayCore
import PayServices

/// What the support screens (orders, detail, raw viewer, repair dialogs) may ask of the service
/// layer: the order browser, the timeline and the repair desk, as the operator logged in. The
/// composition root adapts the real services to it; the screens never see the store.
///
/// Calls that reach the store are `async`: a screen runs them through `ConsoleApp.perform`, so the
/// loop never blocks on a query. Parsing a filter and pretty-printing a raw record are pure.
public protocol SupportDesk: Sendable {
    /// Parses a filter line; a bad one throws `invalidInput` starting "filter column N: …".
    func parseFilter(_ text: String) throws(PayError) -> OrderQuery
    /// One page of orders matching `query`, newest first (only the operator's own sales for a cashier).
    func page(_ query: OrderQuery, at position: BrowsePosition, limit: Int) async throws(PayError) -> OrderPage
    /// The orders with these ids as they are now (rows refreshed in place), in any order.
    func reload(ids: [Int64]) async throws(PayError) -> [Order]
    /// Writes the filtered list as CSV to `path`; returns the number of orders written.
    func exportCSV(_ query: OrderQuery, toFile path: String) async throws(PayError) -> Int
    /// The operator's saved views.
    func savedViews() async throws(PayError) -> [SavedView]
    func saveView(name: String, query: String) async throws(PayError)
    func deleteView(name: String) async throws(PayError)

    /// The order with its attempts and refunds.
    func detail(orderId: Int64) async throws(PayError) -> OrderDetail
    /// Everything that happened to the order, in time order, with overdue rows.
    func timeline(orderId: Int64) async throws(PayError) -> [TimelineEntry]
    /// A raw callback or channel call, masked.
    func raw(_ id: RawRecordID) async throws(PayError) -> RawRecord
    /// The record's body for the viewer: pretty JSON, or form fields as "name  value" rows.
    func prettyLines(_ record: RawRecord) -> [String]

    /// The repair actions the operator may take on the order now.
    func actions(orderId: Int64) async throws(PayError) -> [RepairAction]
    /// What the action would change (a refusal says why it cannot be taken).
    func preview(_ action: RepairAction, orderId: Int64) async throws(PayError) -> RepairPreview
    /// Takes the action; a conflict (`PayError.Kind.conflict`) means the order moved since the preview.
    func perform(_ request: RepairRequest, orderId: Int64) async throws(PayError) -> RepairResult
}

extension RepairAction {
    /// The action's name in the action menu.
    public var menuTitle: String {
        switch self {
        case .refund(_, let amount?): return "Refund \(amount.displayString)"
        case .refund: return "Refund"
        case .queryChannel: return "Query the channel now"
        case .close: return "Close the order"
        case .resendNotification: return "Resend the merchant notification"
        case .holdDuplicateRefund(let payment): return "Hold the duplicate refund of \(payment)"
        case .releaseDuplicateRefund(let payment): return "Release the duplicate refund of \(payment)"
        case .settleByHand(let payment, let outcome): return "Settle \(payment) by hand as \(outcome.rawValue)"
        }
    }

    /// Whether the operator may choose the amount (a refund).
    var isRefund: Bool {
        if case .refund = self { return true }
        return false
    }
}
