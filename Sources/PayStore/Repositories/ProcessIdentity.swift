#if canImport(Glibc)
import Glibc
#endif

/// Who holds something in the store (an idempotency key in flight), precisely enough to tell
/// later, from another process, that the holder is certainly gone: `pid:<pid>@<host>` followed by
/// the kernel's boot id, the pid namespace and the process's start time (clock ticks since boot),
/// so a reused pid, a reboot or another container is never taken for the holder.
public enum ProcessIdentity {
    /// This process.
    public static var current: String {
        let pid = getpid()
        return describe(pid: pid, host: hostName, boot: bootId ?? "", namespace: pidNamespace ?? "", start: startTicks(pid) ?? "")
    }

    static func describe(pid: Int32, host: String, boot: String, namespace: String, start: String) -> String {
        "pid:\(pid)@\(host);boot=\(boot);ns=\(namespace);start=\(start)"
    }

    /// True only when `owner` names a process of this host, this boot's kernel or an earlier boot,
    /// and this pid namespace that no longer runs (no such pid, or a pid now held by a process that
    /// started at another time). Anything that cannot be checked — another host, another
    /// namespace, an owner written in an older format — counts as still running.
    public static func isProvablyGone(_ owner: String?) -> Bool {
        guard let owner, let parsed = parse(owner), !parsed.host.isEmpty, parsed.host == hostName,
              let boot = bootId, !parsed.boot.isEmpty, let namespace = pidNamespace, parsed.namespace == namespace,
              !parsed.start.isEmpty else { return false }
        // why: a process of an earlier boot is gone (pid namespaces of the host survive nothing of it).
        if parsed.boot != boot { return true }
        guard let start = startTicks(parsed.pid) else { return true }
        return start != parsed.start
    }

    static func parse(_ owner: String) -> (pid: Int32, host: String, boot: String, namespace: String, start: String)? {
        guard owner.hasPrefix("pid:") else { return nil }
        let parts = owner.dropFirst(4).split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let at = parts[0].firstIndex(of: "@"), let pid = Int32(parts[0][..<at]), pid > 0 else { return nil }
        func field(_ text: String, _ name: String) -> String? {
            text.hasPrefix(name + "=") ? String(text.dropFirst(name.count + 1)) : nil
        }
        guard let boot = field(parts[1], "boot"), let namespace = field(parts[2], "ns"), let start = field(parts[3], "start") else { return nil }
        return (pid, String(parts[0][parts[0].index(after: at)...]), boot, namespace, start)
    }

    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var bootId: String? {
        readFile("/proc/sys/kernel/random/boot_id").map { $0.trimmingSpaces }.flatMap { $0.isEmpty ? nil : $0 }
    }

    static var pidNamespace: String? {
        var buffer = [CChar](repeating: 0, count: 128)
        let count = readlink("/proc/self/ns/pid", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Field 22 of `/proc/<pid>/stat` (start time in clock ticks after boot); nil when no such process.
    static func startTicks(_ pid: Int32) -> String? {
        guard let stat = readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // why: the command name (field 2) may hold spaces and parentheses; fields 3… follow the last ")".
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }

    static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}
