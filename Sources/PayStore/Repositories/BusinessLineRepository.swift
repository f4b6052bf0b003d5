import PayCore

/// Business lines and their settings.
public struct BusinessLineRepository {
    let db: Connection

    public func insert(_ line: BusinessLine, at now: Timestamp) throws {
        try db.execute("""
            INSERT INTO business_lines (code, name, layout, default_currency, allowed_methods, notify_url, notify_secret, merchant_id, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [line.code.rawValue, line.name, line.layout, line.defaultCurrency.code,
                  line.allowedMethods.map(\.rawValue).joined(separator: ","), line.notifyURL, line.notifySecret,
                  line.merchantId, now.milliseconds])
        if !line.notifyURL.isEmpty {
            try db.execute("UPDATE business_lines SET notify_since = ? WHERE code = ?", [now.milliseconds, line.code.rawValue])
        }
    }

    public func all() throws -> [BusinessLine] {
        try db.rows("SELECT * FROM business_lines ORDER BY code").map(Self.decode)
    }

    public func find(_ code: BusinessLineCode) throws -> BusinessLine? {
        try db.row("SELECT * FROM business_lines WHERE code = ?", [code.rawValue]).map(Self.decode)
    }

    /// The business line, or a not-found error naming the known ones.
    public func require(_ code: BusinessLineCode) throws -> BusinessLine {
        if let line = try find(code) { return line }
        let known = try all().map(\.code.rawValue).joined(separator: ", ")
        throw PayError.invalidInput("business line '\(code)': unknown (known: \(known.isEmpty ? "none; add one with `paydesk business add`, or make a demo store with `paydesk init --demo`" : known))")
    }

    /// Sets where notifications go; nil leaves a value unchanged. A new URL starts `notify_since`
    /// (orders paid before it are not notified after the fact). Returns whether the line exists.
    @discardableResult
    public func updateNotify(_ code: BusinessLineCode, url: String?, secret: String?, at now: Timestamp) throws -> Bool {
        try db.execute("""
            UPDATE business_lines
            SET notify_since = CASE WHEN coalesce(?1, notify_url) <> notify_url THEN
                                   CASE WHEN coalesce(?1, notify_url) = '' THEN NULL ELSE ?3 END
                               ELSE notify_since END,
                notify_url = coalesce(?1, notify_url), notify_secret = coalesce(?2, notify_secret)
            WHERE code = ?4
            """, [url, secret, now.milliseconds, code.rawValue]) == 1
    }

    /// Replaces the line's name, layout, currency and methods, guarded by the values read before
    /// (`old`): false when another writer changed the line in between.
    public func update(from old: BusinessLine, to new: BusinessLine) throws -> Bool {
        try db.execute("""
            UPDATE business_lines SET name = ?, layout = ?, default_currency = ?, allowed_methods = ?
            WHERE code = ? AND name = ? AND layout = ? AND default_currency = ? AND allowed_methods = ?
            """, [new.name, new.layout, new.defaultCurrency.code, new.allowedMethods.map(\.rawValue).joined(separator: ","),
                  old.code.rawValue, old.name, old.layout, old.defaultCurrency.code,
                  old.allowedMethods.map(\.rawValue).joined(separator: ",")]) == 1
    }

    /// Sets the notify secret only while it is still `expected` (a compare-and-set).
    public func replaceNotifySecret(_ code: BusinessLineCode, expected: String, with secret: String) throws -> Bool {
        try db.execute("UPDATE business_lines SET notify_secret = ? WHERE code = ? AND notify_secret = ?",
                       [secret, code.rawValue, expected]) == 1
    }

    /// The lines of a merchant.
    public func forMerchant(_ merchantId: String) throws -> [BusinessLine] {
        try db.rows("SELECT * FROM business_lines WHERE merchant_id = ? ORDER BY code", [merchantId]).map(Self.decode)
    }

    static func decode(_ row: Row) throws -> BusinessLine {
        BusinessLine(
            code: BusinessLineCode(stored: row.string("code")),
            name: row.string("name"),
            layout: row.string("layout"),
            defaultCurrency: try Currency.parse(row.string("default_currency")),
            allowedMethods: row.string("allowed_methods").split(separator: ",").compactMap { PaymentMethod(rawValue: String($0)) },
            notifyURL: row.string("notify_url"),
            notifySecret: row.string("notify_secret"),
            merchantId: row.optionalString("merchant_id"))
    }
}

/// The accounts the center holds at channels.
public struct ChannelAccountRepository {
    let db: Connection

    public func insert(_ account: ChannelAccount, at now: Timestamp) throws {
        try db.execute("""
            INSERT INTO channel_accounts (id, channel, merchant_id, name, currencies, fee_rate_bps, fee_fixed_minor, enabled, config, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [account.id, account.channel, account.merchantId, account.name,
                  account.currencies.map(\.code).joined(separator: ","), account.feeRateBps, account.feeFixedMinor,
                  account.enabled, JSONText.encode(account.config), now.milliseconds])
    }

    public func all() throws -> [ChannelAccount] {
        try db.rows("SELECT * FROM channel_accounts ORDER BY channel, id").map(Self.decode)
    }

    public func forChannel(_ channel: String) throws -> [ChannelAccount] {
        try db.rows("SELECT * FROM channel_accounts WHERE channel = ? ORDER BY id", [channel]).map(Self.decode)
    }

    public func find(_ id: String) throws -> ChannelAccount? {
        try db.row("SELECT * FROM channel_accounts WHERE id = ?", [id]).map(Self.decode)
    }

    /// Replaces the account's `config` (its keys and secrets, as JSON with sorted keys).
    @discardableResult
    public func setConfig(_ id: String, _ config: [String: String]) throws -> Bool {
        try db.execute("UPDATE channel_accounts SET config = ?, config_version = config_version + 1 WHERE id = ?", [JSONText.encode(config), id]) == 1
    }

    /// The account's config version: moved by every config change.
    public func configVersion(_ id: String) throws -> Int64? {
        try db.scalarInt("SELECT config_version FROM channel_accounts WHERE id = ?", [id])
    }

    /// Replaces the config while its version is still `version`, moving the version on; false
    /// when another writer changed it in between (or the account does not exist).
    public func replaceConfig(_ id: String, _ config: [String: String], version: Int64) throws -> Bool {
        try db.execute("UPDATE channel_accounts SET config = ?, config_version = config_version + 1 WHERE id = ? AND config_version = ?",
                       [JSONText.encode(config), id, version]) == 1
    }

    /// Enables or disables the account; false when it was not in the other state.
    public func setEnabled(_ id: String, _ enabled: Bool) throws -> Bool {
        try db.execute("UPDATE channel_accounts SET enabled = ? WHERE id = ? AND enabled = ?", [enabled, id, !enabled]) == 1
    }

    /// The accounts of a merchant.
    public func forMerchant(_ merchantId: String) throws -> [ChannelAccount] {
        try db.rows("SELECT * FROM channel_accounts WHERE merchant_id = ? ORDER BY channel, id", [merchantId]).map(Self.decode)
    }

    static func decode(_ row: Row) throws -> ChannelAccount {
        ChannelAccount(
            id: row.string("id"),
            channel: row.string("channel"),
            merchantId: row.optionalString("merchant_id"),
            name: row.string("name"),
            currencies: row.string("currencies").split(separator: ",").compactMap { Currency(code: String($0)) },
            feeRateBps: row.int64("fee_rate_bps"),
            feeFixedMinor: row.int64("fee_fixed_minor"),
            enabled: row.bool("enabled"),
            config: JSONText.decode(row.string("config")))
    }
}
