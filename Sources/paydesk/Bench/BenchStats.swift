import Foundation

/// Timings of one benchmarked operation, in microseconds, and the figures people read.
struct BenchStats: Encodable {
    let name: String
    let count: Int
    let meanMicros: Double
    let p50Micros: Double
    let p95Micros: Double
    let p99Micros: Double
    let maxMicros: Double

    init(_ name: String, micros: [Double]) {
        let sorted = micros.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
        }
        self.name = name
        count = sorted.count
        meanMicros = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50Micros = percentile(0.50)
        p95Micros = percentile(0.95)
        p99Micros = percentile(0.99)
        maxMicros = sorted.last ?? 0
    }

    /// "name  n=2000  mean 120 µs  p50 110 µs  p95 180 µs  p99 250 µs  max 900 µs".
    var line: String {
        func f(_ v: Double) -> String { v >= 1000 ? "\(Int((v / 100).rounded()) / 10).\(Int((v / 100).rounded()) % 10) ms" : "\(Int(v.rounded())) µs" }
        return "\(name.padding(toLength: 38, withPad: " ", startingAt: 0)) n=\(count)  mean \(f(meanMicros))  p50 \(f(p50Micros))  p95 \(f(p95Micros))  p99 \(f(p99Micros))  max \(f(maxMicros))"
    }

    /// Runs `body` `count` times and times each run.
    static func measure(_ name: String, count: Int, _ body: (Int) throws -> Void) rethrows -> BenchStats {
        let clock = ContinuousClock()
        var micros: [Double] = []
        micros.reserveCapacity(count)
        for index in 0..<count {
            let start = clock.now
            try body(index)
            let elapsed = clock.now - start
            micros.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
        }
        return BenchStats(name, micros: micros)
    }
}

/// Runs `body(index)` on `count` threads of their own at once and returns when all have finished.
///
/// why not `DispatchQueue.concurrentPerform`: a dispatch pool runs only as many at once as there
/// are cores, while a benchmarked client spends most of its time waiting (the disk, the server),
/// so 64 clients would be two at a time.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        Thread.detachNewThread {
            body(index)
            done.signal()
        }
    }
    for _ in 0..<count { done.wait() }
}
