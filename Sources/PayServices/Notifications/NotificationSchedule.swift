/// When a merchant notification is tried again (§4): 15 s, 15 s, 30 s, 3 min, 10 min, 20 min,
/// 30 min, 30 min, 30 min, 1 h, 3 h, 3 h, 3 h, 6 h, 6 h — about 24 hours — then failed and alerted.
public enum NotificationSchedule {
    public static let retryDelaysMs: [Int64] = [
        15, 15, 30, 180, 600, 1_200, 1_800, 1_800, 1_800, 3_600, 10_800, 10_800, 10_800, 21_600, 21_600,
    ].map { $0 * 1000 }

    /// The delay after the `attempt`-th failed delivery (1-based), or nil when it was the last.
    public static func delay(afterFailedAttempt attempt: Int) -> Int64? {
        guard attempt >= 1, attempt <= retryDelaysMs.count else { return nil }
        return retryDelaysMs[attempt - 1]
    }
}
