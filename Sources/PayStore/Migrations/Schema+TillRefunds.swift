extension Schema {
    /// Version 20: refunds by items at the till (issue 15).
    ///
    /// `order_items.refunded_quantity` counts the items given back by refunds not failed; its CHECK
    /// keeps it within the item's quantity, and `RefundLineRepository.reserve` raises it with a
    /// guarded update (`… WHERE refunded_quantity + ? <= quantity`, checked by rows changed), so two
    /// tills refunding the same item at once cannot both pass, whatever the writers' locking.
    /// `refund_lines` says which items a refund covers; `released` flips once (a guarded update)
    /// when the refund fails and its quantities are given back to the items.
    static let v20 = Migration(version: 20, name: "till refunds", sql: """
    ALTER TABLE order_items ADD COLUMN refunded_quantity INTEGER NOT NULL DEFAULT 0
        CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity);

    CREATE TABLE refund_lines (
        refund_id     INTEGER NOT NULL REFERENCES refunds(id),
        position      INTEGER NOT NULL,
        order_id      INTEGER NOT NULL,
        quantity      INTEGER NOT NULL CHECK (quantity > 0),
        amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
        released      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (refund_id, position),
        FOREIGN KEY (order_id, position) REFERENCES order_items(order_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX refund_lines_order ON refund_lines (order_id, position);
    """)
}
