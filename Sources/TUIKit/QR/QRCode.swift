import CQRencode

/// A QR Code symbol (ISO/IEC 18004) as a square of dark and light modules, encoded by libqrencode
/// (never by our own code). The text goes in byte mode, so a URL comes back byte for byte.
public struct QRCode: Hashable, Sendable {
    /// How much of the symbol may be damaged and still read: more correction, a larger symbol.
    public enum Correction: Hashable, Sendable, CaseIterable {
        case low, medium, quartile, high

        var level: QRecLevel {
            switch self {
            case .low: QR_ECLEVEL_L
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// The symbol's version (1–40): its size is 17 + 4 × version modules a side.
    public let version: Int
    /// Modules a side, without the quiet zone.
    public let size: Int
    public let correction: Correction
    private let dark: [Bool]

    /// Encodes `text` (nil when it is empty or too long for any version at this correction, or when
    /// libqrencode cannot be loaded: the pay code is then shown as text alone, as when it does not fit).
    public init?(_ text: String, correction: Correction = .medium) {
        guard !text.isEmpty else { return nil }
        // why case-sensitive byte mode (QR_MODE_8): a pay code URL must come back exactly as it went in.
        guard let library = Self.library, let code = library.encode_string(text, 0, correction.level, QR_MODE_8, 1) else { return nil }
        defer { library.free_code(code) }
        let width = Int(code.pointee.width)
        var modules = [Bool](repeating: false, count: width * width)
        for y in 0..<width {
            for x in 0..<width { modules[y * width + x] = cq_is_dark(code, Int32(x), Int32(y)) != 0 }
        }
        self.version = Int(code.pointee.version)
        self.size = width
        self.correction = correction
        self.dark = modules
    }

    /// libqrencode's functions, loaded from libqrencode.so.4 on the first code drawn (see CQRencode's
    /// shim); nil when it cannot be loaded.
    private static let library: cq_api? = {
        let table = UnsafeMutablePointer<cq_api>.allocate(capacity: 1)
        defer { table.deallocate() }
        return cq_load(table) == 1 ? table.pointee : nil
    }()

    /// Whether the module at (x, y) is dark; outside the symbol (the quiet zone) it is light.
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return dark[y * size + x]
    }
}
