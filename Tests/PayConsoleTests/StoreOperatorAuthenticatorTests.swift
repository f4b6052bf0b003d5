import Foundation
import Testing
@testable import PayConsole
import PayCore
import PayServices
import PayStore
import TestSupport

/// The default login: the operators table through a password verifier, and the documented demo
/// credentials only on a demo store that has no operators yet.
@Suite struct StoreOperatorAuthenticatorTests {
    /// A verifier for tests: "hashes" by reversing the UTF-8 bytes (test target only; no crypto).
    struct ReversingVerifier: PasswordVerifier {
        func hash(_ password: String) throws(PayError) -> PasswordRecord {
            PasswordRecord(hash: Array(password.utf8.reversed()), salt: [1, 2, 3], iterations: 1)
        }
        func verify(_ password: String, against record: PasswordRecord) throws(PayError) -> Bool {
            Array(password.utf8.reversed()) == record.hash
        }
    }

    @Test func demoCredentialsWorkOnlyOnADemoStoreWithoutOperators() throws {
        let directory = TemporaryDirectory("auth")
        let demo = try Store.open(path: directory.path("demo.db"), create: true)
        try DemoSeeder(try ServiceContext(store: demo, actor: .system)).seed()
        let demoLogin = StoreOperatorAuthenticator(store: demo, verifier: ReversingVerifier())
        #expect(try demoLogin.authenticate(name: "supervisor", password: "demo", origin: "t").role == .supervisor)
        #expect(throws: PayError.self) { try demoLogin.authenticate(name: "supervisor", password: "Demo", origin: "t") }
        #expect(throws: PayError.self) { try demoLogin.authenticate(name: "root", password: "demo", origin: "t") }

        let plain = try Store.open(path: directory.path("plain.db"), create: true)
        let plainLogin = StoreOperatorAuthenticator(store: plain, verifier: ReversingVerifier())
        #expect(throws: PayError.self) { try plainLogin.authenticate(name: "cashier", password: "demo", origin: "t") }

        // Once the demo store has a real operator, the demo fallback is gone.
        try demoLogin.createAdministrator(name: "alice", password: "correct horse")
        #expect(throws: PayError.self) { try demoLogin.authenticate(name: "cashier", password: "demo", origin: "t") }
        #expect(try demoLogin.authenticate(name: "alice", password: "correct horse", origin: "t").role == .admin)
        #expect(throws: PayError.self) { try demoLogin.authenticate(name: "alice", password: "wrong horse", origin: "t") }
    }

    @Test func firstAdminIsRefusedWhenOperatorsExistOrThePasswordIsShort() throws {
        let directory = TemporaryDirectory("auth")
        let store = try Store.open(path: directory.path("s.db"), create: true)
        let login = StoreOperatorAuthenticator(store: store, verifier: ReversingVerifier())
        #expect(try !login.hasOperators())
        #expect(throws: PayError.self) { try login.createAdministrator(name: "alice", password: "short") }
        #expect(throws: PayError.self) { try login.createAdministrator(name: "al ice", password: "long enough") }
        try login.createAdministrator(name: "alice", password: "long enough")
        #expect(try login.hasOperators())
        #expect(throws: PayError.self) { try login.createAdministrator(name: "bob", password: "long enough") }
    }

    @Test func theUnconnectedVerifierNeverLetsAnyoneIn() throws {
        let directory = TemporaryDirectory("auth")
        let store = try Store.open(path: directory.path("s.db"), create: true)
        let login = StoreOperatorAuthenticator(store: store)
        #expect(throws: PayError.self) { try login.createAdministrator(name: "alice", password: "long enough") }
        #expect(try !login.hasOperators())
    }
}
