#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A token bucket per client address, in memory: each request takes one token; the bucket refills
/// at `rate` tokens a second up to `burst`. Thread-safe.
final class ClientRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let rate: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Past this many clients, full buckets (clients quiet long enough) are forgotten.
    private let pruneAbove = 10_000

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = max(burst, 1)
    }

    /// Takes a token for `client` at `now` (monotonic seconds): nil when the request may go on,
    /// otherwise the whole seconds to wait before a token is there (at least 1), for Retry-After.
    func take(_ client: String, now: Double = ClientRateLimiter.monotonicNow()) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { buckets -> Int? in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer {
                buckets[client] = bucket
                if buckets.count > pruneAbove {
                    buckets = buckets.filter { min(burst, $0.value.tokens + (now - $0.value.updated) * rate) < burst }
                }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }

    static func monotonicNow() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
