/// What the disk allows: single-row INSERT transactions per second on a scratch WAL database with
/// `synchronous=FULL`, one durable commit at a time (`paydesk bench pay`'s yardstick).
public enum CommitProbe {
    /// Commits one row a transaction into a table of its own in the file at `path` for `seconds`,
    /// and returns the commits per second.
    public static func rawCommitRate(path: String, seconds: Double) throws -> Double {
        let db = try Connection(path: path, create: true, synchronous: .full)
        try db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
        let clock = ContinuousClock()
        let start = clock.now
        var commits = 0
        while true {
            _ = try db.inTransaction(.immediate) { try db.execute("INSERT INTO t (v) VALUES (?)", [commits]) }
            commits += 1
            let elapsed = clock.now - start
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            if s >= seconds { return Double(commits) / s }
        }
    }
}

extension CommitProbe {
    /// Copies the database at `path` to `copy` as a reader sees it now (`paydesk bench pay`'s
    /// floor replays on it). why VACUUM INTO, not a copy of the file: committed pages may still
    /// sit in the write-ahead log beside it (a store another process has open, or whose last
    /// connection did not checkpoint), and a copy of the main file alone would be the store as it
    /// was some commits ago.
    public static func copyAsItIs(_ path: String, to copy: String) throws {
        let db = try Connection(path: path, create: false)
        try db.execute("VACUUM INTO ?", [copy])
    }
}
