import PayCore

/// A logged-in operator at a terminal, with the idle lock of §8: after
/// `SessionPolicy.idleLockAfter` without activity the session is locked and only the same
/// operator's password opens it again. The screen's work stays with the caller; only the actor is
/// held here.
public struct OperatorSession: Sendable {
    public let actor: Actor
    public private(set) var lastActivity: Timestamp
    /// Set once the idle time has run out, until `unlock` succeeds.
    public private(set) var locked = false

    public init(actor: Actor, at now: Timestamp) {
        self.actor = actor
        self.lastActivity = now
    }

    /// Whether the session is locked at `now` (idle too long, or locked before and not reopened).
    public func isLocked(at now: Timestamp) -> Bool {
        locked || now.milliseconds - lastActivity.milliseconds >= SessionPolicy.idleLockAfter
    }

    /// Records a key press. Returns false, and locks, when the session had already idled out: the
    /// key must then go to the lock screen, not to the work behind it.
    @discardableResult
    public mutating func touch(at now: Timestamp) -> Bool {
        if isLocked(at: now) {
            locked = true
            return false
        }
        lastActivity = now
        return true
    }

    /// Reopens a locked session with the operator's password (a real login: audited, counted
    /// toward the lockout). Throws `notPermitted` on a wrong password.
    public mutating func unlock(password: String, using operators: OperatorService, at now: Timestamp) throws(PayError) {
        _ = try operators.login(name: actor.name, password: password, origin: actor.origin)
        locked = false
        lastActivity = now
    }
}
