import PayCore
import PayConsole

// INTERIM (not for commit): replaced by the implementation over the onboarding services.
@MainActor
final class ServiceAdminDesk: AdminDesk {
    init(storePath: String) throws(PayError) {}
    func act(as actor: Actor) {}
    func overview() throws(PayError) -> AdminOverview { AdminOverview() }
    func channels() -> [AdminChannel] { [] }
    func addMerchant(_ draft: AdminMerchantDraft) throws(PayError) { throw .internal("not yet") }
    func disableMerchant(id: String) throws(PayError) { throw .internal("not yet") }
    func addBusinessLine(_ draft: AdminLineDraft) throws(PayError) { throw .internal("not yet") }
    func editBusinessLine(_ change: AdminLineChange) throws(PayError) { throw .internal("not yet") }
    func addAccount(_ draft: AdminAccountDraft) throws(PayError) { throw .internal("not yet") }
    func setIdentifiers(account: String, _ values: [String: String]) throws(PayError) { throw .internal("not yet") }
    func importKey(account: String, key: String, path: String) throws(PayError) -> String { throw .internal("not yet") }
    func setAccountEnabled(id: String, enabled: Bool) throws(PayError) { throw .internal("not yet") }
    func testAccount(id: String) throws(PayError) -> AdminTestReport { throw .internal("not yet") }
    func registerAtSandboxPortal(account: String) throws(PayError) -> [String] { throw .internal("not yet") }
    func routeLine(_ line: String, account: String) throws(PayError) -> String { throw .internal("not yet") }
}
