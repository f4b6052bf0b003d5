import Foundation
import PayChannels
import PayCore
import PayServices

/// `sandbox register`: the sandbox as the channel's merchant portal for a store set up for real
/// use. The admin makes the center's key pair (`openssl genrsa`), hands the portal its public
/// half, and gets back what a real portal gives out: the ids, printed, and the channel's public
/// keys and the shared secrets, written as files to import with `paydesk account import-key`.
enum SandboxPortalCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["sandbox", "register"], summary: "register a channel account at the sandbox channel's portal with the center's public key",
                    details: """
                    Make the center's key pair first:
                      openssl genrsa -out center.key 2048 && openssl rsa -in center.key -pubout -out center.pub
                    The portal keeps center.pub, makes the channel's keys, ids and secrets, prints the ids (for
                    `paydesk account set`) and writes the channel's public keys (FIELD.pem) and secrets (FIELD, mode 0600)
                    into --out. The center's private key never goes to the portal. Registering again replaces everything.
                    """,
                    positionals: ["ACCOUNT"],
                    options: [.value("center-key", "PUB.pem", "the center's RSA public key, PEM (required)"),
                              .value("out", "DIR", "where the channel's keys and secrets are written (required; made if missing)")],
                    run: register),
    ]

    static func register(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let id = args.positionals.first else { throw PayError.usage("sandbox register: missing the channel ACCOUNT") }
        let keyPath = try args.required("center-key")
        let out = try args.required("out")
        let (context, sandbox) = try SandboxCommands.open(args, io: io)
        let centerKey = try KeyFile.publicKey(keyPath, field: "--center-key")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw PayError.invalidInput("--out '\(out)': not a directory") }
        }
        guard let account = try context.store.read({ try context.store.channelAccounts.find(id) }) else {
            throw PayError.notFound("channel account '\(id)': unknown; add it first with `paydesk account add \(id) --channel C --merchant M --name NAME`")
        }
        if !isDirectory.boolValue {
            do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
                throw PayError.invalidInput("--out '\(out)': cannot create it (\(error.localizedDescription))")
            }
        }
        let handed = try sandbox.register(account, centerPublicKey: centerKey.pem)
        var files: [(field: String, path: String)] = []
        for (field, text) in handed.publicKeys.sorted(by: { $0.key < $1.key }) {
            files.append((field, try write(text, to: "\(out)/\(field).pem", mode: 0o644)))
        }
        for (field, text) in handed.secrets.sorted(by: { $0.key < $1.key }) {
            files.append((field, try write(text + "\n", to: "\(out)/\(field)", mode: 0o600)))
        }
        let ids = handed.identifiers.sorted { $0.key < $1.key }
        if args.has("json") {
            struct File: Encodable { let field, path: String }
            struct Result: Encodable { let account, channel: String; let identifiers: [String: String]; let files: [File] }
            try io.json(Result(account: id, channel: account.channel, identifiers: handed.identifiers,
                               files: files.map { File(field: $0.field, path: $0.path) }))
        } else {
            io.out("Registered \(id) at the \(account.channel) sandbox portal with the center's public key from \(keyPath).")
            if !ids.isEmpty {
                io.out("The channel's ids for this account:")
                io.out("  paydesk account set \(id) \(ids.map { "--set \($0.key)=\($0.value)" }.joined(separator: " "))")
            }
            io.out("The channel's keys and secrets, written to \(out):")
            for file in files { io.out("  paydesk account import-key \(id) \(file.field) \(file.path)") }
            // why only where there is one: card, PayPal and the wallet sign with the shared secrets above.
            if let field = privateField(account.channel) {
                io.out("And the center's private key: paydesk account import-key \(id) \(field) CENTER.key")
            }
        }
        return 0
    }

    static func privateField(_ channel: String) -> String? {
        (try? ChannelAccountService.fields(channel: channel))?.first { $0.kind == .privateKey }?.name
    }

    static func write(_ text: String, to path: String, mode: Int) throws(PayError) -> String {
        try? FileManager.default.removeItem(atPath: path)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw PayError.invalidInput("--out: cannot write '\(path)'")
        }
        return path
    }
}
