import PayCore
import PayStore

/// The circuit breakers as routing reads them, kept per context and read again as a whole when
/// the breakers' version in the store (`store_versions`, schema 24) moves. A breaker's row is
/// written only when its state changes (a counted failure, opening, a probe's claim, a close),
/// never by a success on a closed and clean breaker, so the version holds while payments go
/// through, and another process's change is seen by the next decision: the version is read in
/// the decision's own transaction. A class so copies of a service share it.
final class BreakerBook {
    private var version: Int64 = -1
    private var breakers: [String: BreakerRecord] = [:]

    /// The breaker of `accountId` as stored at `version`: closed when none was written yet.
    func state(_ accountId: String, store: Store, version: Int64) throws -> BreakerRecord {
        if version != self.version {
            breakers = Dictionary(try store.breakers.all().map { ($0.accountId, $0) }, uniquingKeysWith: { first, _ in first })
            self.version = version
        }
        return breakers[accountId] ?? .closed(accountId)
    }
}
