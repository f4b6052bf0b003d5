import PayCore

/// Following a payment that has not answered yet: which, until when, and when to ask next.
struct PaymentWait: Equatable {
    var serial: String
    /// The code the customer scans, when the payment showed one.
    var payCode: String?
    /// The method as shown (never a card's digits).
    var method: String
    /// When the screen stops following and hands the payment to the center's own checks.
    var deadline: Timestamp
    var nextPoll: Timestamp
    /// The channel has not answered (UNKNOWN), rather than the customer not having paid yet.
    var unknown: Bool

    /// Seconds left before the deadline, as "m:ss".
    func countdown(at now: Timestamp) -> String {
        let left = max(0, deadline.milliseconds - now.milliseconds) / 1000
        let seconds = left % 60
        return "\(left / 60):" + (seconds < 10 ? "0\(seconds)" : "\(seconds)")
    }
}
