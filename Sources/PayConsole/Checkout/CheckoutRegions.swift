import TUIKit

/// Where a layout put the parts the screen fills in itself (text fields).
public struct CheckoutRegions: Sendable {
    public var entryRow: Rect?
    public var scanField: Rect?
    public var itemsArea: Rect
    /// Inside the payment box: where a pay code's QR goes, under the panel's lines.
    public var paymentArea: Rect?
}
