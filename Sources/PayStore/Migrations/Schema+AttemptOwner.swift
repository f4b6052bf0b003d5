extension Schema {
    /// Version 6: the process that owns a PROCESSING attempt (`ProcessIdentity`). The payer claims
    /// its attempt with a guarded update on status and owner right before it calls the channel,
    /// so a payer that stalled while the janitor took the attempt over gives up instead of charging.
    /// And an index for a cashier's own sales, which include the orders they took a payment for.
    static let v6 = Migration(version: 6, name: "attempt owner", sql: """
    ALTER TABLE payment_attempts ADD COLUMN owner TEXT;
    CREATE INDEX payment_attempts_operator ON payment_attempts (operator, order_id);
    """)
}
