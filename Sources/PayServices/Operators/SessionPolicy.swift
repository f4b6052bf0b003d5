import PayCore

/// The timing rules of operator sessions (§8), in one place for the services and the console.
public enum SessionPolicy {
    /// The console locks after this long without a key and asks for the password again.
    public static let idleLockAfter: Int64 = 15 * 60_000
    /// Failed logins in a row that lock the account.
    public static let maxFailedLogins = 10
    /// How long an account stays locked after `maxFailedLogins` failures.
    public static let lockoutDuration: Int64 = 30 * 60_000
}
