extension Schema {
    /// Version 23: business lines' secrets at rest (issue 14). API secrets are sealed from now on
    /// (`sealed:v1:…`, see `LineSecrets`), so the hint that tells them apart ("…" and the last four
    /// characters) can no longer be read off the stored value: it gets a column of its own, filled
    /// here from the plaintext secrets already stored.
    ///
    /// SQL cannot encrypt, so this migration seals nothing: `paydesk init` on an existing store seals
    /// every notify and API secret still in plaintext, and `paydesk check` names any line that
    /// keeps one.
    static let v23 = Migration(version: 23, name: "line secrets at rest", sql: """
    ALTER TABLE api_secrets ADD COLUMN hint TEXT NOT NULL DEFAULT '';
    UPDATE api_secrets SET hint = '…' || substr(secret, -4) WHERE hint = '';
    """)
}
