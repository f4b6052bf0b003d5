import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk settle PAYMENT_SERIAL --as succeeded|failed --reason TEXT`: record by hand how an
/// UNKNOWN payment ended (Kill Bill's fix-transaction-state), after checking with the channel.
enum SettleCommand {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["settle"],
            summary: "record by hand how an UNKNOWN payment ended, after checking with the channel (supervisor or admin)",
            details: """
            The payment moves UNKNOWN → SUCCEEDED or FAILED and its order with it, exactly as the
            channel's answer would move them (a succeeded payment pays the order and notifies the
            merchant; a failed one makes the order payable again). Audited with the reason.
            --preview prints what would change and changes nothing. Exit 7 when the payment is no
            longer UNKNOWN.
            """,
            positionals: ["PAYMENT_SERIAL"],
            options: [
                .value("as", "OUTCOME", "succeeded or failed"),
                .value("reason", "TEXT", "why (required; at most \(RepairDesk.maxReasonLength) characters)"),
                .flag("preview", "print what would change; change nothing"),
                .value("idempotency-key", "K", "answer a retried request with the first result"),
            ],
            run: run),
    ]

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        guard let text = args.positionals.first else { throw PayError.usage("settle: missing PAYMENT_SERIAL") }
        let serial = try Serial(text, field: "PAYMENT_SERIAL")
        let outcomeText = try args.required("as")
        let outcome: AttemptStatus
        switch outcomeText.lowercased() {
        case "succeeded": outcome = .succeeded
        case "failed": outcome = .failed
        default: throw PayError.invalidInput("--as '\(outcomeText)': succeeded or failed")
        }
        if !args.has("preview"), args.value("reason") == nil { throw PayError.usage("missing --reason TEXT: say why (kept in the audit log)") }
        let context = try CommandLineApp.openContext(args, io: io)
        // why first: a cashier's settle is refused before the payment is even looked up.
        try Authorizer.require(.settleByHand, actor: context.actor)
        let store = context.store
        guard let attempt = try store.read({ try store.attempts.find(serial: serial) }) else {
            throw PayError.notFound("payment '\(serial)': not found")
        }
        let gateway = try ChannelGateway(store: store, clock: context.clock)
        let action = RepairAction.settleByHand(payment: serial, outcome: outcome)
        if args.has("preview") {
            return try RepairCLI.preview(action, orderId: attempt.orderId, context: context, gateway: gateway, io: io, json: args.has("json"))
        }
        let result = try RepairCLI.perform(action, orderId: attempt.orderId, args: args, context: context, gateway: gateway, io: io,
                                           reasonRequired: true)
        if args.has("json") {
            struct Result: Encodable { let summary: String; let order: OrderJSON }
            try io.json(Result(summary: result.summary, order: OrderJSON(result.order)))
        } else {
            io.out("Settled by hand: \(result.summary)")
        }
        return 0
    }
}
