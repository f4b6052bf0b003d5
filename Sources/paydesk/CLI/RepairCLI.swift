import Foundation
import PayCore
import PayStore
import PayChannels
import PayServices

/// The command line's face of `RepairDesk` (the console's repair actions): `--preview` prints
/// what an action will change and changes nothing; an action taken here goes through the same
/// `perform` as the console's (permission, reason, the order as just read, audit, idempotency).
enum RepairCLI {
    /// The reason recorded when a repair command is run without `--reason` (scripts that predate it).
    static let defaultReason = "cli"

    /// Prints the preview: the title, each change, what is refundable, who must approve, or why
    /// not. Exit 0 when the action can be taken, else a conflict naming the refusal (exit 7, nothing changed).
    static func preview(_ action: RepairAction, orderId: Int64, context: ServiceContext, gateway: ChannelGateway,
                        io: CommandIO, json: Bool = false) throws(PayError) -> Int32 {
        let preview = try RepairDesk(context, gateway: gateway).preview(action, orderId: orderId)
        if json {
            guard let refusal = preview.refusal else {
                struct Preview: Encodable { let title: String; let changes: [String]; let refundable: String?; let needsApprover: Bool }
                struct Result: Encodable { let preview: Preview; let changed: Bool }
                try io.json(Result(preview: Preview(title: preview.title, changes: preview.changes, refundable: preview.refundable?.decimalString,
                                                    needsApprover: preview.needsApprover), changed: false))
                return 0
            }
            throw PayError.conflict("cannot be taken now: \(refusal)")
        }
        io.out("Preview: \(preview.title)")
        for change in preview.changes { io.out("  - \(change)") }
        if let refundable = preview.refundable { io.out("  refundable: \(refundable)") }
        if preview.needsApprover { io.out("  needs an approver: --approver NAME ($PAYDESK_APPROVER_PASSWORD)") }
        guard let refusal = preview.refusal else {
            io.out("Nothing was changed (--preview).")
            return 0
        }
        throw PayError.conflict("cannot be taken now: \(refusal)")
    }

    /// Takes the action on the order as it is now, with `--reason` (or `defaultReason`) and
    /// `--idempotency-key` when given (else a fresh key: a plain rerun is a new request).
    static func perform(_ action: RepairAction, orderId: Int64, args: ParsedArguments, context: ServiceContext,
                        gateway: ChannelGateway, io: CommandIO, approver: (name: String, password: String)? = nil,
                        reasonRequired: Bool = false) throws(PayError) -> RepairResult {
        let reason: String
        if let given = args.value("reason") {
            reason = given
        } else if reasonRequired {
            throw PayError.usage("missing --reason TEXT: say why (kept in the audit log)")
        } else {
            reason = defaultReason
        }
        do { _ = try RepairDesk.validReason(reason) } catch { throw PayError.invalidInput("--\(error.message)") }
        let key = args.value("idempotency-key") ?? "cli-\(UUID().uuidString)"
        _ = try IdempotencyKey(key, field: "--idempotency-key")
        let store = context.store
        guard let order = try store.read({ try store.orders.find(id: orderId) }) else { throw PayError.notFound("the order is no longer in the store") }
        return try RepairDesk(context, gateway: gateway).perform(
            RepairRequest(action: action, reason: reason, expected: OrderVersion(order), idempotencyKey: key, approver: approver),
            orderId: orderId)
    }
}
