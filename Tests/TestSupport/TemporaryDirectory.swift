import Foundation

/// A fresh directory under the system's temporary folder, removed when released. Every test
/// that needs a store makes its own, never the user's.
public final class TemporaryDirectory: @unchecked Sendable {
    // why @unchecked: both properties are immutable after init; deinit only removes the folder.
    public let url: URL

    public init(_ label: String = "paydesk") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(12))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
