import Foundation
import PayChannels
import PayCore
import PayStore
import PayServices

/// `paydesk sandbox outage|latency|callbacks|sms|bill`: the simulator's controls and what it sent.
enum SandboxCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["sandbox", "outage"],
            summary: "take a sandbox channel (or one account of it) down or bring it back",
            options: [
                .value("channel", "C", "alipay, wechat, unionpay, card, paypal or wallet"),
                .value("account", "A", "only this channel account (default: the whole channel)"),
                .flag("on", "start the outage"),
                .flag("off", "end the outage"),
            ],
            run: outage),
        CommandSpec(
            path: ["sandbox", "latency"],
            summary: "set how long a sandbox pay code waits to be scanned (default 2000 ms)",
            options: [
                .value("channel", "C", "the channel"),
                .value("ms", "N", "milliseconds, 0 to 3600000"),
            ],
            run: latency),
        CommandSpec(
            path: ["sandbox", "callbacks"],
            summary: "list the callbacks the sandbox channels have sent, headers and body exactly as sent",
            options: [.value("order", "NO", "only those about this center serial or merchant order no")],
            run: callbacks),
        CommandSpec(
            path: ["sandbox", "sms"],
            summary: "list the text messages the sandbox has sent",
            options: [.value("to", "NUMBER", "only those to this number")],
            run: sms),
        CommandSpec(
            path: ["sandbox", "bill"],
            summary: "download a channel's bill for one UTC day, in the channel's format",
            options: [
                .value("channel", "C", "the channel"),
                .value("date", "YYYY-MM-DD", "the day"),
                .value("account", "A", "only this channel account (default: each of the channel's)"),
            ],
            run: bill),
        CommandSpec(
            path: ["sandbox", "callbacks-to"],
            summary: "send the sandbox's callbacks by HTTP POST to URL/notify/{channel}/{account} (or --off: in-process)",
            details: "With a URL, the worker POSTs each callback's own headers and body to the center's notify endpoint\n(`paydesk serve`) and marks it delivered only on the channel's ack; --off delivers in-process again.",
            positionals: ["URL"],
            options: [.flag("off", "deliver callbacks in-process again")],
            run: callbacksTo),
    ] + SandboxBillCommands.specs

    /// What the simulated channels do, for people who demo and test (`paydesk sandbox --help`,
    /// the README's "Sandbox behaviours"): DESIGN §5's trigger table, test cards, codes.
    static let behaviours = """
    Sandbox behaviours — the amount's last two digits (in minor units) decide what a channel does:
      any other  success: a barcode pays at once; a pay code is scanned after the latency (default
                 \(Sandbox.defaultLatencyMilliseconds) ms, `paydesk sandbox latency`), then the callback comes
      51         declined (DECLINED)
      52         insufficient funds (INSUFFICIENT_FUNDS)
      53         the call times out, but the channel took the money (a query says succeeded)
      54         the call times out and the channel did not take it (a query says not found)
      55         success, but no callback is ever sent (only a query finds it)
      56         success; the callback comes three times, then once more with a stale "not paid"
      57         barcode: "user is paying" for \(Sandbox.userPayingMilliseconds / 1000) s, then success (or revoked if the center revokes first)
      58         success; a refund of it is accepted, then fails in a later callback
      59         channel system error (routing fails over to the next account)
    Test cards (card, apple-pay): 4242424242424242 success, 4000000000000002 declined,
      4000000000009995 insufficient funds, 4000000000000069 expired, 4000000000000127 wrong CVC,
      4000000000003220 asks for a 3-D Secure challenge; a past expiry date is expired; a number
      failing the Luhn check is refused before any channel is called.
    Barcodes (the customer's payment code; its prefix fixes the channel): WeChat 18 digits from
      10–15 (134567890123456789), Alipay 16–24 digits from 25–30 (284567890123456789),
      UnionPay 19 digits from 62 (6234567890123456789).
    Wallet: every customer starts with 5000 of each currency (major units); a payment over it is
      insufficient funds.
    One-time codes (a risk challenge) go by text message; read them with `paydesk sandbox sms`.
    Outages: `paydesk sandbox outage --channel C --on` makes every call fail as a system error.
    """

    /// The store's context and the sandbox beside it, on the store's clock.
    static func open(_ args: ParsedArguments, io: CommandIO) throws(PayError) -> (ServiceContext, Sandbox) {
        let context = try CommandLineApp.openContext(args, io: io)
        return (context, try Sandbox(storePath: context.store.path, clock: context.clock))
    }

    static func channel(_ args: ParsedArguments) throws(PayError) -> String {
        let channel = try args.required("channel")
        guard Sandbox.channels.contains(channel) else {
            throw PayError.invalidInput("--channel '\(channel)': one of \(Sandbox.channels.joined(separator: ", "))")
        }
        return channel
    }

    static func outage(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard args.has("on") != args.has("off") else { throw PayError.usage("give exactly one of --on, --off") }
        let channel = try channel(args)
        let (context, sandbox) = try open(args, io: io)
        if let account = args.value("account") {
            guard let found = try context.store.read({ try context.store.channelAccounts.find(account) }), found.channel == channel else {
                throw PayError.notFound("--account '\(account)': no \(channel) channel account of that id")
            }
        }
        try sandbox.setOutage(channel: channel, account: args.value("account"), on: args.has("on"))
        let target = args.value("account").map { "\(channel)/\($0)" } ?? channel
        if args.has("json") {
            struct Result: Encodable { let channel: String; let account: String?; let outage: Bool }
            try io.json(Result(channel: channel, account: args.value("account"), outage: args.has("on")))
        } else {
            io.out("Sandbox outage \(args.has("on") ? "on" : "off") for \(target).")
        }
        return 0
    }

    static func latency(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let channel = try channel(args)
        let text = try args.required("ms")
        guard let ms = Int64(text), (0...3_600_000).contains(ms) else {
            throw PayError.invalidInput("--ms '\(text)': a whole number of milliseconds from 0 to 3600000")
        }
        let (_, sandbox) = try open(args, io: io)
        try sandbox.setLatency(channel: channel, milliseconds: ms)
        if args.has("json") {
            struct Result: Encodable { let channel: String; let latencyMs: Int64 }
            try io.json(Result(channel: channel, latencyMs: ms))
        } else {
            io.out("Sandbox latency for \(channel): \(ms) ms.")
        }
        return 0
    }

    struct CallbackJSON: Encodable {
        let id: Int64
        let channel: String
        let account: String
        let orderNo: String
        let kind: String
        let headers: [String: String]
        let body: String
        let sentAt: String
        let delivered: Bool
    }

    static func callbacks(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let (context, sandbox) = try open(args, io: io)
        var list: [SandboxCallback]
        if let order = args.value("order") {
            // A merchant order no stands for every attempt and refund serial of its orders.
            let serials = try context.store.read { try context.store.orders.attemptAndRefundSerials(of: order) }
            list = []
            for serial in [order] + serials { list += try sandbox.sentCallbacks(orderNo: serial) }
            list.sort { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }
        } else {
            list = try sandbox.sentCallbacks()
        }
        if args.has("json") {
            struct Result: Encodable { let callbacks: [CallbackJSON] }
            try io.json(Result(callbacks: list.map {
                CallbackJSON(id: $0.id, channel: $0.channel, account: $0.account, orderNo: $0.orderNo, kind: $0.kind, headers: $0.headers,
                             body: String(decoding: $0.body, as: UTF8.self), sentAt: $0.sentAt.iso8601, delivered: $0.deliveredAt != nil)
            }))
        } else if list.isEmpty {
            io.out("No callbacks sent.")
        } else {
            for callback in list {
                io.out("#\(callback.id) \(callback.sentAt.iso8601) \(callback.channel)/\(callback.account) \(callback.kind) \(callback.orderNo) (\(callback.body.count) bytes)")
            }
        }
        return 0
    }

    static func sms(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let (_, sandbox) = try open(args, io: io)
        let messages = try sandbox.sms.list(to: args.value("to"))
        if args.has("json") {
            struct Message: Encodable { let to: String; let text: String; let sentAt: String }
            struct Result: Encodable { let messages: [Message] }
            try io.json(Result(messages: messages.map { Message(to: $0.to, text: $0.text, sentAt: $0.sentAt.iso8601) }))
        } else if messages.isEmpty {
            io.out("No messages sent.")
        } else {
            for message in messages { io.out("\(message.sentAt.iso8601) to \(message.to): \(message.text)") }
        }
        return 0
    }

    static func bill(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let channel = try channel(args)
        let date = try args.required("date")
        let day = try Timestamp.parse(date, field: "--date")
        guard day.iso8601.hasPrefix(date), date.count == 10 else { throw PayError.invalidInput("--date '\(date)': a day as YYYY-MM-DD") }
        let (context, sandbox) = try open(args, io: io)
        var accounts = try context.store.read { try context.store.channelAccounts.forChannel(channel) }
        if let only = args.value("account") {
            accounts = accounts.filter { $0.id == only }
            guard !accounts.isEmpty else { throw PayError.notFound("--account '\(only)': no \(channel) channel account of that id") }
        }
        guard !accounts.isEmpty else { throw PayError.notFound("no \(channel) channel account in store '\(context.store.path)'") }
        let registry = ChannelRegistry(transport: sandbox, clock: context.clock)
        // why: the accounts' secrets are sealed at rest; the plugins need them opened to sign.
        registry.seal = try ConfigSeal(storePath: context.store.path)
        var bills: [(String, String)] = []
        for account in accounts { bills.append((account.id, try registry.plugin(for: account).downloadBill(date: date))) }
        if args.has("json") {
            struct Bill: Encodable { let channel: String; let account: String; let date: String; let text: String }
            struct Result: Encodable { let bills: [Bill] }
            try io.json(Result(bills: bills.map { Bill(channel: channel, account: $0.0, date: date, text: $0.1) }))
        } else {
            // why: one account's bill is the channel's file as is; several get a header each, as `tail` does.
            io.out(bills.count == 1 ? bills[0].1 : bills.map { "==> \(channel) \($0.0) \(date) <==\n\($0.1)" }.joined(separator: "\n"))
        }
        return 0
    }

    static func callbacksTo(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let url = args.positionals.first
        guard (url != nil) != args.has("off") else { throw PayError.usage("sandbox callbacks-to: give a URL or --off (not both)") }
        let base = try url.map { text throws(PayError) in try Sandbox.callbackBase(text) }
        let (_, sandbox) = try open(args, io: io)
        try sandbox.setCallbacksTo(base)
        if args.has("json") {
            struct Result: Encodable { let callbacksTo: String? }
            try io.json(Result(callbacksTo: base))
        } else if let base {
            io.out("Sandbox callbacks now go by HTTP POST to \(base)/notify/{channel}/{account}.")
        } else {
            io.out("Sandbox callbacks are delivered in-process again.")
        }
        return 0
    }
}
