import PayCore
import PayServices

/// `merchant add | list | disable | enable`: the companies the center collects for.
enum MerchantCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(path: ["merchant", "add"], summary: "add a merchant (the company business lines and channel accounts belong to)",
                    details: "ID: 1–32 lower-case letters, digits or '-'. Then `paydesk business add` and `paydesk account add`.",
                    positionals: ["ID"],
                    options: [.value("name", "NAME", "the merchant's name (required)"),
                              .value("contact", "TEXT", "who to call about it (a person, phone or e-mail)")],
                    run: add),
        CommandSpec(path: ["merchant", "list"], summary: "list the merchants with their business lines and channel accounts",
                    options: [], run: list),
        CommandSpec(path: ["merchant", "disable"], summary: "stop serving a merchant (its accounts cannot be enabled meanwhile)",
                    positionals: ["ID"], options: [], run: disable),
        CommandSpec(path: ["merchant", "enable"], summary: "serve a disabled merchant again",
                    positionals: ["ID"], options: [], run: enable),
    ]

    static func add(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let id = args.positionals.first else { throw PayError.usage("merchant add: missing the merchant ID") }
        let name = try args.required("name")
        let context = try CommandLineApp.openContext(args, io: io)
        let merchant = try MerchantService(context).add(MerchantDraft(id: id, name: name, contact: args.value("contact") ?? ""))
        if args.has("json") {
            struct Result: Encodable { let id, name, contact, status: String }
            try io.json(Result(id: merchant.id, name: merchant.name, contact: merchant.contact, status: merchant.status.rawValue))
        } else {
            io.out("Merchant \(merchant.id) (\(merchant.name)) added. Next: `paydesk business add LINE --merchant \(merchant.id) --name NAME`.")
        }
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let merchants = try MerchantService(context).all()
        let lines = try BusinessLineService(context).all()
        let accounts = try ChannelAccountService(context).all()
        if args.has("json") {
            struct Item: Encodable { let id, name, contact, status: String; let businessLines, channelAccounts: [String] }
            struct Result: Encodable { let merchants: [Item] }
            try io.json(Result(merchants: merchants.map { merchant in
                Item(id: merchant.id, name: merchant.name, contact: merchant.contact, status: merchant.status.rawValue,
                     businessLines: lines.filter { $0.merchantId == merchant.id }.map(\.code.rawValue),
                     channelAccounts: accounts.filter { $0.merchantId == merchant.id }.map(\.id))
            }))
        } else if merchants.isEmpty {
            io.out("No merchants; `paydesk merchant add ID --name NAME` adds one.")
        } else {
            for merchant in merchants {
                io.out("\(merchant.id)  \(merchant.name)  \(merchant.status.rawValue.lowercased())\(merchant.contact.isEmpty ? "" : "  contact: \(merchant.contact)")")
                let own = lines.filter { $0.merchantId == merchant.id }.map(\.code.rawValue)
                let owned = accounts.filter { $0.merchantId == merchant.id }.map { "\($0.id) (\($0.state.rawValue.lowercased()))" }
                io.out("  business lines: \(own.isEmpty ? "none" : own.joined(separator: ", "))")
                io.out("  channel accounts: \(owned.isEmpty ? "none" : owned.joined(separator: ", "))")
            }
        }
        return 0
    }

    static func disable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let id = args.positionals.first else { throw PayError.usage("merchant disable: missing the merchant ID") }
        let context = try CommandLineApp.openContext(args, io: io)
        try MerchantService(context).disable(id)
        struct Result: Encodable { let merchant, status: String }
        try io.result(args, Result(merchant: id, status: "disabled"), "Merchant \(id) disabled.")
        return 0
    }

    static func enable(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let id = args.positionals.first else { throw PayError.usage("merchant enable: missing the merchant ID") }
        let context = try CommandLineApp.openContext(args, io: io)
        try MerchantService(context).enable(id)
        struct Result: Encodable { let merchant, status: String }
        try io.result(args, Result(merchant: id, status: "active"), "Merchant \(id) enabled.")
        return 0
    }
}
