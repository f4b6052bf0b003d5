import PayCore
import PayStore

/// Operators: adding, password changes, locks, listing, and logging in. Changes need
/// `manageOperators` (admin), except that an operator may change their own password; every change
/// and every login, good or bad, is written to the audit log in the same transaction.
public struct OperatorService {
    let context: ServiceContext

    public init(_ context: ServiceContext) { self.context = context }

    var store: Store { context.store }
    var repository: OperatorRepository { OperatorRepository(context.store) }
    var audit: AuditLog { AuditLog(context) }

    // MARK: Managing

    /// Adds an operator. Throws `invalidInput` for a bad name or password, `conflict` when the name
    /// is taken, `notPermitted` unless the actor is an admin.
    @discardableResult
    public func add(name: String, role: Role, password: String, refundLimit: Money? = nil) throws(PayError) -> OperatorAccount {
        try authorize(.manageOperators, action: "operator.add", target: target(name))
        try OperatorAccount.validateName(name)
        try OperatorAccount.validatePassword(password, for: name)
        return try insert(name: name, role: role, password: password, refundLimit: refundLimit)
    }

    /// Adds without the password rules; the demo seeder's `demo` passwords only.
    func insert(name: String, role: Role, password: String, refundLimit: Money?) throws(PayError) -> OperatorAccount {
        guard role != .service else {
            throw PayError.invalidInput("role 'service': reserved for business systems calling the API, not for operators (use one of \(Role.operatorRoles.map(\.rawValue).joined(separator: ", ")))")
        }
        if let limit = refundLimit, limit.minorUnits < 0 {
            throw PayError.invalidInput("refund limit \(limit): must not be negative")
        }
        let iterations = try store.read { try OperatorSettings(store).passwordIterations() }
        let hash = try PasswordHash.make(password: password, iterations: iterations)
        let now = context.now
        return try store.write {
            guard try repository.find(name) == nil else {
                throw PayError.conflict("operator '\(name)' already exists")
            }
            try repository.insert(name: name, role: role, password: hash, refundLimit: refundLimit, at: now)
            var detail = "role \(role.rawValue)"
            if let refundLimit { detail += ", refund limit \(refundLimit)" }
            try audit.append(actor: context.actor, action: "operator.add", target: target(name), detail: detail)
            return try repository.find(name)!.account
        }
    }

    /// Sets a new password (and clears failed logins and a failure lockout). An admin may set
    /// anyone's; an operator their own.
    public func changePassword(name: String, newPassword: String) throws(PayError) {
        if context.actor.name != name {
            try authorize(.manageOperators, action: "operator.passwd", target: target(name))
        }
        try OperatorAccount.validatePassword(newPassword, for: name)
        _ = try require(name)
        let iterations = try store.read { try OperatorSettings(store).passwordIterations() }
        let hash = try PasswordHash.make(password: newPassword, iterations: iterations)
        let now = context.now
        try store.write {
            guard try repository.setPassword(name, hash, at: now) else { throw PayError.notFound("operator '\(name)': not found") }
            try audit.append(actor: context.actor, action: "operator.passwd", target: target(name))
        }
    }

    /// Locks an operator out until an admin unlocks them. Returns false when already locked.
    @discardableResult
    public func lock(name: String) throws(PayError) -> Bool {
        try authorize(.manageOperators, action: "operator.lock", target: target(name))
        _ = try require(name)
        guard name != context.actor.name else {
            throw PayError.conflict("operator '\(name)': you cannot lock yourself out")
        }
        let now = context.now
        return try store.write {
            guard try repository.setDisabled(name, true, at: now) else { return false }
            try audit.append(actor: context.actor, action: "operator.lock", target: target(name))
            return true
        }
    }

    /// Unlocks an operator locked by an admin or by failed logins. Returns false when not locked.
    @discardableResult
    public func unlock(name: String) throws(PayError) -> Bool {
        try authorize(.manageOperators, action: "operator.unlock", target: target(name))
        _ = try require(name)
        let now = context.now
        return try store.write {
            guard try repository.setDisabled(name, false, at: now) else { return false }
            try audit.append(actor: context.actor, action: "operator.unlock", target: target(name))
            return true
        }
    }

    /// Sets an operator's own refund limit, or clears it (nil: the store's default).
    public func setRefundLimit(name: String, _ limit: Money?) throws(PayError) {
        try authorize(.manageOperators, action: "operator.limit", target: target(name))
        if let limit, limit.minorUnits < 0 { throw PayError.invalidInput("refund limit \(limit): must not be negative") }
        let now = context.now
        try store.write {
            guard try repository.setRefundLimit(name, limit, at: now) else { throw PayError.notFound("operator '\(name)': not found") }
            try audit.append(actor: context.actor, action: "operator.limit", target: target(name),
                             detail: limit.map { "refund limit \($0)" } ?? "refund limit: store default")
        }
    }

    /// Every operator, by name. Needs `manageOperators`.
    public func list() throws(PayError) -> [OperatorAccount] {
        try Authorizer.require(.manageOperators, actor: context.actor)
        return try store.read { try repository.all() }
    }

    /// One operator, or `notFound`.
    public func require(_ name: String) throws(PayError) -> OperatorAccount {
        guard let found = try store.read({ try repository.find(name) }) else {
            throw PayError.notFound("operator '\(name)': not found (see `paydesk operator list`)")
        }
        return found.account
    }

    /// The refund limit that applies to `name` (their own, else the store's default).
    public func refundLimit(of name: String) throws(PayError) -> Money {
        try store.read {
            if let own = try repository.find(name)?.account.refundLimit { return own }
            return try OperatorSettings(store).defaultRefundLimit()
        }
    }

    // MARK: Logging in

    /// Checks `name` and `password` and returns the operator as an actor acting from `origin`.
    ///
    /// Throws `notPermitted` with one message for an unknown name, a wrong password and a locked
    /// or disabled account, after a PBKDF2 of the same cost in each case, so neither the answer
    /// nor its timing tells them apart (nor which guess was right while the account is locked).
    /// Each guess is reserved in the store before the password is checked
    /// (`OperatorRepository.reserveGuess`): at most `SessionPolicy.maxFailedLogins` guesses are
    /// checked per `SessionPolicy.lockoutDuration`, however many processes try at once; a good
    /// login clears the count. Every attempt is audited, with the real reason.
    public func login(name: String, password: String, origin: String) throws(PayError) -> Actor {
        let now = context.now
        let found = try store.read { try repository.find(name) }
        let failedMessage = "login failed for operator '\(name)': wrong name or password, or the account is locked"
        guard let found, let hash = found.password else {
            let iterations = try store.read { try OperatorSettings(store).passwordIterations() }
            PasswordHash.burn(password: password, iterations: iterations)
            // why: a name that breaks the name rules is often a password typed in the wrong field;
            // it is not written to the log.
            let wellFormed = (try? OperatorAccount.validateName(name)) != nil
            try audit.append(actorName: wellFormed ? name : "?", role: nil, origin: origin, action: "login",
                             target: wellFormed ? target(name) : nil, outcome: .failed,
                             detail: found != nil ? "no password set" : wellFormed ? "unknown operator" : "unknown operator (name not recorded: not a valid name)")
            throw PayError.notPermitted(failedMessage)
        }
        let account = found.account
        let lockUntil = now.adding(milliseconds: SessionPolicy.lockoutDuration)
        let reserved = try store.write {
            let reserved = try repository.reserveGuess(name, at: now, threshold: SessionPolicy.maxFailedLogins, lockUntil: lockUntil)
            if reserved == nil {
                let state = try repository.find(name)?.account.state(at: now)
                let why: String
                switch state {
                case .disabled?: why = "locked by an administrator"
                case .lockedOut(let until)?: why = "locked until \(until.iso8601)"
                default: why = "locked"
                }
                try audit.append(actorName: name, role: account.role, origin: origin, action: "login", target: target(name),
                                 outcome: .failed, detail: "\(why); password not checked")
            }
            return reserved
        }
        // why: the slow PBKDF2 runs outside the write transaction; a locked account gets one of
        // the same cost whose answer is thrown away, so its timing tells nothing either.
        let good = try hash.matches(password)
        guard let reserved else { throw PayError.notPermitted(failedMessage) }
        let actor = Actor(name: name, role: account.role, origin: origin)
        if good {
            let recorded = try store.write {
                guard try repository.recordSuccess(name, passwordHash: hash.hash, at: now) else {
                    try audit.append(actorName: name, role: account.role, origin: origin, action: "login", target: target(name),
                                     outcome: .failed, detail: "locked by an administrator or given a new password while logging in")
                    return false
                }
                try audit.append(actor: actor, action: "login", target: target(name))
                return true
            }
            guard recorded else { throw PayError.notPermitted(failedMessage) }
            return actor
        }
        try store.write {
            var detail = "wrong password (\(reserved.guesses) of \(SessionPolicy.maxFailedLogins))"
            if let until = reserved.lockedUntil { detail += "; locked until \(until.iso8601)" }
            try audit.append(actorName: name, role: account.role, origin: origin, action: "login", target: target(name),
                             outcome: .failed, detail: detail)
        }
        throw PayError.notPermitted(failedMessage)
    }

    // MARK: Helpers

    /// Refuses (audited, `notPermitted`) an actor who may not manage operators: lets a command
    /// refuse before it asks for a new password.
    public func requireManagement(_ action: String, of name: String) throws(PayError) {
        try authorize(.manageOperators, action: action, target: target(name))
    }

    func target(_ name: String) -> String { "operator:\(name)" }

    /// `Authorizer.require`, with a refusal written to the audit log before it is thrown.
    func authorize(_ permission: Permission, action: String, target: String) throws(PayError) {
        do {
            try Authorizer.require(permission, actor: context.actor)
        } catch {
            // why: the refusal is recorded in its own transaction (nothing else is written); a
            // failure to record it must not hide the refusal itself.
            _ = try? audit.append(actor: context.actor, action: action, target: target, outcome: .denied, detail: error.message)
            throw error
        }
    }
}
