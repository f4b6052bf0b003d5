import Foundation
import Testing
import PayChannels
import PayCore
import TestSupport

@Suite("Secrets at rest")
struct ConfigSealTests {
    @Test("HKDF-SHA256 gives RFC 5869's test case 1")
    func hkdfVector() throws {
        let okm = try Crypto.hkdfSHA256(key: [UInt8](repeating: 0x0b, count: 22), salt: Array(0x00...0x0c),
                                        info: Array(0xf0...0xf9), length: 42)
        #expect(Hex.encode(okm) == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test("a sealed value opens only in its own place and under its own key")
    func sealOpens() throws {
        let seal = try ConfigSeal(masterKey: Array(repeating: 7, count: 32), keyPath: "/k")
        let sealed = try seal.seal("whsec_abc123", scope: "account:a", field: "webhook_secret")
        #expect(ConfigSeal.isSealed(sealed) && !sealed.contains("whsec"))
        #expect(try seal.open(sealed, scope: "account:a", field: "webhook_secret") == "whsec_abc123")
        #expect(try seal.open("plain", scope: "account:a", field: "webhook_secret") == "plain")
        #expect(throws: PayError.self) { try seal.open(sealed, scope: "account:b", field: "webhook_secret") }
        #expect(throws: PayError.self) { try seal.open(sealed, scope: "account:a", field: "api_secret") }
        let other = try ConfigSeal(masterKey: Array(repeating: 8, count: 32), keyPath: "/other")
        #expect(throws: PayError.self) { try other.open(sealed, scope: "account:a", field: "webhook_secret") }
    }

    @Test("a store without its key file seals nothing and says which file is missing")
    func missingKey() throws {
        let directory = TemporaryDirectory("seal")
        let seal = try ConfigSeal(storePath: directory.path("store.db"))
        #expect(!seal.hasKey)
        do {
            _ = try seal.seal("x", scope: "account:a", field: "api_secret")
            Issue.record("sealed without a key")
        } catch {
            #expect(error.message.contains("'\(directory.path("store.db")).audit-key' is missing"))
        }
    }
}
