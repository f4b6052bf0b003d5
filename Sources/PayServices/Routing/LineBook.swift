import PayCore
import PayStore

/// Business lines as a payment reads them, kept per context and dropped as a whole when the
/// lines' version in the store (`store_versions`, schema 24) moves — any change of any line, by
/// any process, moves it. A class so copies of a service share it.
final class LineBook {
    private var version: Int64 = -1
    private var lines: [BusinessLineCode: BusinessLine] = [:]

    /// The line `code` as stored at `version`; an unknown code is the repository's invalid-input
    /// error naming the known lines (never cached: the next call reads again).
    func require(_ code: BusinessLineCode, store: Store, version: Int64) throws -> BusinessLine {
        if version != self.version {
            lines = [:]
            self.version = version
        }
        if let hit = lines[code] { return hit }
        let line = try store.businessLines.require(code)
        lines[code] = line
        return line
    }
}
