import PayCore
import PayStore

/// The routing rules with their candidates, kept per context (a process's isolation domain) and
/// dropped as a whole when the rules' version in the store (`store_versions`, schema 24) moves —
/// any change of any rule or candidate, by any process, moves it. A class so copies of a service
/// share it.
///
/// Rules are indexed by method and currency: a payment looks only at the enabled rules of its
/// method that name its currency or none, in the order they are tried, so a thousand rules in
/// other methods and currencies cost nothing.
final class RouteBook {
    private struct Key: Hashable {
        let method: PaymentMethod
        let currency: Currency
    }

    private var version: Int64 = -1
    /// Every rule of a method, disabled ones included, in order (for `explain`).
    private var byMethod: [PaymentMethod: [RouteRule]] = [:]
    /// The enabled rules a payment of that method and currency may match, in order; built on first use.
    private var candidatesFor: [Key: [RouteRule]] = [:]

    /// Every rule of `method` as stored at `version`, in the order they are tried.
    func rules(for method: PaymentMethod, store: Store, version: Int64) throws -> [RouteRule] {
        try load(store, version)
        return byMethod[method] ?? []
    }

    /// The enabled rules of `method` that take `currency` (naming it or none), in the order they
    /// are tried: the only ones a payment in that method and currency can match.
    func enabledRules(for method: PaymentMethod, currency: Currency, store: Store, version: Int64) throws -> [RouteRule] {
        try load(store, version)
        let key = Key(method: method, currency: currency)
        if let hit = candidatesFor[key] { return hit }
        let rules = (byMethod[method] ?? []).filter { $0.enabled && ($0.currency == nil || $0.currency == currency) }
        candidatesFor[key] = rules
        return rules
    }

    private func load(_ store: Store, _ version: Int64) throws {
        guard version != self.version else { return }
        byMethod = Dictionary(grouping: try store.routes.allWithCandidates(), by: \.method)
        candidatesFor = [:]
        self.version = version
    }
}
