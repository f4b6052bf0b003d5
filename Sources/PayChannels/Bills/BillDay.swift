import PayCore

/// The channel's own day, which its bill for a date covers (issue 16). WeChat Pay and Alipay cut at
/// Beijing midnight (00:00 UTC+8) and date a payment by when it succeeded, a refund by when it was
/// made; UnionPay's clearing day runs from 23:00 Beijing time the day before to 23:00 (its 日切);
/// the card acquirers, PayPal and the wallet settle by the UTC day.
public enum BillDay {
    /// Milliseconds from the date's UTC midnight to the start of the channel's day for that date.
    public static func offsetMilliseconds(channel: String) -> Int64 {
        switch channel {
        case "alipay", "wechat": return -8 * 3_600_000
        case "unionpay": return -9 * 3_600_000
        default: return 0
        }
    }

    /// How the channel's day is cut, for people.
    public static func describe(channel: String) -> String {
        switch channel {
        case "alipay", "wechat": return "Beijing day (00:00–24:00 UTC+8), a trade dated when it succeeded"
        case "unionpay": return "UnionPay clearing day (23:00 the day before to 23:00 UTC+8)"
        default: return "UTC day"
        }
    }

    /// The instants the channel's bill of `date` ("YYYY-MM-DD") covers, start included, end not.
    public static func window(channel: String, date: String) throws(PayError) -> Range<Timestamp> {
        let parsed = try Timestamp.parse(date, field: "bill date")
        guard date.count == 10, parsed.iso8601.hasPrefix(date) else { throw PayError.invalidInput("bill date '\(date)': a day as YYYY-MM-DD") }
        let start = parsed.adding(milliseconds: offsetMilliseconds(channel: channel))
        return start..<start.adding(milliseconds: 86_400_000)
    }

    /// The channel's date ("YYYY-MM-DD") whose bill lists a trade dated `time`.
    public static func date(channel: String, of time: Timestamp) -> String {
        String(time.adding(milliseconds: -offsetMilliseconds(channel: channel)).iso8601.prefix(10))
    }
}
