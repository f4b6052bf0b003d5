/// A receipt as a printer takes it: lines of text, some bold, laid out for `width` columns of the
/// roll (display columns: a CJK character takes two). The console renders it (`Receipt`); the
/// `ReceiptPrinter` writes it to a file, a CUPS queue or an ESC/POS device.
public struct ReceiptDocument: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var text: String
        public var bold: Bool
        public init(_ text: String, bold: Bool = false) {
            self.text = text
            self.bold = bold
        }
    }

    public var lines: [Line]
    /// The file name it is saved under (without directory): `<order no>-<serial>.txt`.
    public var fileName: String

    public init(lines: [Line], fileName: String) {
        self.lines = lines
        self.fileName = fileName
    }

    /// The plain text, one line a line, ending in a newline.
    public var text: String { lines.map(\.text).joined(separator: "\n") + "\n" }
}
