import Foundation

/// A store's files: the database and everything beside it named after it (its sandbox, the audit
/// key and anchor, the write-ahead log).
public enum StoreFiles {
    /// Copies the store at `source`, with the files that belong to it, to `destination`.
    ///
    /// why not the shared-memory index: SQLite rebuilds it from the log; a copy of another
    /// connection's could describe a log that is not there.
    public static func copy(_ source: String, to destination: String) throws {
        let from = URL(fileURLWithPath: source)
        let folder = from.deletingLastPathComponent().path
        let name = from.lastPathComponent
        for file in try FileManager.default.contentsOfDirectory(atPath: folder)
        where file.hasPrefix(name) && !file.hasSuffix("-shm") {
            try FileManager.default.copyItem(atPath: folder + "/" + file, toPath: destination + file.dropFirst(name.count))
        }
    }
}
