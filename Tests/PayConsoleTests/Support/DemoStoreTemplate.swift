import Foundation
import PayChannels
import PayServices
import PayStore
import TestSupport

/// One seeded demo store per test process, copied for each console harness.
///
/// why: seeding generates the sandbox's RSA keys and hashes the demo operators' passwords at the
/// demo's full rounds — seconds each time — and the console's tests run one after another on the
/// main actor, so seeding per test was most of their time.
enum DemoStoreTemplate {
    private static let template: (directory: TemporaryDirectory, path: String) = {
        let directory = TemporaryDirectory("console-template")
        let path = directory.path("store.db")
        do {
            let store = try Store.open(path: path, create: true)
            let context = try ServiceContext(store: store, actor: .system)
            // why: the seeder seals channel secrets under the audit key, which `paydesk init` makes first.
            _ = try AuditLog(context).seal()
            try DemoSeeder(context).seed()
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let sandbox = try Sandbox(storePath: path, clock: context.clock)
            try sandbox.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            fatalError("console template store: \(error)")
        }
        return (directory, path)
    }()

    /// A fresh copy of the seeded demo store at `path` (with its sandbox and audit files).
    static func copy(to path: String) throws {
        try StoreFiles.copy(template.path, to: path)
    }
}
