extension Schema {
    /// Operators and audit: a refund limit is money, so it gets its currency; an audit entry keeps
    /// the role its actor had at the time (roles change later); an order's timeline finds its
    /// entries by target.
    static let v4 = Migration(version: 4, name: "operators and audit", sql: """
    ALTER TABLE operators ADD COLUMN refund_limit_currency TEXT;
    ALTER TABLE audit_log ADD COLUMN actor_role TEXT;
    CREATE INDEX audit_log_at ON audit_log (at, id);
    CREATE INDEX audit_log_target ON audit_log (target, id);
    """)
}
