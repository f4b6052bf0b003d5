import Foundation
import PayCore

/// The time formats the Chinese channels use, all in Beijing time (UTC+8).
public enum ChannelTime {
    static let beijingOffset: Int64 = 8 * 3_600_000

    /// "2026-11-21 17:30:12" (Alipay `timestamp`, `notify_time`, `gmt_payment`).
    public static func beijing(_ time: Timestamp) -> String {
        Timestamp(milliseconds: time.milliseconds + beijingOffset).displayString
    }

    /// "20261121173012" (UnionPay `txnTime`).
    public static func compact(_ time: Timestamp) -> String {
        beijing(time).filter { $0.isNumber }
    }

    /// "2026-11-21T17:30:12+08:00" (WeChat Pay v3 `success_time`, `create_time`).
    public static func rfc3339(_ time: Timestamp) -> String {
        beijing(time).replacingOccurrences(of: " ", with: "T") + "+08:00"
    }
}

/// ISO 4217 numeric codes, as UnionPay's `currencyCode` wants them.
public enum NumericCurrency {
    static let table: [String: String] = ["CNY": "156", "HKD": "344", "USD": "840", "EUR": "978", "GBP": "826",
                                          "JPY": "392", "KRW": "410", "SGD": "702", "MOP": "446", "TWD": "901"]

    public static func code(_ currency: Currency) -> String { table[currency.code] ?? "156" }

    public static func currency(_ numeric: String) -> Currency? {
        table.first { $0.value == numeric }.flatMap { Currency(code: $0.key) }
    }
}
