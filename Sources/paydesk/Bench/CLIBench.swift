import Foundation
import PayCore
import PayStore
import PayServices

/// `paydesk bench cli`: one command of the command line as a script runs it — a new process of the
/// real binary, `paydesk query --business L --order NO` — beside the `sqlite3` shell doing the same
/// lookup on the same store (`OrderSQL.lookup`) in a process of its own, in the same run, and their ratio;
/// beside them `paydesk --version`, the binary's start and exit with no command work, and the shared
/// libraries each process maps (counted by the dynamic loader itself, `LD_DEBUG=files`).
enum CLIBench {
    struct Settings {
        var runs = 100
        var storePath: String?
        var business: BusinessLineCode?
        var orderNo: MerchantOrderNo?
    }

    struct Report: Encodable {
        let business: String
        let orderNo: String
        let runs: Int
        let query: BenchStats
        let sqlite3: BenchStats
        /// `paydesk --version`: the process's start (loader, runtime) and exit, no store opened.
        let startOnly: BenchStats
        /// `query` ÷ `sqlite3`, medians.
        let ratio: Double
        /// Shared objects the `query` process loads, at start or later (dlopen), the program itself not counted.
        let sharedLibraries: Int
        /// Their sonames, in the order loaded.
        let libraries: [String]
        /// Shared objects the `sqlite3` process loads.
        let sqlite3SharedLibraries: Int
        let binary: String
    }

    static func run(_ settings: Settings, log: (String) -> Void) throws -> Report {
        guard let shell = executable(named: "sqlite3") else {
            throw PayError.notFound("sqlite3: not on PATH (Debian package sqlite3; `make test` installs it)")
        }
        let binary = try selfExecutable()
        let folder = NSTemporaryDirectory() + "/paydesk-bench-cli-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path: String
        let line: BusinessLineCode, orderNo: MerchantOrderNo
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if let storePath = settings.storePath, let business = settings.business, let number = settings.orderNo {
            path = storePath
            line = business
            orderNo = number
            let store = try Store.open(path: path)
            guard try store.read({ try store.orders.find(line, orderNo) }) != nil else {
                throw PayError.notFound("order '\(orderNo)' of \(line): not in \(path)")
            }
        } else {
            path = folder + "/store.db"
            log("preparing a demo store …")
            (line, orderNo) = try demoStore(path: path)
        }
        let arguments = ["query", "--db", path, "--business", line.rawValue, "--order", orderNo.rawValue]
        let statements = OrderSQL.lookup(line, orderNo).map { $0.inlined + ";" }.joined(separator: " ")
        let shellArguments = ["-batch", "-readonly", path, statements]
        // why a check first: a failing command would be timed as a fast one.
        guard try spawn(binary, arguments) == 0 else { throw PayError.internal("bench cli: `paydesk \(arguments.joined(separator: " "))` failed") }
        guard try spawn(shell, shellArguments) == 0 else { throw PayError.internal("bench cli: sqlite3 failed on \(path)") }

        let libraries = try librariesLoaded(binary, arguments, folder: folder)
        let shellLibraries = try librariesLoaded(shell, shellArguments, folder: folder)

        log("running each \(settings.runs) times, alternately …")
        var queryMicros: [Double] = [], shellMicros: [Double] = [], startMicros: [Double] = []
        let clock = ContinuousClock()
        func timed(_ program: String, _ arguments: [String]) throws -> Double {
            let start = clock.now
            _ = try spawn(program, arguments)
            let elapsed = clock.now - start
            return Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
        }
        for _ in 0..<settings.runs {
            queryMicros.append(try timed(binary, arguments))
            shellMicros.append(try timed(shell, shellArguments))
            startMicros.append(try timed(binary, ["--version"]))
        }
        let query = BenchStats("paydesk query", micros: queryMicros)
        let sqlite3 = BenchStats("sqlite3 (same lookup)", micros: shellMicros)
        return Report(business: line.rawValue, orderNo: orderNo.rawValue, runs: settings.runs, query: query, sqlite3: sqlite3,
                      startOnly: BenchStats("paydesk --version (start, exit)", micros: startMicros),
                      ratio: sqlite3.p50Micros > 0 ? query.p50Micros / sqlite3.p50Micros : 0,
                      sharedLibraries: libraries.count, libraries: libraries, sqlite3SharedLibraries: shellLibraries.count, binary: binary)
    }

    /// A demo store at `path` and the order to look up: its newest paid order (a payment to show).
    static func demoStore(path: String) throws -> (BusinessLineCode, MerchantOrderNo) {
        let store = try Store.open(path: path, create: true)
        let context = try ServiceContext(store: store, actor: .localAdministrator(unixUser: "bench"))
        try DemoSeeder(context).seed()
        guard let order = try store.read({ try store.orders.page(OrderFilter(status: .paid), after: nil, limit: 1) }).orders.first else {
            throw PayError.internal("bench cli: the demo store has no paid order")
        }
        return (order.businessLine, order.orderNo)
    }

    /// Runs `program` with `arguments`, its output to /dev/null (its errors to `errors`), and waits;
    /// returns its exit status. `environment` entries (`NAME=value`) are added to this process's.
    static func spawn(_ program: String, _ arguments: [String], environment: [String] = [],
                      errors: String = "/dev/null") throws(PayError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var inherited: [UnsafeMutablePointer<CChar>?] = []
        var index = 0
        while let entry = environ[index] { inherited.append(entry); index += 1 }
        let added: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) }
        defer { added.forEach { free($0) } }
        let envp = added + inherited + [nil]
        var pid: pid_t = 0
        let status = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard status == 0 else { throw PayError.internal("bench cli: cannot start \(program): \(String(cString: strerror(status)))") }
        var exit: Int32 = 0
        while waitpid(pid, &exit, 0) < 0 && errno == EINTR {}
        // why by hand: WIFEXITED / WEXITSTATUS are C macros.
        return (exit & 0x7F) == 0 ? (exit >> 8) & 0xFF : 128 + (exit & 0x7F)
    }

    /// The shared objects one run of `program` loads — at start and with dlopen — as the dynamic
    /// loader reports them (`LD_DEBUG=files`: a "generating link map" line for each); the program
    /// itself and the vDSO are not among them.
    static func librariesLoaded(_ program: String, _ arguments: [String], folder: String) throws -> [String] {
        let report = folder + "/ld-debug-\(getpid()).txt"
        defer { unlink(report) }
        _ = try spawn(program, arguments, environment: ["LD_DEBUG=files"], errors: report)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        var names: [String] = []
        for line in text.split(separator: "\n") where line.hasSuffix("generating link map") {
            guard let start = line.range(of: "file=") else { continue }
            let name = String(line[start.upperBound...].prefix { $0 != " " && $0 != "\t" })
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The program on PATH, or nil.
    static func executable(named name: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// This very binary (the command measured is the one that runs the bench).
    static func selfExecutable() throws(PayError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw PayError.internal("bench cli: cannot find its own binary (/proc/self/exe)") }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
