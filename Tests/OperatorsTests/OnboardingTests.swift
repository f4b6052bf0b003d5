import Foundation
import Testing
import PayChannels
import PayCore
import PayStore
@testable import PayServices
import TestSupport

/// Onboarding through the services: merchants, business lines and channel accounts made for real
/// use, keys from files, secrets sealed at rest, the sandbox as the channel's portal.
@Suite("Onboarding")
struct OnboardingTests {
    /// A fresh store keyed as `paydesk init` keys it, with one merchant.
    static func fixture() throws -> OperatorFixture {
        let fixture = try OperatorFixture()
        try AuditLog(fixture.context).seal()
        try MerchantService(fixture.context).add(MerchantDraft(id: "acme", name: "Acme Property", contact: "ops@acme.example"))
        return fixture
    }

    static func write(_ text: String, _ name: String, in fixture: OperatorFixture) throws -> String {
        let path = fixture.directory.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a merchant, a line and an account are added, listed and audited; bad input names the field and writes nothing")
    func addsAndRefuses() throws {
        let fixture = try Self.fixture()
        let lines = BusinessLineService(fixture.context)
        let line = try lines.add(BusinessLineDraft(code: "parking", name: "Car park", layout: "retail", currency: "cny",
                                                   methods: "alipay,wechat", merchantId: "acme"))
        #expect(line.merchantId == "acme" && line.defaultCurrency == .CNY && line.allowedMethods == [.alipay, .wechat])
        #expect(try lines.lines(ofMerchant: "acme").map(\.code.rawValue) == ["parking"])

        let bad = expectError(.invalidInput) {
            try lines.add(BusinessLineDraft(code: "shop", name: "Shop", layout: "casino", merchantId: "acme"))
        }
        #expect(bad?.message.contains("--layout 'casino'") == true)
        #expect(expectError(.invalidInput) {
            try lines.add(BusinessLineDraft(code: "shop", name: "Shop", currency: "XXX", merchantId: "acme"))
        }?.message.contains("--currency 'XXX'") == true)
        #expect(expectError(.notFound) {
            try lines.add(BusinessLineDraft(code: "shop", name: "Shop", merchantId: "nobody"))
        }?.message.contains("merchant 'nobody'") == true)
        #expect(try lines.all().map(\.code.rawValue) == ["parking"])

        let accounts = ChannelAccountService(fixture.context)
        let added = try accounts.add(ChannelAccountDraft(id: "ali", channel: "alipay", name: "Alipay app", merchantId: "acme",
                                                         currencies: "CNY,HKD", feeRateBps: "60", settings: ["app_id": "2021000000000001"]))
        #expect(added.state == .incomplete && added.missing == ["app_private_key", "alipay_public_key"])
        #expect(expectError(.invalidInput) {
            try accounts.add(ChannelAccountDraft(id: "x", channel: "bitcoin", name: "X", merchantId: "acme"))
        }?.message.contains("--channel 'bitcoin'") == true)
        let typedSecret = expectError(.invalidInput) {
            try accounts.set("ali", settings: ["app_private_key": "-----BEGIN PRIVATE KEY-----"])
        }
        #expect(typedSecret?.message.contains("import-key") == true)
        #expect(expectError(.invalidInput) {
            try accounts.add(ChannelAccountDraft(id: "y", channel: "card", name: "Y", merchantId: "acme", feeRateBps: "-5"))
        }?.message.contains("--fee-bps '-5'") == true)
        #expect(try accounts.all().map(\.id) == ["ali"])

        let actions = try fixture.auditEntries().map(\.action)
        #expect(actions.contains("merchant.add") && actions.contains("business.add") && actions.contains("account.add"))
    }

    @Test("only an admin onboards: a supervisor is refused before anything is written")
    func adminOnly() throws {
        let fixture = try Self.fixture()
        let supervisor = Actor(name: "sam", role: .supervisor, origin: "test")
        fixture.acting(as: supervisor) {
            expectError(.notPermitted) { try MerchantService(fixture.context).add(MerchantDraft(id: "other", name: "Other")) }
            expectError(.notPermitted) {
                try BusinessLineService(fixture.context).add(BusinessLineDraft(code: "shop", name: "Shop", merchantId: "acme"))
            }
            expectError(.notPermitted) {
                try ChannelAccountService(fixture.context).add(ChannelAccountDraft(id: "c", channel: "card", name: "C", merchantId: "acme"))
            }
            expectError(.notPermitted) { try ChannelAccountService(fixture.context).importKey("c", field: "api_secret", path: "/nonexistent") }
        }
        #expect(try MerchantService(fixture.context).all().map(\.id) == ["acme"])
        #expect(try ChannelAccountService(fixture.context).all().isEmpty)
    }

    @Test("keys come from files; wrong files are refused naming the file, and nothing is written")
    func keyFiles() throws {
        let fixture = try Self.fixture()
        let accounts = ChannelAccountService(fixture.context)
        try accounts.add(ChannelAccountDraft(id: "ali", channel: "alipay", name: "Alipay app", merchantId: "acme",
                                             settings: ["app_id": "2021000000000001"]))
        let center = try RSAPrivateKey.generate()
        let channel = try RSAPrivateKey.generate()
        let privatePath = try Self.write(center.pem, "center.key", in: fixture)
        let ownPublicPath = try Self.write(center.publicKey.pem, "center.pub", in: fixture)
        let channelPublicPath = try Self.write(channel.publicKey.pem, "alipay.pub", in: fixture)
        let notPEM = try Self.write("hello\n", "notes.txt", in: fixture)
        let before = try fixture.store.read { try fixture.store.channelAccounts.configVersion("ali") }

        let missing = fixture.directory.path("nope.pem")
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "app_private_key", path: missing) }?
            .message == "key file '\(missing)': no such file")
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "app_private_key", path: notPEM) }?
            .message.contains("key file '\(notPEM)': not PEM") == true)
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "app_private_key", path: ownPublicPath) }?
            .message.contains("PRIVATE key") == true)
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "alipay_public_key", path: privatePath) }?
            .message.contains("key file '\(privatePath)': holds a PRIVATE key") == true)
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "api_v3_key", path: privatePath) }?
            .message.contains("field 'api_v3_key'") == true)
        #expect(try fixture.store.read { try fixture.store.channelAccounts.configVersion("ali") } == before)

        try accounts.importKey("ali", field: "app_private_key", path: privatePath)
        // The center's own public key given as the channel's: a mix-up the service catches.
        #expect(expectError(.invalidInput) { try accounts.importKey("ali", field: "alipay_public_key", path: ownPublicPath) }?
            .message.contains("key file '\(ownPublicPath)': the public half of this account's own app_private_key") == true)
        let summary = try accounts.importKey("ali", field: "alipay_public_key", path: channelPublicPath)
        #expect(summary.missing.isEmpty && summary.state == .disabled)

        // Sealed at rest: the store file holds neither the private key nor its base64 body.
        let stored = try #require(try fixture.store.read { try fixture.store.channelAccounts.find("ali") })
        #expect(ConfigSeal.isSealed(stored.config["app_private_key"] ?? ""))
        let body = center.pem.split(separator: "\n")[1]
        let raw = try Data(contentsOf: URL(fileURLWithPath: fixture.path))
        #expect(raw.range(of: Data(body.utf8)) == nil)
        #expect(stored.config["alipay_public_key"] == channel.publicKey.pem)
        // Shown masked, never in the audit.
        let shown = try #require(summary.fields.first { $0.name == "app_private_key" })
        #expect(!shown.display.contains("BEGIN") && shown.isSet)
        #expect(try fixture.auditEntries().allSatisfy { !($0.detail ?? "").contains("BEGIN") })
        // The plugin gets the key opened, in memory.
        let opened = try ChannelRegistry.unsealed(stored, with: try ConfigSeal(storePath: fixture.path))
        #expect(opened.config["app_private_key"] == center.pem)

        try accounts.enable("ali")
        #expect(try accounts.summary("ali").state == .active)
    }

    @Test("an incomplete account is not enabled; a disabled merchant's account neither")
    func enableNeedsComplete() throws {
        let fixture = try Self.fixture()
        let accounts = ChannelAccountService(fixture.context)
        try accounts.add(ChannelAccountDraft(id: "card-a", channel: "card", name: "Acquirer", merchantId: "acme"))
        let refused = expectError(.conflict) { try accounts.enable("card-a") }
        #expect(refused?.message.contains("api_secret, webhook_secret not set") == true)
        try accounts.importKey("card-a", field: "api_secret", path: try Self.write("sk_test_0123456789abcdef\n", "api", in: fixture))
        try accounts.importKey("card-a", field: "webhook_secret", path: try Self.write("whsec_0123456789abcdef", "hook", in: fixture))
        try MerchantService(fixture.context).disable("acme")
        #expect(expectError(.conflict) { try accounts.enable("card-a") }?.message.contains("merchant 'acme' is disabled") == true)
        try MerchantService(fixture.context).enable("acme")
        try accounts.enable("card-a")
        #expect(expectError(.conflict) { try accounts.enable("card-a") } != nil)
        try accounts.disable("card-a")
        #expect(try accounts.summary("card-a").state == .disabled)
    }

    @Test("without the key file nothing secret is written, and `check` names the file")
    func missingKeyFile() throws {
        let fixture = try Self.fixture()
        let accounts = ChannelAccountService(fixture.context)
        try accounts.add(ChannelAccountDraft(id: "card-a", channel: "card", name: "Acquirer", merchantId: "acme"))
        let keyPath = fixture.path + ".audit-key"
        let saved = try String(contentsOfFile: keyPath, encoding: .utf8)
        try FileManager.default.removeItem(atPath: keyPath)
        defer { try? saved.write(toFile: keyPath, atomically: true, encoding: .utf8) }
        let secret = try Self.write("sk_test_0123456789abcdef", "api", in: fixture)
        let refusal = expectError(.notFound) { try accounts.importKey("card-a", field: "api_secret", path: secret) }
        #expect(refusal?.message.contains("'\(keyPath)' is missing") == true)
        #expect(try accounts.summary("card-a").fields.allSatisfy { !$0.isSet })
        let report = try InvariantChecker(fixture.context).run()
        #expect(report.problems.contains { $0.contains("secrets at rest") && $0.contains(keyPath) })
    }

    @Test("the sandbox portal connects an account; `test` passes, and a wrong channel key fails on the channel's side")
    func sandboxPortalAndTest() throws {
        let fixture = try Self.fixture()
        let accounts = ChannelAccountService(fixture.context)
        let gateway = try ChannelGateway(store: fixture.store, clock: fixture.context.clock)
        for channel in ["alipay", "wechat", "unionpay", "card", "paypal", "wallet"] {
            try accounts.add(ChannelAccountDraft(id: "\(channel)-1", channel: channel, name: channel, merchantId: "acme",
                                                 currencies: channel == "paypal" ? "USD" : "CNY"))
            let connected = try accounts.connectSandbox("\(channel)-1", gateway: gateway)
            #expect(connected.missing.isEmpty, "\(channel): \(connected.missing)")
            let result = try accounts.test("\(channel)-1", gateway: gateway)
            #expect(result.ok, "\(channel): \(result.message)")
        }
        // A public key that is not the channel's: its answers do not verify.
        let stranger = try Self.write(try RSAPrivateKey.generate().publicKey.pem, "stranger.pub", in: fixture)
        try accounts.importKey("alipay-1", field: "alipay_public_key", path: stranger)
        let channelSide = try accounts.test("alipay-1", gateway: gateway)
        #expect(!channelSide.ok && channelSide.failing == .channel)
        // A private key the channel does not know: it refuses the center's signature.
        try accounts.importKey("wechat-1", field: "merchant_private_key",
                               path: try Self.write(try RSAPrivateKey.generate().pem, "other.key", in: fixture))
        let centerSide = try accounts.test("wechat-1", gateway: gateway)
        #expect(!centerSide.ok && centerSide.failing == .center)
        // A wrong webhook secret: the acquirer's signed answers do not verify.
        try accounts.importKey("card-1", field: "webhook_secret", path: try Self.write("whsec_not_the_channels_one", "hook", in: fixture))
        #expect(try accounts.test("card-1", gateway: gateway).failing == .channel)
    }

    @Test("plaintext secrets of an older store are sealed, and the demo seeds sealed")
    func sealsPlaintext() throws {
        let fixture = try OperatorFixture(demo: true)
        let demo = try fixture.store.read { try fixture.store.channelAccounts.all() }
        #expect(demo.allSatisfy { ChannelAccountService.plaintextSecrets($0).isEmpty })
        #expect(demo.contains { $0.config.values.contains(where: ConfigSeal.isSealed) })
        // An account written before schema 18 kept its secrets in plaintext.
        let plain = try ChannelRegistry.unsealed(try #require(demo.first { $0.id == "acquirer-a" }),
                                                 with: try ConfigSeal(storePath: fixture.path))
        try fixture.store.write { try fixture.store.channelAccounts.setConfig("acquirer-a", plain.config) }
        #expect(try InvariantChecker(fixture.context).run().problems.contains { $0.contains("acquirer-a keeps api_secret, webhook_secret in plaintext") })
        #expect(try ChannelAccountService(fixture.context).sealPlaintextSecrets() == ["acquirer-a"])
        #expect(try InvariantChecker(fixture.context).run().problems.allSatisfy { !$0.contains("secrets at rest") })
    }
}
