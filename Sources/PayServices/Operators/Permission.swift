import PayCore

/// Something an operator may do. What each role holds is the table in `RolePermissions`.
public enum Permission: String, Sendable, CaseIterable {
    /// Ring up orders and take payments at a terminal.
    case checkout
    /// Look up the orders one sold oneself.
    case queryOwnOrders
    /// Refund a sale one made oneself (within one's refund limit).
    case refundOwnSale
    /// Refund anyone's sale (within one's refund limit unless one may also approve).
    case refundAny
    /// Approve a refund above another operator's limit; one's own refunds have no limit.
    case approveRefund
    /// Allow another payment of an order while an earlier one is unconfirmed (UNKNOWN, PENDING).
    case overrideUnconfirmed
    case closeOrder
    /// Record by hand how an UNKNOWN payment ended, after checking with the channel out of band.
    case settleByHand
    /// Find and read any order.
    case queryOrders
    case resendNotification
    case manageAlerts
    /// Add, enable, disable and test the alert sinks (webhook, DingTalk, SMS) and see their targets.
    case manageAlertSinks
    case manageRouting
    case manageRisk
    case manageOperators
    case manageBusinessLines
    /// Add, disable and enable the merchants the center collects for.
    case manageMerchants
    /// Open channel accounts, import their keys, enable, disable and test them.
    case manageChannelAccounts
    case viewAudit
    /// Change one's own password.
    case changeOwnPassword
    /// See the store's clock.
    case viewStatus
    /// Read the store's configuration: business lines, routes, risk rules (and try them).
    case viewConfiguration
    /// Read the store's health: alerts, invariant checks.
    case viewMetrics
    /// Create or migrate a store, run benchmarks against one.
    case manageStore
    /// Move a simulated store's clock.
    case advanceClock
    /// Run the background jobs (as the center itself).
    case runWorker
    /// Control the sandbox channels (outages, latency) and read the text messages they sent.
    case controlSandbox
    /// Feed a raw channel callback to the center.
    case feedCallbacks
    /// Run a reconciliation and resolve its mismatches (reading them needs `queryOrders`).
    case reconcile

    /// What the permission lets one do, to finish "may not …".
    public var phrase: String {
        switch self {
        case .checkout: "take payments"
        case .queryOwnOrders: "look up own sales"
        case .refundOwnSale: "refund own sales"
        case .refundAny: "refund other operators' sales"
        case .approveRefund: "approve refunds above the limit"
        case .overrideUnconfirmed: "allow another payment while one is unconfirmed"
        case .closeOrder: "close orders"
        case .settleByHand: "settle an unknown payment by hand"
        case .queryOrders: "look up any order"
        case .resendNotification: "resend merchant notifications"
        case .manageAlerts: "acknowledge alerts"
        case .manageAlertSinks: "manage alert sinks"
        case .manageRouting: "change routing"
        case .manageRisk: "change risk rules"
        case .manageOperators: "manage operators"
        case .manageBusinessLines: "change business lines"
        case .manageMerchants: "manage merchants"
        case .manageChannelAccounts: "manage channel accounts and their keys"
        case .viewAudit: "read the audit log"
        case .changeOwnPassword: "change their own password"
        case .viewStatus: "see the store's clock"
        case .viewConfiguration: "read business lines, routes and risk rules"
        case .viewMetrics: "read alerts and invariant checks"
        case .manageStore: "create, migrate or benchmark a store"
        case .advanceClock: "move the store's clock"
        case .runWorker: "run the background jobs"
        case .controlSandbox: "control the sandbox channels"
        case .feedCallbacks: "feed channel callbacks"
        case .reconcile: "run reconciliations or resolve their mismatches"
        }
    }
}

/// Which role holds which permission (§8), as data: the one source of truth the services check.
public enum RolePermissions {
    public static let table: [Role: Set<Permission>] = [
        // why queryOrders and refundAny: the API lets a line's system reach its own line's orders
        // only (PaymentCenterAPI scopes by the signer's line); its refunds have no per-operator limit.
        .service: [.checkout, .queryOwnOrders, .queryOrders, .refundAny, .closeOrder],
        .cashier: [.checkout, .queryOwnOrders, .refundOwnSale, .changeOwnPassword, .viewStatus],
        .support: [.queryOwnOrders, .queryOrders, .refundOwnSale, .refundAny, .resendNotification, .manageAlerts,
                   .changeOwnPassword, .viewStatus, .viewConfiguration, .viewMetrics],
        .supervisor: [.checkout, .queryOwnOrders, .queryOrders, .refundOwnSale, .refundAny, .approveRefund,
                      .overrideUnconfirmed, .closeOrder, .settleByHand, .resendNotification, .manageAlerts, .viewAudit,
                      .changeOwnPassword, .viewStatus, .viewConfiguration, .viewMetrics, .reconcile],
        .admin: Set(Permission.allCases),
    ]

    public static func permissions(of role: Role) -> Set<Permission> { table[role] ?? [] }

    public static func has(_ role: Role, _ permission: Permission) -> Bool { permissions(of: role).contains(permission) }

    /// The roles that hold `permission`, least trusted first.
    public static func roles(holding permission: Permission) -> [Role] {
        Role.allCases.filter { has($0, permission) }
    }
}
