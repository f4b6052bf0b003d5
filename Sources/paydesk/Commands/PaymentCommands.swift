#if canImport(Glibc)
import Glibc
#endif
import PayCore
import PayStore
import PayChannels
import PayServices

/// `pay`, `refund`, `close`: the money-moving commands.
enum PaymentCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["pay"],
            summary: "pay an order: scan a barcode, show a pay code, charge a card, PayPal or the wallet",
            details: """
            alipay, wechat or unionpay with --auth-code charge the customer's barcode; without it a pay
            code is issued for the customer to scan (pending). card and apple-pay need --card, --expiry,
            --cvc; paypal and wallet need --customer. A risk challenge sends a one-time code: pay again
            with --otp CODE. While an earlier payment of the order is unconfirmed (UNKNOWN or PENDING) no
            other is started (exit 7) unless a supervisor allows it with --override-unconfirmed NAME.
            Exit 0 paid, 4 declined or blocked, 5 pending, unknown or challenged.
            """,
            options: [
                .value("business", "L", "business line"),
                .value("order", "NO", "the order to pay"),
                .value("amount", "A", "what the order owes (a check; optional)"),
                .value("currency", "C", "currency of --amount (default: the order's)"),
                .value("method", "M", "alipay, wechat, unionpay, card, apple-pay, paypal, wallet"),
                .value("auth-code", "CODE", "the customer's payment code as scanned"),
                .value("card", "PAN", "card number (never stored: a token, first 6 and last 4 are kept)"),
                .value("expiry", "MM/YY", "card expiry"),
                .value("cvc", "CVC", "card security code (never stored or logged)"),
                .value("customer", "ID", "the customer (risk history, wallet and PayPal payer, one-time codes)"),
                .value("otp", "CODE", "the one-time code of a risk challenge"),
                .value("wait", "SECONDS", "wait up to this long for a final state, running the worker"),
                .value("idempotency-key", "K", "replay the first answer for a retried request"),
                .value("override-unconfirmed", "NAME", "a supervisor allowing this payment while an earlier one of the order is unconfirmed ($PAYDESK_APPROVER_PASSWORD)"),
            ],
            run: pay),
        CommandSpec(
            path: ["refund"],
            summary: "refund (part of) a payment",
            options: [
                .value("payment", "SERIAL", "the payment's serial"),
                .value("order", "NO", "or the order (with --business) when it has one succeeded payment"),
                .value("business", "L", "business line of --order"),
                .value("amount", "A", "how much to refund"),
                .value("reason", "TEXT", "why, for the customer and the audit log"),
                .value("refund-no", "NO", "the business line's own refund number"),
                .value("approver", "NAME", "a supervisor approving a refund above your limit ($PAYDESK_APPROVER_PASSWORD)"),
                .value("idempotency-key", "K", "replay the first answer for a retried request"),
                .flag("preview", "print what the refund would change (statuses, amounts, what the customer gets back); change nothing"),
            ],
            run: refund),
        CommandSpec(
            path: ["resend"],
            summary: "send an order's latest merchant notification again (the worker delivers it)",
            options: [.value("business", "L", "business line"), .value("order", "NO", "the order")] + repairOptions,
            run: resend),
        CommandSpec(
            path: ["duplicate", "hold"],
            summary: "hold (or with --release, release) the automatic refund of a duplicate payment",
            options: [.value("payment", "SERIAL", "the duplicate payment"), .flag("release", "let the automatic refund go ahead")]
                + repairOptions,
            run: hold),
        CommandSpec(
            path: ["close"],
            summary: "close an unpaid order (payments in flight are revoked at the channel first)",
            options: [.value("business", "L", "business line"), .value("order", "NO", "the order")] + repairOptions,
            run: close),
    ]

    /// `--reason` and `--preview` of the repair commands (`RepairDesk`, shared with the console).
    static let repairOptions: [OptionSpec] = [
        .value("reason", "TEXT", "why, for the audit log (taken through the support desk, as in the console)"),
        .flag("preview", "print what would change; change nothing"),
    ]

    // MARK: pay

    static func pay(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let line = try BusinessLineCode(try args.required("business"), field: "--business")
        let orderNo = try MerchantOrderNo(try args.required("order"), field: "--order")
        let method = try PaymentMethod.parse(try args.required("method"), field: "--method")
        var wait: Double = 0
        if let text = args.value("wait") {
            guard let seconds = Double(text), seconds >= 0, seconds <= 3600 else {
                throw PayError.invalidInput("--wait '\(text)': a number of seconds from 0 to 3600")
            }
            wait = seconds
        }
        var card: CardDetails?
        let cardParts = ["card", "expiry", "cvc"].filter { args.value($0) != nil }
        if !cardParts.isEmpty {
            guard cardParts.count == 3 else {
                throw PayError.usage("a card needs all of --card, --expiry and --cvc (missing \(["card", "expiry", "cvc"].filter { !cardParts.contains($0) }.map { "--\($0)" }.joined(separator: ", ")))")
            }
            card = try CardDetails(number: args.value("card")!, expiry: args.value("expiry")!, cvc: args.value("cvc")!)
        }
        let key = try args.value("idempotency-key").map { text throws(PayError) in try IdempotencyKey(text, field: "--idempotency-key") }
        let context = try CommandLineApp.openContext(args, io: io)
        let amount: Money? = try args.value("amount").map { text throws(PayError) in
            let currency: Currency
            if let code = args.value("currency") {
                currency = try Currency.parse(code, field: "--currency")
            } else {
                // why: not `OrderService.find`, whose rule is who may look orders up: any till may take
                // payment for any order (checked here first, as `pay` does), so it may read what it owes.
                try Authorizer.require(.checkout, actor: context.actor)
                let store = context.store
                guard let order = try store.read({ try store.orders.find(line, orderNo) }) else {
                    throw PayError.notFound("order '\(orderNo)' of \(line): not found")
                }
                currency = order.amount.currency
            }
            return try Money.parse(text, currency: currency, field: "--amount")
        }
        var asked = PaymentRequest(businessLine: line, orderNo: orderNo, amount: amount, method: method,
                                   authCode: args.value("auth-code"), card: card, customerId: args.value("customer"),
                                   otp: args.value("otp"), idempotencyKey: key)
        asked.unconfirmedOverride = try OperatorLogin.approver(args, option: "override-unconfirmed", context: context, io: io)
        let request = asked
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        // why: the outcome is stored typed under the key; a replay is rendered by the same code as
        // a first run (text, or JSON with --json whatever the first run printed).
        let answer = try IdempotentRequests(context).pay(request, gateway: gateway) { outcome throws(PayError) in
            guard wait > 0, let attempt = outcome.attempt, !attempt.status.isFinal else { return outcome }
            return try waitForFinal(attempt, outcome: outcome, seconds: wait, context: context, gateway: gateway)
        }
        try report(answer.outcome, args: args, io: io)
        IdempotencyNotes.warnIfNotKept(answer, scope: "pay", key: key, io: io)
        return answer.outcome.exitCode
    }

    /// Runs the worker in this process until the attempt is final or `seconds` pass.
    static func waitForFinal(_ attempt: PaymentAttempt, outcome: PaymentOutcome, seconds: Double, context: ServiceContext,
                             gateway: ChannelGateway) throws(PayError) -> PaymentOutcome {
        let worker = Worker(context: context, jobs: PaymentJobs.all(gateway: gateway))
        let store = context.store
        var final = false
        try worker.run(forSeconds: seconds, intervalMs: 100) {
            final = (try? store.read { try store.attempts.find(id: attempt.id) })??.status.isFinal ?? false
            return final
        }
        let detail = try OrderService(context).detail(try store.read { try store.orders.find(id: attempt.orderId) }!)
        let current = detail.attempts.first { $0.id == attempt.id } ?? attempt
        switch current.status {
        case .succeeded: return .succeeded(detail, current)
        case .failed, .closed: return .declined(detail, current)
        case .pending:
            if case .pending(_, _, let url) = outcome { return .pending(detail, current, codeURL: url) }
            return .pending(detail, current, codeURL: nil)
        default: return .unknown(detail, current)
        }
    }

    static func report(_ answer: PayAnswer, args: ParsedArguments, io: CommandIO) throws(PayError) {
        let result = answer.result
        if args.has("json") {
            try io.json(result)
            return
        }
        let order = result.order
        switch (answer.kind, result.payment) {
        case (.succeeded, let a?):
            io.out("Paid: order \(order.orderNo) \(a.amount) \(a.currency) via \(a.account), payment \(a.serial), channel serial \(a.channelSerial ?? "—")")
        case (.pending, let a?):
            io.out("Pending: payment \(a.serial) via \(a.account)\(result.codeUrl.map { "; customer scans \($0)" } ?? "; waiting for the customer")")
        case (.unknown, let a?):
            io.out("Unknown: payment \(a.serial) via \(a.account) did not answer in time; the janitor will query it (do not charge again)")
        case (.declined, let a?):
            let why = a.failureKind == FailureKind.system.rawValue ? "every account failed with a system error (last: \(a.failureMessage ?? ""))"
                : "\(a.failureCode ?? "DECLINED"): \(a.failureMessage ?? "")"
            io.out("Declined: payment \(a.serial) via \(a.account) — \(why)")
        case (.challenge, _):
            let c = result.challenge
            io.out("Challenge: a one-time code was sent to \(c?.sentTo ?? "the customer") (valid until \(c?.expiresAt ?? "—")); pay again with --otp CODE. Because: \((c?.reasons ?? []).joined(separator: "; "))")
        case (.blocked, _), (_, nil):
            io.out("Blocked by risk: \((result.blockedBy ?? []).joined(separator: "; "))")
        }
    }

    // MARK: refund

    static func refund(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var input = RefundRequestInput(amountText: try args.required("amount"), reason: args.value("reason"),
                                       refundNo: args.value("refund-no"))
        if let serial = args.value("payment") {
            if args.value("order") != nil { throw PayError.usage("give --payment or --order, not both") }
            input.paymentSerial = try Serial(serial, field: "--payment")
        } else if let no = args.value("order") {
            input.order = (try BusinessLineCode(try args.required("business"), field: "--business"), try MerchantOrderNo(no, field: "--order"))
        } else {
            throw PayError.usage("give --payment SERIAL or --order NO --business L")
        }
        if let no = input.refundNo { _ = try MerchantRefundNo(no, field: "--refund-no") }
        let key = try args.value("idempotency-key").map { text throws(PayError) in try IdempotencyKey(text, field: "--idempotency-key") }
        input.idempotencyKey = key
        let context = try CommandLineApp.openContext(args, io: io)
        if args.has("preview") {
            let gateway = try ChannelGateway(store: context.store, clock: context.clock)
            let (order, attempt) = try RefundService(context, gateway: gateway).payment(for: input)
            let amount = try Money.parse(try args.required("amount"), currency: attempt.amount.currency, field: "--amount")
            return try RepairCLI.preview(.refund(payment: attempt.serial, amount: amount), orderId: order.id, context: context,
                                         gateway: gateway, io: io, json: args.has("json"))
        }
        input.approver = try OperatorLogin.approver(args, context: context, io: io)
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        let request = input
        let answer = try IdempotentRequests(context).refund(request, gateway: gateway)
        let result = answer.outcome.result
        if args.has("json") {
            try io.json(result)
        } else {
            let refund = result.refund
            io.out("Refund \(refund.serial) of \(refund.amount) \(refund.currency) on payment \(refund.paymentSerial): \(refund.status); order \(result.order.orderNo) is \(result.order.status)")
        }
        IdempotencyNotes.warnIfNotKept(answer, scope: "refund", key: key, io: io)
        return answer.outcome.exitCode
    }

    // MARK: resend, hold

    static func resend(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let line = try BusinessLineCode(try args.required("business"), field: "--business")
        let orderNo = try MerchantOrderNo(try args.required("order"), field: "--order")
        let context = try CommandLineApp.openContext(args, io: io)
        let order = try OrderService(context).find(line, orderNo)
        if args.has("preview") || args.value("reason") != nil {
            let gateway = try ChannelGateway(store: context.store, clock: context.clock)
            if args.has("preview") { return try RepairCLI.preview(.resendNotification, orderId: order.id, context: context, gateway: gateway, io: io, json: args.has("json")) }
            _ = try RepairCLI.perform(.resendNotification, orderId: order.id, args: args, context: context, gateway: gateway, io: io)
        } else {
            _ = try MerchantNotifications(context).resend(orderId: order.id)
        }
        struct Resent: Encodable { let orderNo, businessLine: String; let queued: Bool }
        try io.result(args, Resent(orderNo: order.orderNo.rawValue, businessLine: order.businessLine.rawValue, queued: true),
                      "Queued the latest notification of order \(order.orderNo) again; the worker delivers it.")
        return 0
    }

    static func hold(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let serial = try Serial(try args.required("payment"), field: "--payment")
        let context = try CommandLineApp.openContext(args, io: io)
        let held: Bool
        if args.has("preview") || args.value("reason") != nil {
            let store = context.store
            guard let attempt = try store.read({ try store.attempts.find(serial: serial) }) else {
                throw PayError.notFound("payment '\(serial)': not found")
            }
            let gateway = try ChannelGateway(store: store, clock: context.clock)
            let action: RepairAction = args.has("release") ? .releaseDuplicateRefund(payment: serial) : .holdDuplicateRefund(payment: serial)
            if args.has("preview") { return try RepairCLI.preview(action, orderId: attempt.orderId, context: context, gateway: gateway, io: io, json: args.has("json")) }
            _ = try RepairCLI.perform(action, orderId: attempt.orderId, args: args, context: context, gateway: gateway, io: io)
            held = !args.has("release")
        } else {
            held = try DuplicateScanner.hold(serial, release: args.has("release"), context: context)
        }
        struct Held: Encodable { let payment: String; let held: Bool }
        try io.result(args, Held(payment: serial.rawValue, held: held), "Automatic refund of duplicate payment \(serial) \(held ? "held" : "released").")
        return 0
    }

    // MARK: close

    static func close(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let line = try BusinessLineCode(try args.required("business"), field: "--business")
        let orderNo = try MerchantOrderNo(try args.required("order"), field: "--order")
        let context = try CommandLineApp.openContext(args, io: io)
        let order = try OrderService(context).find(line, orderNo)
        let gateway = try ChannelGateway(store: context.store, clock: context.clock)
        if args.has("preview") { return try RepairCLI.preview(.close, orderId: order.id, context: context, gateway: gateway, io: io, json: args.has("json")) }
        let closed = args.value("reason") != nil
            ? try RepairCLI.perform(.close, orderId: order.id, args: args, context: context, gateway: gateway, io: io).order
            : try CloseService(context, gateway: gateway).close(order)
        if args.has("json") {
            struct Result: Encodable { let order: OrderJSON }
            try io.json(Result(order: OrderJSON(closed)))
        } else {
            io.out("Closed order \(closed.orderNo) (\(closed.businessLine)).")
        }
        return 0
    }
}
