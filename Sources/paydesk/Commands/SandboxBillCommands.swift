import Foundation
import PayChannels
import PayCore
import PayStore
import PayServices

/// `paydesk sandbox bill-fault …`: discrepancies made on purpose between a sandbox channel's bill
/// and the center (issue 16), for reconciliation tests and demos.
enum SandboxBillCommands {
    static let accountOption = OptionSpec.value("account", "A", "the channel account")
    static let serialOption = OptionSpec.value("serial", "S", "the center's serial of the trade (attempt or refund serial)")

    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["sandbox", "bill-fault", "drop-callback"],
            summary: "lose the callbacks of a trade (now or when it happens) but keep its bill line",
            options: [accountOption, serialOption],
            run: { args, io throws in try mark(.dropCallback, args, &io) }),
        CommandSpec(
            path: ["sandbox", "bill-fault", "omit"],
            summary: "leave a trade off the channel's bills",
            options: [accountOption, serialOption],
            run: { args, io throws in try mark(.omitLine, args, &io) }),
        CommandSpec(
            path: ["sandbox", "bill-fault", "fee"],
            summary: "change the fee the channel charged on a paid trade (its bill line and totals follow)",
            options: [accountOption, serialOption, .value("fee", "AMOUNT", "the new fee, e.g. 0.50"),
                      .value("currency", "C", "the fee's currency (default: the account's first)")],
            run: fee),
        CommandSpec(
            path: ["sandbox", "bill-fault", "extra"],
            summary: "add a paid trade the center never saw to the channel's ledger and bills",
            options: [accountOption, .value("amount", "AMOUNT", "the trade's amount, e.g. 12.00"),
                      .value("currency", "C", "its currency (default: the account's first)"),
                      .value("at", "TIME", "when it was paid, UTC (default: now)")],
            run: extra),
        CommandSpec(
            path: ["sandbox", "bill-fault", "shift"],
            summary: "move a paid trade to just after the channel's midnight: the next day's bill lists it",
            options: [accountOption, serialOption],
            run: shift),
        CommandSpec(
            path: ["sandbox", "bill-fault", "list"],
            summary: "list the marked bill faults (dropped callbacks, omitted lines)",
            options: [.value("account", "A", "only this channel account")],
            run: list),
    ]

    /// The store's channel account `--account` (which the sandbox must know too) and the sandbox.
    static func open(_ args: ParsedArguments, io: CommandIO) throws(PayError) -> (ServiceContext, Sandbox, ChannelAccount) {
        let id = try args.required("account")
        let (context, sandbox) = try SandboxCommands.open(args, io: io)
        guard let account = try context.store.read({ try context.store.channelAccounts.find(id) }) else {
            throw PayError.notFound("--account '\(id)': no channel account of that id in store '\(context.store.path)'")
        }
        return (context, sandbox, account)
    }

    static func money(_ args: ParsedArguments, _ name: String, account: ChannelAccount) throws(PayError) -> Money {
        let text = try args.required(name)
        let currency = try args.value("currency").map { code throws(PayError) in try Currency.parse(code, field: "--currency") }
            ?? account.currencies.first ?? .CNY
        return try Money.parse(text, currency: currency, field: "--\(name)")
    }

    static func mark(_ fault: SandboxBillFault, _ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let serial = try args.required("serial")
        let (_, sandbox, account) = try open(args, io: io)
        try sandbox.markBillFault(fault, account: account.id, serial: serial)
        return try report(args, &io, account: account, fault: fault.rawValue, serial: serial,
                          text: fault == .dropCallback ? "Callbacks about \(serial) on \(account.id) will be lost; its bill line stays."
                                                       : "Trade \(serial) is left off \(account.id)'s bills.")
    }

    static func fee(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let serial = try args.required("serial")
        let (_, sandbox, account) = try open(args, io: io)
        let fee = try money(args, "fee", account: account)
        let old = try sandbox.changeFee(account: account.id, serial: serial, fee: fee)
        return try report(args, &io, account: account, fault: "fee", serial: serial,
                          text: "Fee of \(serial) on \(account.id): \(old.decimalString) → \(fee.decimalString) \(fee.currency.code).")
    }

    static func extra(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let (context, sandbox, account) = try open(args, io: io)
        let amount = try money(args, "amount", account: account)
        let at = try args.value("at").map { text throws(PayError) in try Timestamp.parse(text, field: "--at") } ?? context.clock.now()
        let (serial, tradeNo) = try sandbox.addUnknownTrade(account: account.id, amount: amount, at: at)
        return try report(args, &io, account: account, fault: "extra", serial: serial, channelSerial: tradeNo,
                          text: "Added \(amount.decimalString) \(amount.currency.code) paid \(at.iso8601) on \(account.id): serial \(serial), channel serial \(tradeNo); the center never saw it.")
    }

    static func shift(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let serial = try args.required("serial")
        let (_, sandbox, account) = try open(args, io: io)
        let moved = try sandbox.shiftAcrossMidnight(account: account.id, serial: serial)
        let date = BillDay.date(channel: account.channel, of: moved)
        return try report(args, &io, account: account, fault: "shift", serial: serial,
                          text: "Trade \(serial) on \(account.id) now paid \(moved.iso8601): on the bill of \(date) (\(BillDay.describe(channel: account.channel))).")
    }

    static func report(_ args: ParsedArguments, _ io: inout CommandIO, account: ChannelAccount, fault: String, serial: String,
                       channelSerial: String? = nil, text: String) throws -> Int32 {
        if args.has("json") {
            struct Result: Encodable { let account: String; let fault: String; let serial: String; let channelSerial: String? }
            try io.json(Result(account: account.id, fault: fault, serial: serial, channelSerial: channelSerial))
        } else {
            io.out(text)
        }
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let (_, sandbox) = try SandboxCommands.open(args, io: io)
        let faults = try sandbox.billFaults(account: args.value("account"))
        if args.has("json") {
            struct Fault: Encodable { let account: String; let serial: String; let fault: String }
            struct Result: Encodable { let faults: [Fault] }
            try io.json(Result(faults: faults.map { Fault(account: $0.account, serial: $0.serial, fault: $0.fault.rawValue) }))
        } else if faults.isEmpty {
            io.out("No bill faults marked.")
        } else {
            for fault in faults { io.out("\(fault.account) \(fault.serial) \(fault.fault.rawValue)") }
        }
        return 0
    }
}
