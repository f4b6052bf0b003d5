import Foundation

/// String maps stored as JSON text (order attributes, channel account config), with sorted keys
/// so equal maps are equal text.
enum JSONText {
    static func encode(_ map: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(map) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: String] {
        // why: most orders carry no attributes, and a JSONDecoder per row was half the cost of a
        // browser page (bench browse: 50 decodes ≈ the page's own SQL).
        if text == "{}" || text.isEmpty { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
