import Testing
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// A fresh store in a temporary directory, with fast password hashing and, when asked, a
/// simulated clock; the context acts as the local administrator.
final class OperatorFixture {
    let directory = TemporaryDirectory("operators")
    let store: Store
    let context: ServiceContext
    static let start = Timestamp(milliseconds: 1_795_000_000_000)

    init(simulatedClock: Bool = true, demo: Bool = false) throws {
        store = try Store.open(path: directory.path("store.db"), create: true)
        let store = store
        try store.write {
            try OperatorSettings(store).setPasswordIterations(OperatorSettings.minimumIterations)
            if simulatedClock {
                try store.meta.set(MetaRepository.clockModeKey, "simulated")
                try store.meta.set(MetaRepository.clockNowKey, String(Self.start.milliseconds))
            }
        }
        context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "tester"))
        if demo { try DemoSeeder(context).seed() }
    }

    var path: String { store.path }
    var operators: OperatorService { OperatorService(context) }
    var audit: AuditLog { AuditLog(context) }

    /// Moves the simulated clock and lets the context see it.
    func advance(minutes: Int64) throws {
        let store = store
        _ = try store.write { try store.meta.advanceClock(by: minutes * 60_000) }
        try context.refreshClock()
    }

    /// Runs `body` acting as `actor`, then goes back to the local administrator.
    @discardableResult
    func acting<T>(as actor: Actor, _ body: () throws -> T) rethrows -> T {
        let saved = context.actor
        context.actor = actor
        defer { context.actor = saved }
        return try body()
    }

    func account(_ name: String) throws -> OperatorAccount { try operators.require(name) }

    func auditEntries() throws -> [AuditEntry] { try audit.recent(limit: 10_000).reversed() }
}

/// `body` must throw a `PayError` of `kind`; returns it for a look at the message.
@discardableResult
func expectError(_ kind: PayError.Kind, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> PayError? {
    do {
        try body()
        Issue.record("expected a \(kind) error, got none", sourceLocation: sourceLocation)
        return nil
    } catch let error as PayError {
        if error.kind != kind { Issue.record("expected \(kind), got \(error.kind): \(error.message)", sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected a PayError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
