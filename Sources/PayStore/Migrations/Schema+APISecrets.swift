extension Schema {
    /// Version 17: API secrets of the business lines and the nonces of signed requests (issue 13).
    ///
    /// A line has one current secret (`expires_at` NULL; the partial unique index keeps it one)
    /// and, during a rotation, older ones that verify until their `expires_at`. `api_nonces`
    /// holds every accepted signature (its v1 value) until its timestamp has left the window: a
    /// replay is refused by the primary key when the second insert fails, never by a read first.
    static let v17 = Migration(version: 17, name: "api secrets", sql: """
    CREATE TABLE api_secrets (
        business_line TEXT NOT NULL REFERENCES business_lines(code),
        id            TEXT NOT NULL,
        secret        TEXT NOT NULL,
        created_by    TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        expires_at    INTEGER,
        PRIMARY KEY (business_line, id)
    );
    CREATE UNIQUE INDEX api_secrets_current ON api_secrets (business_line) WHERE expires_at IS NULL;

    CREATE TABLE api_nonces (
        business_line TEXT NOT NULL,
        signature     TEXT NOT NULL,
        expires_at    INTEGER NOT NULL,
        PRIMARY KEY (business_line, signature)
    );
    CREATE INDEX api_nonces_expiry ON api_nonces (expires_at);
    """)
}
