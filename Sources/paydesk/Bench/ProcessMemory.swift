#if canImport(Glibc)
import Glibc
#endif

/// The process's memory, for `paydesk bench`.
enum ProcessMemory {
    /// Peak resident memory of this process so far, in MiB.
    static func peakMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

extension Double {
    /// One decimal place ("21.8"), for figures.
    var oneDecimal: String {
        let tenths = Int64((self * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
