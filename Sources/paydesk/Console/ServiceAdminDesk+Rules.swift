import PayCore
import PayStore
import PayServices
import PayConsole

/// The rules screen's door: routes through `RoutingService`'s editing (admin: `manageRouting`),
/// risk rules and lists through `RiskService`'s (admin: `manageRisk`), each checked, guarded and
/// audited there; the answers are sentences for the status line.
extension ServiceAdminDesk {
    func enableMerchant(id: String) throws(PayError) {
        try MerchantService(fresh()).enable(id)
    }

    func rules() throws(PayError) -> AdminRules {
        let context = try fresh()
        let store = context.store
        let routes = try store.read { try store.routes.all() }.map { rule in
            AdminRoute(name: rule.name, line: rule.businessLine?.rawValue, method: rule.method.rawValue, currency: rule.currency?.code,
                       strategy: rule.strategy.rawValue, enabled: rule.enabled,
                       accounts: rule.candidates.sorted { $0.priority < $1.priority }.map { $0.weight == 1 ? $0.accountId : "\($0.accountId):\($0.weight)" })
        }
        let risk = try RiskService(context).rules().map {
            AdminRiskRule(name: $0.rule.name, action: $0.rule.action.rawValue, expression: $0.rule.expression, enabled: $0.rule.enabled)
        }
        let lists = try store.read { try store.riskLists.all() }.map { AdminRiskList(name: $0.name, values: $0.values) }
        return AdminRules(routes: routes, riskRules: risk, riskLists: lists)
    }

    func setRouteAccounts(_ route: String, accounts: [String]) throws(PayError) -> String {
        let service = RoutingService(try fresh())
        let old = try service.rule(named: route)
        guard !accounts.isEmpty else { throw PayError.invalidInput("Accounts: at least one channel account (remove the route instead)") }
        let candidates = try RouteCommands.candidates(accounts, keeping: old.candidates)
        let new = try service.updateRule(old, to: Self.rule(old, enabled: old.enabled, candidates: candidates))
        return "Route \(new.name): \(new.method.rawValue) payments go to \(new.candidates.map(\.accountId).joined(separator: ", then "))"
    }

    func setRouteEnabled(_ route: String, enabled: Bool) throws(PayError) -> String {
        let service = RoutingService(try fresh())
        let old = try service.rule(named: route)
        guard old.enabled != enabled else { return "Route \(route) is \(enabled ? "on" : "off") already" }
        _ = try service.updateRule(old, to: Self.rule(old, enabled: enabled, candidates: old.candidates))
        return "Route \(route) \(enabled ? "on" : "off")"
    }

    func removeRoute(_ route: String) throws(PayError) -> String {
        let removed = try RoutingService(try fresh()).removeRule(named: route)
        return "Route \(removed.name) removed; the \(removed.method.rawValue) payments it covered go to the next route that covers them"
    }

    func setRiskRuleEnabled(_ rule: String, enabled: Bool) throws(PayError) -> String {
        let (_, changed) = try RiskService(try fresh()).setRuleEnabled(rule, enabled)
        return changed ? "Risk rule \(rule) \(enabled ? "enabled" : "disabled")" : "Risk rule \(rule) is \(enabled ? "enabled" : "disabled") already"
    }

    func addToRiskList(_ list: String, value: String) throws(PayError) -> String {
        let edit = try RiskService(try fresh()).addToList(list, values: [value])
        return edit.changed.isEmpty ? "\(list) holds \(edit.unchanged.joined()) already" : "\(edit.changed.joined()) added to \(list)"
    }

    func removeFromRiskList(_ list: String, value: String) throws(PayError) -> String {
        let edit = try RiskService(try fresh()).removeFromList(list, values: [value])
        return "\(edit.changed.joined()) removed from \(list)"
    }

    private static func rule(_ old: RouteRule, enabled: Bool, candidates: [RouteRule.Candidate]) -> RouteRule {
        RouteRule(id: old.id, name: old.name, businessLine: old.businessLine, method: old.method, currency: old.currency,
                  minMinor: old.minMinor, maxMinor: old.maxMinor, strategy: old.strategy, position: old.position,
                  enabled: enabled, candidates: candidates)
    }
}
