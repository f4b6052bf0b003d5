/// What `AuditLog.verify()` found: how many entries it walked and the first one that breaks the chain.
public struct AuditVerification: Sendable, Hashable {
    public enum ProblemKind: String, Sendable {
        /// The entry's fields no longer give its hash, or its hash was rewritten to match.
        case edited
        /// An entry is missing (a gap in the ids, or the log ends before its recorded head).
        case removed
        /// The entry stands before one that was written before it.
        case reordered
        /// An entry PayDesk did not write (after the recorded head, or with a foreign predecessor).
        case inserted
    }

    public struct Problem: Sendable, Hashable {
        /// The first entry found edited, removed or out of order.
        public let entryId: Int64
        public let kind: ProblemKind
        public let message: String
    }

    public let entries: Int
    public let problem: Problem?

    public var intact: Bool { problem == nil }
}
