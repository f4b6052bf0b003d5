import PayCore

/// What came of one try at a challenge's one-time code.
public enum ChallengeVerdict: Equatable, Sendable {
    /// The right code in time: the payment may go on.
    case passed
    /// A wrong code; `triesLeft` more may be made (0: the challenge has now failed).
    case wrongCode(triesLeft: Int)
    /// Past the code's validity; a new challenge is needed.
    case expired
    /// The tries ran out earlier; a new challenge is needed.
    case exhausted
    /// The code was already used once; it cannot be used again.
    case alreadyUsed

    public var passed: Bool { self == .passed }

    /// "wrong code, 2 tries left" for people.
    public var description: String {
        switch self {
        case .passed: "code accepted"
        case .wrongCode(let left): left == 0 ? "wrong code; no tries left, the challenge failed" : "wrong code, \(left) tr\(left == 1 ? "y" : "ies") left"
        case .expired: "the code expired; ask for a new one"
        case .exhausted: "too many wrong codes; ask for a new one"
        case .alreadyUsed: "the code was already used"
        }
    }
}

/// A challenge just issued: its id (for `verifyChallenge`) and until when the code holds.
public struct IssuedChallenge: Sendable, Hashable {
    public let id: String
    public let recipient: String
    public let expiresAt: Timestamp
}
