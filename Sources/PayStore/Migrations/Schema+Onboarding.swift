extension Schema {
    /// Version 18: onboarding (issue 14). Merchants get a contact and a status (`MerchantStatus`,
    /// bound from Swift); business lines belong to a merchant; a channel account's config gets a
    /// version that every change of it moves (screens and caches compare it).
    ///
    /// No PayDesk before this version made merchants, so no row needs a status filled in here
    /// (the status is always written from `MerchantStatus`, never a literal in SQL).
    ///
    /// Secrets in `channel_accounts.config` are sealed value by value (`sealed:v1:…`, see
    /// `ConfigSeal`). SQL cannot encrypt, so this migration changes no config: values written
    /// before it stay plaintext until the account is next written or `paydesk account seal` runs,
    /// and `paydesk check` lists every account that still holds one.
    static let v18 = Migration(version: 18, name: "onboarding", sql: """
    ALTER TABLE merchants ADD COLUMN contact TEXT NOT NULL DEFAULT '';
    ALTER TABLE merchants ADD COLUMN status TEXT NOT NULL DEFAULT '';
    ALTER TABLE business_lines ADD COLUMN merchant_id TEXT REFERENCES merchants(id);
    CREATE INDEX business_lines_merchant ON business_lines (merchant_id);
    ALTER TABLE channel_accounts ADD COLUMN config_version INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX channel_accounts_merchant ON channel_accounts (merchant_id);
    """)
}
