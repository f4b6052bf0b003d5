import Foundation
import Testing
@testable import PayConsole
@testable import paydesk
import PayCore
import PayServices
import PayStore
import TUIKit

/// The admin screen's routes and risk (`R`) and a merchant enabled again, over the real services
/// on a demo store: what the admin does on the screen is in the store afterwards and audited,
/// and a refusal is shown with nothing changed.
@MainActor
@Suite struct AdminRulesTests {
    func store(_ console: AdminHarness) throws -> Store { try Store.open(path: console.storePath) }

    func rules(_ console: AdminHarness) throws -> AdminRulesScreen {
        console.open()
        console.press(.character("R"))
        return try #require(console.app.currentScreen as? AdminRulesScreen, "R opens routes and risk:\n\(console.screen)")
    }

    /// Answers a confirm dialog with its yes button (the dialogs start on "No").
    func confirm(_ console: AdminHarness) { console.press(.left, .enter) }

    func audit(_ console: AdminHarness) throws -> [String] {
        let store = try store(console)
        return try store.read { try store.audit.newest(limit: 10) }.map(\.action)
    }

    @Test func aRiskRuleIsSwitchedOffAndOnAfterAConfirmation() throws {
        let console = try AdminHarness(desk: nil, real: true)
        let screen = try rules(console)
        #expect(console.screen.contains("velocity-count") && console.screen.contains("count(customer, 10m) >= 5"), "\(console.screen)")
        screen.select { if case .rule(let rule) = $0 { return rule.name == "velocity-count" } else { return false } }
        console.press(.character("d"))
        #expect(console.screen.contains("Disable velocity-count?"), "\(console.screen)")
        console.press(.escape)
        let store = try store(console)
        #expect(try store.read { try store.riskRules.find(name: "velocity-count") }?.enabled == true, "Esc changes nothing")

        console.press(.character("d"))
        confirm(console)
        #expect(console.screen.contains("Risk rule velocity-count disabled"), "\(console.screen)")
        #expect(console.screen.contains("DISABLED"), "the row says so:\n\(console.screen)")
        #expect(try store.read { try store.riskRules.find(name: "velocity-count") }?.enabled == false)
        #expect(try audit(console).contains("risk.rule.disable"))

        console.press(.character("d"))
        confirm(console)
        #expect(try store.read { try store.riskRules.find(name: "velocity-count") }?.enabled == true)
    }

    @Test func valuesAreAddedToAndRemovedFromRiskLists() throws {
        let console = try AdminHarness(desk: nil, real: true)
        let screen = try rules(console)
        screen.select { if case .list(let list) = $0 { return list.name == "blocklist" } else { return false } }
        console.press(.character("a"))
        console.type("C777\n")
        #expect(console.screen.contains("C777 added to blocklist"), "\(console.screen)")
        let store = try store(console)
        func values(_ name: String) throws -> [String] { try store.read { try store.riskLists.all() }.first { $0.name == name }?.values ?? [] }
        #expect(try values("blocklist") == ["C666", "C777"])

        // A bad value is refused on the status line; nothing is added.
        console.press(.character("a"))
        console.type(" \n")
        #expect(try values("blocklist") == ["C666", "C777"])

        console.press(.character("x"))
        #expect(console.screen.contains("Remove from blocklist"), "\(console.screen)")
        console.press(.enter)  // C666, the first value
        confirm(console)
        #expect(console.screen.contains("C666 removed from blocklist"), "\(console.screen)")
        #expect(try values("blocklist") == ["C777"])

        // A new list: its name, then its first value.
        screen.select { if case .rule = $0 { return true } else { return false } }
        console.press(.character("a"))
        console.type("vip\nC1\n")
        #expect(try values("vip") == ["C1"])
        let actions = try audit(console)
        #expect(actions.contains("risk.list.add") && actions.contains("risk.list.remove"), "\(actions)")
    }

    @Test func aRoutesAccountsAreChangedAndARouteRemoved() throws {
        let console = try AdminHarness(desk: nil, real: true)
        let screen = try rules(console)
        #expect(console.screen.contains("wechat-split") && console.screen.contains("wechat-direct:70, wechat-sp:30"), "\(console.screen)")
        screen.select { if case .route(let route) = $0 { return route.name == "wechat-split" } else { return false } }
        console.press(.character("e"))
        console.press(.ctrl("u"))
        console.type("wechat-sp:50, wechat-direct:50\n")
        let store = try store(console)
        let changed = try #require(try store.read { try store.routes.find(name: "wechat-split") })
        #expect(changed.candidates.sorted { $0.priority < $1.priority }.map(\.accountId) == ["wechat-sp", "wechat-direct"])
        #expect(changed.candidates.allSatisfy { $0.weight == 50 })

        // An account that does not exist: refused, the route as it was.
        console.press(.character("e"))
        console.press(.ctrl("u"))
        console.type("no-such-account\n")
        #expect(console.screen.contains("no-such-account"), "the refusal names it:\n\(console.screen)")
        #expect(try store.read { try store.routes.find(name: "wechat-split") } == changed)

        screen.select { if case .route(let route) = $0 { return route.name == "paypal" } else { return false } }
        console.press(.character("x"))
        confirm(console)
        #expect(try store.read { try store.routes.find(name: "paypal") } == nil)
        let actions = try audit(console)
        #expect(actions.contains("route.set") && actions.contains("route.remove"), "\(actions)")
    }

    @Test func aDisabledMerchantIsEnabledAgain() throws {
        let console = try AdminHarness(desk: nil, real: true)
        console.open()
        console.press(.character("m"))
        console.type("acme\nAcme Property Ltd\n\n")
        console.select("acme")
        console.press(.character("d"))
        confirm(console)
        let store = try store(console)
        #expect(try store.read { try store.merchants.find("acme") }?.status == .disabled)
        console.press(.character("d"))
        #expect(console.screen.contains("Enable acme (Acme Property Ltd) again?"), "\(console.screen)")
        confirm(console)
        #expect(console.screen.contains("Merchant acme enabled"), "\(console.screen)")
        #expect(try store.read { try store.merchants.find("acme") }?.status == .active)
        #expect(try audit(console).contains("merchant.enable"))
    }
}
