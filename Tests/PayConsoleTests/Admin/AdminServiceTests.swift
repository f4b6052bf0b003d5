import Foundation
import Testing
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TUIKit

/// The admin screens over the real services (`ServiceAdminDesk` on the harness's store): what
/// is added through the forms is in the store afterwards, audited, and the services refuse
/// anyone but an admin even past the screen.
@MainActor
@Suite struct AdminServiceTests {
    func context(_ console: AdminHarness) throws -> ServiceContext {
        try ServiceContext(store: try Store.open(path: console.storePath), actor: .system)
    }

    @Test func addingThroughTheScreensCreatesTheRows() throws {
        let console = try AdminHarness(desk: nil, real: true)
        console.open()
        #expect(console.screen.contains("Not under a merchant"), "the demo's lines and accounts have no merchant:\n\(console.screen)")
        console.press(.character("m"))
        console.type("acme\nAcme Property Ltd\nLi Lei\n")
        #expect(console.screen.contains("Merchant acme added"), "\(console.screen)")
        console.press(.character("l"))
        console.type("parking\nParking\n")
        console.press(.right, .right, .right)  // layout: ticket
        console.type("\n\nalipay,wechat\n\n")
        #expect(console.screen.contains("Business line parking added under acme"), "\(console.screen)")
        console.press(.character("a"))
        console.type("acme-alipay\n\nAlipay (Acme)\n\n\n60\n\n")
        #expect(console.screen.contains("Channel account acme-alipay added"), "\(console.screen)")

        let context = try context(console)
        let merchant = try #require(try MerchantService(context).all().first { $0.id == "acme" })
        #expect(merchant.name == "Acme Property Ltd" && merchant.contact == "Li Lei" && merchant.status == .active)
        let line = try #require(try BusinessLineService(context).all().first { $0.code.rawValue == "parking" })
        #expect(line.merchantId == "acme" && line.layout == "ticket" && line.allowedMethods == [.alipay, .wechat])
        let account = try #require(try ChannelAccountService(context).all().first { $0.id == "acme-alipay" })
        #expect(account.channel == "alipay" && account.merchantId == "acme" && account.feeRateBps == 60)
        #expect(account.state == .incomplete, "no keys yet: it cannot be picked")
        let audit = try context.store.read { try context.store.audit.newest(limit: 10) }.map(\.action)
        #expect(audit.contains("merchant.add") && audit.contains("business.add"), "\(audit)")
    }

    @Test func theServicesRefuseAnyoneButAnAdminPastTheScreen() throws {
        let console = try AdminHarness(desk: nil, real: true)
        let desk = try ServiceAdminDesk(storePath: console.storePath)
        desk.act(as: Actor(name: "supervisor", role: .supervisor, origin: "test"))
        let refused = #expect(throws: PayError.self) { try desk.addMerchant(AdminMerchantDraft(id: "sneaky", name: "Sneaky", contact: "")) }
        #expect(refused?.kind == .notPermitted)
        #expect(refused?.message.contains("needs admin") == true, "\(String(describing: refused))")
        #expect(try MerchantService(try context(console)).all().isEmpty, "nothing was written")
    }
}
