extension Schema {
    /// Version 10: at most one PROCESSING payment attempt per order. The payment core also
    /// refuses a new attempt while another of the order is in flight or unconfirmed (one guarded
    /// insert); this constraint keeps two tills from both starting a charge even where the store
    /// does not serialise writers.
    static let v10 = Migration(version: 10, name: "one charge in flight per order", sql: """
    CREATE UNIQUE INDEX payment_attempts_one_processing ON payment_attempts (order_id) WHERE status = 'PROCESSING';
    """)
}
