import Foundation
import TUIKit

/// Reads a QR code off a screen as a phone would: the drawn half-block cells back into modules,
/// scaled into a PBM picture with a light margin, decoded by `zbarimg` (Debian's zbar-tools,
/// installed by `make test`). A test that uses it fails when the code does not decode to its text.
public enum QRReader {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Decodes the QR drawn in `area`, or — with no area — in the cells drawn in `QRCodeView`'s
    /// colours. `glyphsAreDark`: the glyphs' filled halves are the dark modules (colour terminals).
    public static func decode(_ buffer: ScreenBuffer, area: Rect? = nil, glyphsAreDark: Bool = true) throws -> String {
        guard let area = area ?? codeArea(buffer) else { throw Failure(description: "no QR code on the screen") }
        let margin = 8, scale = 4
        let wide = area.width + 2 * margin, high = area.height * 2 + 2 * margin
        var dark = [[Bool]](repeating: [Bool](repeating: false, count: wide), count: high)
        for row in 0..<area.height {
            for column in 0..<area.width {
                let (top, bottom): (Bool, Bool)
                switch buffer[area.x + column, area.y + row].character {
                case "█": (top, bottom) = (true, true)
                case "▀": (top, bottom) = (true, false)
                case "▄": (top, bottom) = (false, true)
                case " ": (top, bottom) = (false, false)
                case let other: throw Failure(description: "cell (\(area.x + column), \(area.y + row)) is '\(other)', not a half block")
                }
                dark[margin + row * 2][margin + column] = top == glyphsAreDark
                dark[margin + row * 2 + 1][margin + column] = bottom == glyphsAreDark
            }
        }
        var pbm = "P1\n\(wide * scale) \(high * scale)\n"
        for line in dark {
            let pixels = line.flatMap { [String](repeating: $0 ? "1" : "0", count: scale) }.joined(separator: " ")
            for _ in 0..<scale { pbm += pixels + "\n" }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).pbm")
        try pbm.write(to: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(at: file) }
        return try zbarimg(file.path)
    }

    /// The smallest rectangle holding every cell drawn in the QR colours.
    static func codeArea(_ buffer: ScreenBuffer) -> Rect? {
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1
        for y in 0..<buffer.size.rows {
            for x in 0..<buffer.size.columns where buffer[x, y].style == QRCodeView.colorStyle {
                minX = min(minX, x); minY = min(minY, y); maxX = max(maxX, x); maxY = max(maxY, y)
            }
        }
        guard maxX >= 0 else { return nil }
        return Rect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    static func zbarimg(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "zbarimg exited \(process.terminationStatus), nothing decoded (zbar-tools comes with `make test`): "
                          + String(decoding: problem, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
