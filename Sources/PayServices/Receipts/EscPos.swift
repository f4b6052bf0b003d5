import Glibc

/// ESC/POS bytes for a receipt printer (Epson's command set, which most thermal receipt printers
/// follow): `ESC @` initialises, `ESC E n` turns bold on and off, `LF` ends a line, `ESC d 4`
/// feeds past the cutter and `GS V 66 0` feeds and cuts.
///
/// why GB18030 with `FS &`: the receipts carry Chinese item names; Chinese-model ESC/POS printers
/// print GB2312/GBK/GB18030 double-byte text once Kanji (Chinese) mode is on (`FS &`), while their
/// single-byte code pages have no Chinese at all. A receipt with only ASCII sends no `FS &`, so an
/// ASCII-only printer gets nothing it does not know. A character GB18030 cannot hold (none: it
/// covers all of Unicode) would print as `?`.
public enum EscPos {
    static let initialize: [UInt8] = [0x1B, 0x40]
    static let kanjiOn: [UInt8] = [0x1C, 0x26]
    static let boldOn: [UInt8] = [0x1B, 0x45, 0x01]
    static let boldOff: [UInt8] = [0x1B, 0x45, 0x00]
    static let feed: [UInt8] = [0x1B, 0x64, 0x04]
    static let cut: [UInt8] = [0x1D, 0x56, 0x42, 0x00]

    /// The bytes that print `document` and cut the paper.
    public static func encode(_ document: ReceiptDocument) -> [UInt8] {
        var bytes = initialize
        let wide = document.lines.contains { $0.text.unicodeScalars.contains { !$0.isASCII } }
        if wide { bytes += kanjiOn }
        for line in document.lines {
            if line.bold { bytes += boldOn }
            bytes += wide ? gb18030(line.text) : ascii(line.text)
            if line.bold { bytes += boldOff }
            bytes.append(0x0A)
        }
        bytes += feed + cut
        return bytes
    }

    /// Printable ASCII as is; control characters (which a printer would obey) become `?`.
    static func ascii(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F ? UInt8($0.value) : 0x3F }
    }

    /// The text in GB18030 through the C library's iconv; control characters become `?`.
    static func gb18030(_ text: String) -> [UInt8] {
        let safe = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        guard let converter = iconv_open("GB18030", "UTF-8"), converter != iconv_t(bitPattern: -1) else { return ascii(safe) }
        defer { iconv_close(converter) }
        var input = Array(safe.utf8).map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: input.count * 4 + 8)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer = outBuffer.baseAddress
                var outLeft = outBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let written else { return ascii(safe) }
        return output.prefix(written).map { UInt8(bitPattern: $0) }
    }
}
