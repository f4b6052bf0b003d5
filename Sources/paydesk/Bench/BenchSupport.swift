#if canImport(Glibc)
import Glibc
#endif
import PayCore

/// Timing and memory readings for `paydesk bench`: figures to print, never pass/fail.
enum BenchClock {
    /// Monotonic nanoseconds.
    static func nanos() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Runs `body` `repeats` times and returns the per-run times in microseconds, sorted.
    static func measure(repeats: Int, _ body: () throws -> Void) rethrows -> [Double] {
        var samples: [Double] = []
        for _ in 0..<repeats {
            let start = nanos()
            try body()
            samples.append(Double(nanos() - start) / 1000)
        }
        return samples.sorted()
    }

    /// The p-th percentile of sorted samples.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }

    /// Peak resident memory of this process, in MiB.
    static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func format(_ micros: Double) -> String {
        micros >= 1000 ? "\(String(format1: micros / 1000)) ms" : "\(String(format1: micros)) µs"
    }
}

extension String {
    /// One decimal place, without Foundation's formatter.
    init(format1 value: Double) {
        let scaled = (value * 10).rounded()
        let whole = Int64(scaled) / 10
        let tenth = abs(Int64(scaled) % 10)
        self = "\(scaled < 0 && whole == 0 ? "-" : "")\(whole).\(tenth)"
    }
}
