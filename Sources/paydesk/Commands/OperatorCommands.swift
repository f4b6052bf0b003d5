import PayCore
import PayStore
import PayServices

/// `operator add|passwd|lock|unlock|list`: admin only (an operator may change their own password).
enum OperatorCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["operator", "add"],
            summary: "add an operator with a role (admin only)",
            details: """
            Roles: cashier, support, supervisor, admin. The password comes from $PAYDESK_NEW_PASSWORD,
            else $PAYDESK_PASSWORD when no --operator is given, else a prompt on the terminal; at least
            8 characters. --refund-limit is in --currency (default: the store's default limit's).
            """,
            positionals: ["NAME"],
            options: [
                .value("role", "R", "cashier, support, supervisor or admin"),
                .value("refund-limit", "A", "refunds up to this need no approval (default: the store's)"),
                .value("currency", "C", "currency of --refund-limit"),
            ],
            run: add),
        CommandSpec(
            path: ["operator", "passwd"],
            summary: "set an operator's password (admin, or the operator themself)",
            details: "The new password comes from $PAYDESK_NEW_PASSWORD, else $PAYDESK_PASSWORD when no --operator is given, else a prompt.",
            positionals: ["NAME"],
            options: [],
            run: passwd),
        CommandSpec(
            path: ["operator", "lock"],
            summary: "lock an operator out until unlocked (admin only)",
            positionals: ["NAME"],
            options: [],
            run: lock),
        CommandSpec(
            path: ["operator", "unlock"],
            summary: "unlock an operator locked by an admin or by failed logins (admin only)",
            positionals: ["NAME"],
            options: [],
            run: unlock),
        CommandSpec(
            path: ["operator", "list"],
            summary: "list operators with their role and state (admin only)",
            options: [],
            run: list),
    ]

    static func name(_ args: ParsedArguments, _ command: String) throws(PayError) -> String {
        guard let name = args.positionals.first else { throw PayError.usage("operator \(command): missing NAME") }
        return name
    }

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args, "add")
        let role = try Role.parse(try args.required("role"), field: "--role")
        guard role != .service else {
            throw PayError.invalidInput("--role 'service': reserved for business systems calling the API (operators are \(Role.operatorRoles.map(\.rawValue).joined(separator: ", ")))")
        }
        let context = try CommandLineApp.openContext(args, io: io)
        // why: refuse a non-admin before asking for a password they have no use for.
        try OperatorService(context).requireManagement("operator.add", of: name)
        var limit: Money?
        if let text = args.value("refund-limit") {
            let currency = try args.value("currency").map { code throws(PayError) in try Currency.parse(code, field: "--currency") }
                ?? context.store.read { try OperatorSettings(context.store).defaultRefundLimit().currency }
            limit = try Money.parse(text, currency: currency, field: "--refund-limit")
        } else if args.value("currency") != nil {
            throw PayError.usage("--currency goes with --refund-limit")
        }
        let password = try OperatorLogin.newPassword(for: name, args, io: io)
        let account = try OperatorService(context).add(name: name, role: role, password: password, refundLimit: limit)
        let effective = try OperatorService(context).refundLimit(of: name)
        if args.has("json") {
            try io.json(OperatorJSON(account, now: context.now, refundLimit: effective))
        } else {
            io.out("Added operator \(account.name) (\(account.role.rawValue)), refund limit \(effective)\(account.refundLimit == nil ? " (store default)" : "").")
        }
        return 0
    }

    static func passwd(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args, "passwd")
        let context = try CommandLineApp.openContext(args, io: io)
        let service = OperatorService(context)
        if context.actor.name != name { try service.requireManagement("operator.passwd", of: name) }
        _ = try service.require(name)
        let password = try OperatorLogin.newPassword(for: name, args, io: io)
        try service.changePassword(name: name, newPassword: password)
        io.out("Password of \(name) changed.")
        return 0
    }

    static func lock(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args, "lock")
        let context = try CommandLineApp.openContext(args, io: io)
        let changed = try OperatorService(context).lock(name: name)
        if args.has("json") { return try lockJSON(name, locked: true, changed: changed, io: io) }
        io.out(changed ? "Locked \(name); `paydesk operator unlock \(name)` lets them in again." : "\(name) was already locked.")
        return 0
    }

    static func unlock(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let name = try name(args, "unlock")
        let context = try CommandLineApp.openContext(args, io: io)
        let changed = try OperatorService(context).unlock(name: name)
        if args.has("json") { return try lockJSON(name, locked: false, changed: changed, io: io) }
        io.out(changed ? "Unlocked \(name)." : "\(name) was not locked.")
        return 0
    }

    /// `operator lock|unlock --json`: the operator, whether it is locked now, whether this changed it.
    static func lockJSON(_ name: String, locked: Bool, changed: Bool, io: CommandIO) throws(PayError) -> Int32 {
        struct Result: Encodable { let `operator`: String; let locked, changed: Bool }
        try io.json(Result(operator: name, locked: locked, changed: changed))
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let service = OperatorService(context)
        let accounts = try service.list()
        let now = context.now
        var limits: [String: Money] = [:]
        for account in accounts { limits[account.name] = try service.refundLimit(of: account.name) }
        if args.has("json") {
            struct Result: Encodable { let operators: [OperatorJSON] }
            try io.json(Result(operators: accounts.map { OperatorJSON($0, now: now, refundLimit: limits[$0.name]!) }))
            return 0
        }
        if accounts.isEmpty {
            io.out("No operators. Add one with `paydesk operator add NAME --role R`.")
            return 0
        }
        var lines = [TextColumns.table(["NAME", "ROLE", "STATE", "REFUND LIMIT", "FAILED LOGINS"], accounts.map { account in
            [account.name, account.role.rawValue, stateText(account, now: now),
             "\(limits[account.name]!)\(account.refundLimit == nil ? "*" : "")", String(account.failedLogins)]
        })]
        lines.append("* the store's default limit")
        io.out(lines.joined(separator: "\n"))
        return 0
    }

    static func stateText(_ account: OperatorAccount, now: Timestamp) -> String {
        switch account.state(at: now) {
        case .active: "active"
        case .disabled: "locked by an admin"
        case .lockedOut(let until): "locked until \(until.displayString)"
        }
    }
}

/// One operator in `operator list --json` and `operator add --json`.
struct OperatorJSON: Encodable {
    let name: String
    let role: String
    /// "active", "locked" (by an admin) or "locked-out" (failed logins).
    let state: String
    let lockedUntil: String?
    let failedLogins: Int
    let refundLimit: String
    let refundLimitCurrency: String
    let ownRefundLimit: Bool
    let createdAt: String

    init(_ account: OperatorAccount, now: Timestamp, refundLimit: Money) {
        name = account.name
        role = account.role.rawValue
        switch account.state(at: now) {
        case .active: state = "active"; lockedUntil = nil
        case .disabled: state = "locked"; lockedUntil = nil
        case .lockedOut(let until): state = "locked-out"; lockedUntil = until.iso8601
        }
        failedLogins = account.failedLogins
        self.refundLimit = refundLimit.decimalString
        refundLimitCurrency = refundLimit.currency.code
        ownRefundLimit = account.refundLimit != nil
        createdAt = account.createdAt.iso8601
    }
}
