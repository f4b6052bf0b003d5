import Synchronization

/// Makes serials: kind letter + UTC time to the millisecond + a per-process sequence + randomness.
///
/// Layout (30 characters): `P` `20261121093012345` (yyyyMMddHHmmssSSS) `0001` (sequence, wraps at
/// 10,000) `K7Q2M9XD` (40 random bits in Crockford base 32). Lexical order is time order to the
/// millisecond; within one process it is also creation order. Processes sharing a store cannot
/// collide short of a 40-bit random match in the same millisecond and sequence slot, and the
/// store's unique index refuses that rare case instead of overwriting.
public final class SerialGenerator: Sendable {
    private let clock: any PayClock
    private let state = Mutex<(lastMillis: Int64, sequence: Int)>((0, 0))
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public init(clock: any PayClock) { self.clock = clock }

    public func next(_ kind: SerialKind) -> Serial {
        let now = clock.now().milliseconds
        let (millis, sequence) = state.withLock { state -> (Int64, Int) in
            // why: a simulated clock may stand still; keep serials strictly increasing per process.
            let millis = max(now, state.lastMillis)
            state.sequence = millis == state.lastMillis ? (state.sequence + 1) % 10_000 : 0
            state.lastMillis = millis
            return (millis, state.sequence)
        }
        let c = Timestamp(milliseconds: millis).components
        var text = String(kind.rawValue)
        text += digits(c.year, 4) + digits(c.month, 2) + digits(c.day, 2)
        text += digits(c.hour, 2) + digits(c.minute, 2) + digits(c.second, 2) + digits(c.millisecond, 3)
        text += digits(sequence, 4)
        var random = UInt64.random(in: 0..<(1 << 40))
        var tail = ""
        for _ in 0..<8 {
            tail.append(Self.alphabet[Int(random & 31)])
            random >>= 5
        }
        text += tail
        return Serial(unchecked: text)
    }

    private func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
