/// What the checkout screen puts in the payment section: styled lines, and the line where the
/// scan field goes (when the scan field is live).
public struct PaymentPanel: Sendable {
    public struct Line: Sendable {
        public var text: String
        public var style: String
        public init(_ text: String, _ style: String = "body") { self.text = text; self.style = style }
    }
    public var lines: [Line]
    public var scanLine: Int?
    public var footer: Line?
    /// The receipt to show in place of the line items, once paid.
    public var receipt: [String]?
    /// A pay code for the customer to scan (a URL): drawn under the lines as a QR code with the
    /// URL under it, or the URL alone when the QR does not fit.
    public var payCode: String?

    public init(lines: [Line] = [], scanLine: Int? = nil, footer: Line? = nil, receipt: [String]? = nil, payCode: String? = nil) {
        self.lines = lines
        self.scanLine = scanLine
        self.footer = footer
        self.receipt = receipt
        self.payCode = payCode
    }
}
