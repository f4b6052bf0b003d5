#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PayCore
import PayServices

/// Where a command writes, and the environment it reads: injectable for tests, real in `main`.
struct CommandIO {
    var environment: [String: String]
    var stdout: (String) -> Void
    var stderr: (String) -> Void
    /// The store and logged-in `--operator` of this run, once `CommandPermissions.authorize` checked them.
    var authenticated: ServiceContext? = nil

    static var live: CommandIO {
        CommandIO(environment: ProcessInfo.processInfo.environment,
                  stdout: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
                  stderr: { text in FileHandle.standardError.write(Data(text.utf8)) })
    }

    func out(_ text: String) { stdout(text.hasSuffix("\n") ? text : text + "\n") }
    func err(_ text: String) { stderr(text.hasSuffix("\n") ? text : text + "\n") }

    /// Prints one JSON object on stdout (camelCase keys, sorted for stable output).
    func json<T: Encodable>(_ value: T) throws(PayError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(value)
            out(String(decoding: data, as: UTF8.self))
        } catch {
            throw PayError.internal("cannot encode JSON: \(error)")
        }
    }

    /// The store path: `--db`, else `$PAYDESK_DB`, else `./paydesk.db`.
    func storePath(_ args: ParsedArguments) -> String {
        args.value("db") ?? environment["PAYDESK_DB"] ?? "paydesk.db"
    }

    /// The unix user for the `cli:<user>` actor.
    var unixUser: String {
        if let user = environment["USER"], !user.isEmpty { return user }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid\(geteuid())"
    }
}
