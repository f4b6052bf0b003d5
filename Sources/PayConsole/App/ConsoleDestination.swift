import PayCore
import PayServices
import TUIKit

/// The places the console can go, by function key (DESIGN §9). The destination table below is
/// the one source for the keys, the help overlay's "Everywhere" section, the palette's "Go to …"
/// entries and who may go where: adding a screen is one entry.
public enum Destination: String, Sendable, CaseIterable {
    case checkout, orders, alerts, dashboard, reconciliation, admin
}

/// One row of the destination table: where, under which title and key, made how, and the
/// permission an operator needs to go there (its roles come from `RolePermissions`).
@MainActor
struct DestinationEntry {
    let destination: Destination
    let title: String
    let key: Key
    let permission: Permission
    let make: @MainActor (ConsoleApp) -> any ConsoleScreen

    /// Whether `actor` may go there.
    func allows(_ actor: Actor) -> Bool { Authorizer.allows(permission, actor: actor) }

    /// Why `actor` may not go there, naming the roles that may.
    func refusal(for actor: Actor) -> String {
        "\(actor.name) (\(actor.role.rawValue)) may not open \(title.lowercased()): needs \(Authorizer.rolesText(permission))"
    }
}

@MainActor
enum DestinationTable {
    static let entries: [DestinationEntry] = [
        DestinationEntry(destination: .checkout, title: "Checkout", key: .function(2), permission: .checkout,
                         make: { CheckoutScreen(app: $0) }),
        DestinationEntry(destination: .orders, title: "Orders", key: .function(3), permission: .queryOwnOrders,
                         make: { OrdersScreen(app: $0) }),
        DestinationEntry(destination: .alerts, title: "Alerts", key: .function(4), permission: .viewMetrics,
                         make: { AlertPanelScreen(app: $0) }),
        DestinationEntry(destination: .dashboard, title: "Dashboard", key: .function(5), permission: .viewMetrics,
                         make: { DashboardScreen(app: $0) }),
        DestinationEntry(destination: .reconciliation, title: "Reconciliation", key: .function(6), permission: .queryOrders,
                         make: { ReconciliationScreen(app: $0) }),
        // why F11: the checkout uses F6–F9 and F12 while ringing up; manageBusinessLines is admin-only.
        DestinationEntry(destination: .admin, title: "Admin", key: .function(11), permission: .manageBusinessLines,
                         make: { AdminScreen(app: $0) }),
    ]

    static func entry(_ destination: Destination) -> DestinationEntry {
        // why force unwrap: every Destination case has a row (RouterTests checks it).
        entries.first { $0.destination == destination }!
    }

    /// Where a login lands: support and supervisor on the orders, cashier and admin on the checkout
    /// (an admin also rings up test sales; the orders are one key away).
    static func landing(for role: Role) -> Destination {
        switch role {
        case .support, .supervisor, .service: return .orders
        case .cashier, .admin: return .checkout
        }
    }
}
