import Foundation
import PayChannels
import PayCore
import PayStore
import PayServices

/// `paydesk notify --channel C --body-file F [--header 'Name: value']...`: feed one raw channel
/// callback exactly as an HTTP endpoint would receive it.
enum NotifyCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["notify"],
            summary: "feed one raw channel callback: verify, apply to its payment or refund, record; print the ack",
            details: """
            The body file is read as raw bytes (at most \(CallbackInbox.Limits.bodyBytes); a bigger one is refused
            unread, exit 3) and verified on those bytes, then matched to its payment or refund (the
            channel account it went through, serial, amount, currency) and applied. Exit 0 prints the
            ack the channel expects (a duplicate or stale callback is acknowledged and changes nothing;
            one that verifies but does not match, or verifies under another account, is kept as
            suspicious and alerted); exit 3 means the callback was rejected (a truncated record of it
            is kept and counted, and nothing else changes).
            """,
            options: [
                .value("channel", "C", "alipay, wechat, unionpay, card or paypal"),
                .value("body-file", "F", "the callback's body, byte for byte"),
                .value("header", "'Name: value'", "a request header", repeatable: true),
            ],
            run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let channel = try args.required("channel")
        _ = try ChannelRegistry.pluginType(for: channel)
        let file = try args.required("body-file")
        let body = try readBounded(file, limit: CallbackInbox.Limits.bodyBytes)
        var headers: [String: String] = [:]
        let headerTexts = args.all("header")
        guard headerTexts.count <= CallbackInbox.Limits.headerCount else {
            throw PayError.invalidInput("--header: \(headerTexts.count) given, at most \(CallbackInbox.Limits.headerCount) for a channel callback")
        }
        for (index, text) in headerTexts.enumerated() {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
                throw PayError.invalidInput("--header #\(index + 1) '\(text)': expected 'Name: value'")
            }
            let name = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
            headers[name] = String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        let context = try CommandLineApp.openContext(args, io: io)
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        let outcome = try CallbackService(context, gateway: gateway).receive(channel: channel, headers: headers, body: body)
        let receipt = (id: outcome.callbackId, notification: outcome.notification, rejection: outcome.verdict == .rejected ? outcome.reason : nil,
                       ack: outcome.ack ?? ChannelAck(status: 400, body: "FAIL"))
        if args.has("json") {
            struct Ack: Encodable { let status: Int; let body: String }
            struct Note: Encodable {
                let channel: String; let account: String; let kind: String; let serial: String; let paymentSerial: String?
                let channelSerial: String; let amount: String; let currency: String; let status: String; let channelStatus: String
            }
            struct Result: Encodable { let callbackId: Int64; let verdict: String; let reason: String?; let ack: Ack; let notification: Note? }
            let verdict = outcome.verdict.rawValue.lowercased()
            let note = receipt.notification.map {
                Note(channel: $0.channel, account: $0.account, kind: $0.kind.rawValue, serial: $0.centerSerial, paymentSerial: $0.paymentSerial,
                     channelSerial: $0.channelSerial, amount: $0.amount.decimalString, currency: $0.amount.currency.code,
                     status: $0.status.rawValue, channelStatus: $0.channelStatus)
            }
            try io.json(Result(callbackId: receipt.id, verdict: verdict, reason: outcome.reason,
                               ack: Ack(status: receipt.ack.status, body: receipt.ack.body), notification: note))
        } else if outcome.verdict != .rejected {
            io.out(receipt.ack.body)
            if outcome.verdict == .suspicious {
                io.err("paydesk notify: the callback verified but does not match the payment: \(outcome.reason ?? "") (kept, alerted, nothing changed)")
            }
        }
        if let reason = receipt.rejection {
            let error = PayError.invalidInput("\(channel) callback rejected: \(reason) (recorded as callback #\(receipt.id))")
            io.err(args.has("json") ? ErrorJSON.render(error) : "paydesk notify: \(error.message)")
            return error.exitCode
        }
        return 0
    }

    /// The file's bytes, read no further than `limit` + 1 bytes: a bigger file is refused unread
    /// (a channel callback is never that big), so a huge file costs neither memory nor the store.
    static func readBounded(_ file: String, limit: Int) throws(PayError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw PayError.invalidInput("--body-file '\(file)': cannot be read") }
        defer { try? handle.close() }
        let data: Data?
        do { data = try handle.read(upToCount: limit + 1) } catch {
            throw PayError.invalidInput("--body-file '\(file)': cannot be read (\(error.localizedDescription))")
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count <= limit else {
            throw PayError.invalidInput("--body-file '\(file)': larger than \(limit) bytes, the most a channel callback may be; nothing was recorded")
        }
        return bytes
    }
}
