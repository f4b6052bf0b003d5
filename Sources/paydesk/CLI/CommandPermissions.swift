import PayCore
import PayStore
import PayServices

/// The permission each command of the command line needs, keyed by the command's words, and the
/// one check of it: `CommandLineApp` calls `authorize` after parsing and before the command runs,
/// so a command outside the actor's role does nothing at all (exit 8). The services check again,
/// more finely (own sale or anyone's, refund limits).
///
/// A command missing from the table does not run (internal error): a new command must say what
/// it needs here.
enum CommandPermissions {
    static let table: [String: Permission] = [
        "init": .manageStore,
        "order create": .checkout,
        "query": .queryOwnOrders,
        "orders": .queryOwnOrders,
        "orders view save": .queryOwnOrders,
        "orders view list": .queryOwnOrders,
        "orders view delete": .queryOwnOrders,
        // why: as for `query`, the service then lets a cashier see only their own sales.
        "timeline": .queryOwnOrders,
        "raw": .queryOwnOrders,
        "pay": .checkout,
        "refund": .refundOwnSale,
        "resend": .resendNotification,
        "duplicate hold": .refundAny,
        "close": .closeOrder,
        "settle": .settleByHand,
        "clock advance": .advanceClock,
        "clock show": .viewStatus,
        "business list": .viewConfiguration,
        "business set": .manageBusinessLines,
        "business api-secret": .manageBusinessLines,
        "business add": .manageBusinessLines,
        "merchant add": .manageMerchants, "merchant disable": .manageMerchants, "merchant enable": .manageMerchants,
        "merchant list": .viewConfiguration,
        "account add": .manageChannelAccounts, "account set": .manageChannelAccounts, "account import-key": .manageChannelAccounts,
        "account enable": .manageChannelAccounts, "account disable": .manageChannelAccounts, "account test": .manageChannelAccounts,
        // why: the listing shows which secrets are set (masked) and the ids; admins only, as the rest of `account`.
        "account list": .manageChannelAccounts,
        "sandbox register": .controlSandbox,
        "worker": .runWorker,
        // why: serving holds the worker lease and answers for every line: the worker's and the store's keeper's.
        "serve": .runWorker,
        "check": .viewMetrics,
        "alerts": .viewMetrics,
        "alerts ack": .manageAlerts,
        "metrics": .viewMetrics,
        "metrics retention": .manageStore,
        "alerts sinks list": .manageAlertSinks,
        "alerts sinks add": .manageAlertSinks,
        "alerts sinks disable": .manageAlertSinks,
        "alerts sinks enable": .manageAlertSinks,
        "alerts sinks test": .manageAlertSinks,
        "alerts show": .viewMetrics,
        "alerts silence": .manageAlerts,
        "alerts silences": .viewMetrics,
        "alerts unsilence": .manageAlerts,
        "alerts rules list": .viewMetrics,
        "alerts rules add": AlertService.rulePermission,
        "alerts rules disable": AlertService.rulePermission,
        "alerts rules enable": AlertService.rulePermission,
        "alerts evaluate": .runWorker,
        "route list": .viewConfiguration,
        "route explain": .viewConfiguration,
        "route add": .manageRouting,
        "route set": .manageRouting,
        "route remove": .manageRouting,
        "risk list": .viewConfiguration,
        "risk add": .manageRisk,
        "risk test": .viewConfiguration,
        "risk list-add": .manageRisk,
        "risk list-remove": .manageRisk,
        "risk disable": .manageRisk,
        "risk enable": .manageRisk,
        "bench route": .manageStore,
        "bench render": .manageStore,
        "bench serve": .manageStore,
        "bench pay": .manageStore,
        "bench browse": .manageStore,
        "bench reconcile": .manageStore,
        "bench cli": .manageStore,
        "operator add": .manageOperators,
        // why: the service lets an operator change their own password and an admin anyone's.
        "operator passwd": .changeOwnPassword,
        "operator lock": .manageOperators,
        "operator unlock": .manageOperators,
        "operator list": .manageOperators,
        "audit": .viewAudit,
        "audit verify": .viewAudit,
        // why: callbacks and bills show every customer's payments; only who may query any order reads them.
        "sandbox callbacks": .queryOrders,
        "sandbox bill": .queryOrders,
        "sandbox outage": .controlSandbox,
        "sandbox latency": .controlSandbox,
        "sandbox callbacks-to": .controlSandbox,
        "sandbox serve": .controlSandbox,
        // why: the texts carry one-time codes that pass a risk challenge.
        "sandbox sms": .controlSandbox,
        "sandbox bill-fault drop-callback": .controlSandbox, "sandbox bill-fault omit": .controlSandbox, "sandbox bill-fault fee": .controlSandbox,
        "sandbox bill-fault extra": .controlSandbox, "sandbox bill-fault shift": .controlSandbox, "sandbox bill-fault list": .controlSandbox,
        "notify": .feedCallbacks,
        // why queryOrders: the runs and their mismatches show every customer's payments, as the bills do.
        "reconcile": .reconcile, "reconcile list": .queryOrders, "reconcile show": .queryOrders,
        "reconcile resolve": .reconcile, "reconcile schedule": .manageStore,
        // why manageStore: the demo makes (and removes) a store of its own; its tours then act as its operators.
        "demo": .manageStore,
    ]

    /// The permission `command` needs; `internal` for a command the table forgot.
    static func permission(for command: String) throws(PayError) -> Permission {
        guard let permission = table[command] else {
            throw PayError.internal("command '\(command)' has no permission in CommandPermissions; it does not run")
        }
        return permission
    }

    /// The line `paydesk COMMAND --help` ends with: who may run it.
    static func helpLine(for command: String) -> String {
        guard let permission = table[command] else { return "" }
        return "Needs the right to \(permission.phrase): \(Authorizer.rolesText(permission)).\n"
    }

    /// Logs in `--operator NAME` (when given) and checks the command's permission before the
    /// command does anything. The logged-in context is kept in `io` for `openContext`, so the
    /// operator logs in once. Without `--operator` the actor is the local administrator, who
    /// holds every permission; the store is then opened by the command itself.
    static func authorize(_ command: String, _ args: ParsedArguments, io: inout CommandIO) throws(PayError) {
        let permission = try permission(for: command)
        guard args.value("operator") != nil else {
            try Authorizer.require(permission, actor: .localAdministrator(unixUser: io.unixUser))
            return
        }
        let store = try Store.open(path: io.storePath(args))
        let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: io.unixUser))
        try OperatorLogin.authenticate(args, context: context, io: io)
        do {
            try Authorizer.require(permission, actor: context.actor)
        } catch {
            // why: the refusal is recorded on its own; a failure to record it must not hide it.
            _ = try? AuditLog(context).append(actor: context.actor, action: "command", target: "command:\(command)",
                                              outcome: .denied, detail: error.message)
            throw error
        }
        io.authenticated = context
    }
}
