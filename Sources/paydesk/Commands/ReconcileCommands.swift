import Foundation
import PayCore
import PayStore
import PayChannels
import PayServices

/// `paydesk reconcile …`: run a channel account's reconciliation for a day, list and show runs,
/// resolve a mismatch, schedule the worker's daily run (issue 16).
enum ReconcileCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(
            path: ["reconcile"],
            summary: "reconcile a channel account's bill for one day with the center's payments and refunds (supervisor or admin)",
            details: """
            Downloads the channel's bill for the channel's own day (Alipay, WeChat Pay, UnionPay: Beijing
            time; the others: UTC) and keeps it beside the store, or reads --bill FILE. Running a day again
            adds a version and keeps the earlier runs. Exit 3 for a malformed bill or one whose summary
            disagrees with its lines (the run is recorded FAILED; nothing is applied).
            """,
            options: [
                .value("account", "A", "the channel account", required: true),
                .value("date", "YYYY-MM-DD", "the channel's day", required: true),
                .value("bill", "FILE", "read this bill file instead of downloading it"),
            ],
            run: run),
        CommandSpec(path: ["reconcile", "list"], summary: "list reconciliation runs, newest day first, with their counts",
                    options: [.value("date", "YYYY-MM-DD", "only this day"), .value("account", "A", "only this channel account")],
                    run: list),
        CommandSpec(path: ["reconcile", "show"], summary: "one run: its totals against the bill's, its mismatches side by side",
                    positionals: ["RUN"], options: [], run: show),
        CommandSpec(
            path: ["reconcile", "resolve"],
            summary: "resolve a mismatch: trust the channel, trust the center (with evidence) or refund (supervisor or admin)",
            details: """
            --trust channel adjusts the center as the channel says, through the payment service (a lost
            callback: the payment is settled SUCCEEDED and its order PAID); --trust center marks it, your
            reason being the evidence; --trust refund refunds the payment through the refund service.
            Above the approval threshold a resolution that moves money needs --approver NAME
            ($PAYDESK_APPROVER_PASSWORD), someone else who may approve refunds. --preview changes nothing.
            """,
            positionals: ["ITEM"],
            options: [
                .value("trust", "SIDE", "channel, center or refund", required: true),
                .value("reason", "TEXT", "why, the evidence (required; at most 500 characters)"),
                .value("approver", "NAME", "a second person approving a resolution above the threshold"),
                .flag("preview", "print what would change; change nothing"),
            ],
            run: resolve),
        CommandSpec(
            path: ["reconcile", "schedule"],
            summary: "when the worker reconciles yesterday, how long one-sided records wait, the approval threshold (admin)",
            options: [
                .value("hour", "H", "the worker reconciles yesterday's bills after this hour of the channel's day (0-23)"),
                .flag("off", "the worker does not reconcile"),
                .value("channel", "C", "the channel --hold-days is for"),
                .value("hold-days", "N", "days a record seen on one side only waits for a later bill (0-30, default 1)"),
                .value("approval-above", "MINOR", "resolutions moving more than this many minor units need an approver"),
            ],
            run: schedule),
    ]

    static func service(_ context: ServiceContext) throws(PayError) -> ReconciliationService {
        ReconciliationService(context, gateway: try ChannelGateway(store: context.store, clock: context.clock))
    }

    static func number(_ args: ParsedArguments, _ what: String) throws(PayError) -> Int64 {
        guard let text = args.positionals.first else { throw PayError.usage("give the \(what)'s number") }
        guard let id = Int64(text), id > 0 else { throw PayError.invalidInput("\(what) '\(text)': not a number") }
        return id
    }

    // MARK: Text

    static func money(_ minor: Int64, _ currency: Currency?) -> String {
        guard let currency else { return String(minor) }
        return Money(minorUnits: minor, currency: currency).decimalString
    }

    static func line(_ run: ReconciliationRun) -> String {
        var text = "#\(run.id) \(run.billDate) \(run.account) (\(run.channel)) v\(run.version) \(run.status.rawValue)"
        switch run.status {
        case .failed, .noBill:
            text += ": \(run.error ?? "")"
        case .matched, .mismatched:
            text += " — \(run.billLines) lines, \(run.matched) matched, \(run.mismatches) mismatch\(run.mismatches == 1 ? "" : "es"), \(run.held) held, \(run.released) released"
        }
        return text
    }

    static func side(_ item: Mismatch) -> [String] {
        let c = item.center
        let b = item.channel
        func fee(_ m: Money?) -> String { m.map(\.decimalString) ?? "—" }
        return [
            "    ours:    " + (c.map { "\($0.serial) \($0.status) \($0.amount.decimalString) \($0.amount.currency) fee \(fee($0.fee)) at \($0.time.iso8601)" } ?? "—"),
            "    channel: " + (b.map { "\($0.serial) (\($0.centerSerial.isEmpty ? "—" : $0.centerSerial)) \($0.outcome) \($0.amount.decimalString) \($0.amount.currency) fee \($0.fee.decimalString) at \($0.time.iso8601), line \($0.line)" } ?? "—"),
        ]
    }

    static func itemLine(_ item: Mismatch) -> String {
        var text = "  item \(item.id) \(item.type.rawValue) \(item.key) \(item.state.rawValue)"
        if let amount = item.amount { text += " \(amount.decimalString) \(amount.currency)" }
        if !item.note.isEmpty { text += " — \(item.note)" }
        if item.state == .resolved {
            text += "\n    resolved: trust \(item.resolution?.rawValue ?? "?") by \(item.resolvedBy ?? "?")"
                + (item.approvedBy.map { ", approved by \($0)" } ?? "") + ": \(item.reason ?? "") — \(item.outcome ?? "")"
        }
        return text
    }

    // MARK: JSON

    struct TotalsJSON: Encodable {
        let payments: Int; let paid: String; let refunds: Int; let refunded: String; let fees: String
        init(_ t: ReconciliationRun.Totals, _ currency: Currency?) {
            payments = t.payments; paid = money(t.paid, currency); refunds = t.refunds; refunded = money(t.refunded, currency)
            fees = money(t.fees, currency)
        }
    }

    struct RunJSON: Encodable {
        let id: Int64; let account, channel, date: String; let version: Int; let status: String; let currency: String?
        let billFile: String?; let billLines: Int; let bill, center: TotalsJSON; let matched: Int; let matchedAmount: String
        let mismatches: Int; let mismatchedAmount: String; let held, released: Int; let error: String?; let startedBy, startedAt: String
        init(_ r: ReconciliationRun) {
            id = r.id; account = r.account; channel = r.channel; date = r.billDate; version = r.version; status = r.status.rawValue
            currency = r.currency?.code; billFile = r.billFile; billLines = r.billLines; bill = TotalsJSON(r.bill, r.currency)
            center = TotalsJSON(r.center, r.currency); matched = r.matched; matchedAmount = money(r.matchedMinor, r.currency)
            mismatches = r.mismatches; mismatchedAmount = money(r.mismatchedMinor, r.currency); held = r.held; released = r.released
            error = r.error; startedBy = r.startedBy; startedAt = r.startedAt.iso8601
        }
    }

    struct SideJSON: Encodable {
        let serial: String; let centerSerial: String?; let status: String; let amount: String; let currency: String; let fee: String?
        let time: String; let line: Int?
    }

    struct ItemJSON: Encodable {
        let id: Int64; let type, key, state: String; let note: String; let ours, channel: SideJSON?
        let resolution, reason, resolvedBy, approvedBy, resolvedAt, outcome: String?
        init(_ i: Mismatch) {
            id = i.id; type = i.type.rawValue; key = i.key; state = i.state.rawValue; note = i.note
            ours = i.center.map { SideJSON(serial: $0.serial, centerSerial: nil, status: $0.status, amount: $0.amount.decimalString,
                                           currency: $0.amount.currency.code, fee: $0.fee?.decimalString, time: $0.time.iso8601, line: nil) }
            channel = i.channel.map { SideJSON(serial: $0.serial, centerSerial: $0.centerSerial, status: $0.outcome, amount: $0.amount.decimalString,
                                               currency: $0.amount.currency.code, fee: $0.fee.decimalString, time: $0.time.iso8601, line: $0.line) }
            resolution = i.resolution?.rawValue; reason = i.reason; resolvedBy = i.resolvedBy; approvedBy = i.approvedBy
            resolvedAt = i.resolvedAt?.iso8601; outcome = i.outcome
        }
    }

    struct CountJSON: Encodable { let type: String; let count: Int; let amount: String }

    struct ReportJSON: Encodable {
        let run: RunJSON; let counts: [CountJSON]; let mismatches: [ItemJSON]
        init(_ report: ReconciliationReport) {
            run = RunJSON(report.run)
            counts = report.typeCounts.map { CountJSON(type: $0.type.rawValue, count: $0.count, amount: money($0.minor, report.run.currency)) }
            mismatches = report.mismatches.map(ItemJSON.init)
        }
    }

    static func print(_ report: ReconciliationReport, _ io: CommandIO) {
        let r = report.run
        io.out(line(r))
        if r.status == .matched || r.status == .mismatched {
            io.out("  bill:   \(r.bill.payments) payments \(money(r.bill.paid, r.currency)), \(r.bill.refunds) refunds \(money(r.bill.refunded, r.currency)), fees \(money(r.bill.fees, r.currency))")
            io.out("  center: \(r.center.payments) payments \(money(r.center.paid, r.currency)), \(r.center.refunds) refunds \(money(r.center.refunded, r.currency)), fees by the account's terms \(money(r.center.fees, r.currency))")
        }
        if let file = r.billFile { io.out("  bill file: \(file)") }
        for count in report.typeCounts { io.out("  \(count.type.rawValue): \(count.count) (\(money(count.minor, r.currency)))") }
        for item in report.mismatches {
            io.out(itemLine(item))
            for text in side(item) { io.out(text) }
        }
    }

    // MARK: Commands

    static func run(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let account = try args.required("account")
        let date = try args.required("date")
        _ = try ReconciliationSettings.parseDate(date, field: "--date")
        let context = try CommandLineApp.openContext(args, io: io)
        let report = try service(context).run(account: account, date: date, billFile: args.value("bill"))
        if args.has("json") {
            try io.json(ReportJSON(report))
        } else {
            print(report, io)
        }
        return 0
    }

    static func list(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let context = try CommandLineApp.openContext(args, io: io)
        let runs = try service(context).runs(date: args.value("date"), account: args.value("account"))
        if args.has("json") {
            struct Result: Encodable { let runs: [RunJSON] }
            try io.json(Result(runs: runs.map(RunJSON.init)))
        } else if runs.isEmpty {
            io.out("No reconciliation runs.")
        } else {
            for run in runs { io.out(line(run)) }
        }
        return 0
    }

    static func show(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try number(args, "run")
        let context = try CommandLineApp.openContext(args, io: io)
        let report = try service(context).report(run: id)
        if args.has("json") {
            try io.json(ReportJSON(report))
        } else {
            print(report, io)
        }
        return 0
    }

    static func resolve(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        let id = try number(args, "item")
        let trustText = try args.required("trust")
        guard let resolution = MismatchResolution(rawValue: trustText.lowercased()) else {
            throw PayError.invalidInput("--trust '\(trustText)': channel, center or refund")
        }
        if !args.has("preview"), args.value("reason") == nil { throw PayError.usage("missing --reason TEXT: say why (the evidence, kept with the resolution)") }
        let context = try CommandLineApp.openContext(args, io: io)
        let service = try service(context)
        if args.has("preview") {
            let plan = try service.plan(id, as: resolution)
            if args.has("json") {
                struct Result: Encodable { let item: ItemJSON; let effect: String; let refusal: String?; let needsApproval: Bool }
                try io.json(Result(item: ItemJSON(plan.mismatch), effect: plan.effect, refusal: plan.refusal, needsApproval: plan.needsApproval))
            } else {
                io.out(itemLine(plan.mismatch))
                for text in side(plan.mismatch) { io.out(text) }
                io.out(plan.refusal.map { "Refused: \($0)" } ?? "Would \(plan.effect)")
                if plan.needsApproval { io.out("  needs an approver: --approver NAME ($PAYDESK_APPROVER_PASSWORD)") }
            }
            return plan.refusal == nil ? 0 : 7
        }
        let approver = try OperatorLogin.approver(args, context: context, io: io)
        let item = try service.resolve(id, as: resolution, reason: args.value("reason") ?? "", approver: approver)
        if args.has("json") {
            struct Result: Encodable { let item: ItemJSON }
            try io.json(Result(item: ItemJSON(item)))
        } else {
            io.out("Resolved: \(itemLine(item).trimmingCharacters(in: .whitespaces))")
        }
        return 0
    }

    static func schedule(_ args: ParsedArguments, _ io: inout CommandIO) throws -> Int32 {
        var hour: Int??
        if args.has("off") {
            guard args.value("hour") == nil else { throw PayError.usage("reconcile schedule: --hour or --off, not both") }
            hour = .some(nil)
        } else if let text = args.value("hour") {
            guard let h = Int(text), (0...23).contains(h) else { throw PayError.invalidInput("--hour '\(text)': 0 to 23") }
            hour = .some(h)
        }
        var hold: (channel: String, days: Int)?
        if let text = args.value("hold-days") {
            guard let channel = args.value("channel") else { throw PayError.usage("--hold-days needs --channel C") }
            guard let days = Int(text), (0...30).contains(days) else { throw PayError.invalidInput("--hold-days '\(text)': 0 to 30") }
            hold = (channel, days)
        }
        var approval: Int64?
        if let text = args.value("approval-above") {
            guard let minor = Int64(text), minor >= 0 else { throw PayError.invalidInput("--approval-above '\(text)': minor units, 0 or more") }
            approval = minor
        }
        let context = try CommandLineApp.openContext(args, io: io)
        try Authorizer.require(.manageStore, actor: context.actor)
        try ReconciliationSettings.save(context.store, holdDays: hold, hour: hour, approvalMinor: approval)
        let channels = hold.map { [$0.channel] } ?? []
        let settings = try ReconciliationSettings.load(context.store, channels: channels)
        try AuditLog(context).append(actor: context.actor, action: "reconciliation.schedule", target: "reconciliation",
                                     detail: "hour \(settings.hour.map(String.init) ?? "off"), approval above \(settings.approvalMinor)"
                                        + (hold.map { ", \($0.channel) holds \($0.days) day(s)" } ?? ""))
        if args.has("json") {
            struct Result: Encodable { let hour: Int?; let approvalAbove: Int64; let holdDays: [String: Int] }
            try io.json(Result(hour: settings.hour, approvalAbove: settings.approvalMinor, holdDays: settings.holdDays))
        } else {
            io.out("Worker reconciles yesterday: \(settings.hour.map { "after \($0):00 of each channel's day" } ?? "off")")
            io.out("Resolutions moving more than \(settings.approvalMinor) minor units need an approver.")
            for (channel, days) in settings.holdDays.sorted(by: { $0.key < $1.key }) { io.out("\(channel): one-sided records wait \(days) day(s).") }
        }
        return 0
    }
}
