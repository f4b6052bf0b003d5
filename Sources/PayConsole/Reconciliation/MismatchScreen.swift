import Foundation
import PayCore
import PayServices
import TUIKit

/// One mismatch side by side: ours | the channel's, field by field, the fields that differ
/// marked `≠` (and drawn as errors). `c` trusts the channel, `t` trusts the center, `f` refunds:
/// each shows what it would do (the preview), asks for the reason, then asks to confirm; above
/// the threshold it asks for a second person too.
@MainActor
final class MismatchScreen: ConsoleScreen {
    private(set) var item: Mismatch
    let currency: Currency?
    private let changed: () -> Void

    init(item: Mismatch, currency: Currency?, changed: @escaping () -> Void = {}) {
        self.item = item
        self.currency = currency
        self.changed = changed
    }

    var title: String { "Mismatch #\(item.id) \(item.type.phrase)" }

    var hints: [KeyHint] {
        guard item.state == .open else { return [KeyHint("F1", "Help"), KeyHint("Esc", "Back")] }
        return [KeyHint("F1", "Help"), KeyHint("c", "Trust channel"), KeyHint("t", "Trust center"), KeyHint("f", "Refund"), KeyHint("Esc", "Back")]
    }

    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Mismatch", [
            KeyHint("c", "trust the channel: adjust the center as it says (a lost callback: settle the payment)"),
            KeyHint("t", "trust the center: mark it, your reason being the evidence; nothing moves"),
            KeyHint("f", "refund the payment through the refund service"),
            KeyHint("Esc", "back to the run"),
        ])]
    }

    /// The rows of the side-by-side view: label, ours, the channel's, and whether they differ.
    static func rows(_ item: Mismatch) -> [(label: String, ours: String, channel: String, differs: Bool)] {
        let c = item.center
        let b = item.channel
        func cell(_ text: String?) -> String { text ?? "—" }
        var rows: [(label: String, ours: String, channel: String, differs: Bool)] = []
        rows.append(("Serial", cell(c?.serial), cell(b.map { $0.centerSerial.isEmpty ? "—" : $0.centerSerial }), false))
        rows.append(("Channel serial", "—", cell(b?.serial), false))
        let ourStatus = c?.status
        let succeededOurs = ourStatus == "SUCCEEDED"
        let succeededTheirs = b?.outcome == "succeeded"
        rows.append(("Status", cell(ourStatus), cell(b?.outcome), c != nil && b != nil && succeededOurs != succeededTheirs))
        rows.append(("Amount", cell(c?.amount.decimalString), cell(b?.amount.decimalString),
                     c != nil && b != nil && c?.amount.minorUnits != b?.amount.minorUnits))
        rows.append(("Currency", cell(c?.amount.currency.code), cell(b?.amount.currency.code),
                     c != nil && b != nil && c?.amount.currency != b?.amount.currency))
        rows.append(("Fee", cell(c?.fee?.decimalString), cell(b?.fee.decimalString),
                     c?.fee != nil && b != nil && c?.fee?.minorUnits != b?.fee.minorUnits))
        rows.append(("Time (UTC)", cell(c.map { $0.time.iso8601 }), cell(b.map { $0.time.iso8601 }), false))
        rows.append(("Bill line", "—", cell(b.map { "\($0.line)" }), false))
        if c == nil { rows[0].differs = true }
        if b == nil { rows[1].differs = true }
        return rows
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard item.state == .open else { return false }
        switch key {
        case .character("c"): start(.trustChannel, app: app)
        case .character("t"): start(.trustCenter, app: app)
        case .character("f"): start(.refund, app: app)
        default: return false
        }
        return true
    }

    /// The preview (what it would do), then the reason, then the confirmation.
    private func start(_ resolution: MismatchResolution, app: ConsoleApp) {
        let id = item.id
        guard let plan = app.askReconciliation({ desk throws(PayError) in try desk.plan(mismatch: id, as: resolution) }) else { return }
        if let refusal = plan.refusal {
            app.showMessage("mismatch #\(id), \(Self.name(resolution)): \(refusal)", error: true)
            return
        }
        var lines = ["\(Self.sentence(Self.name(resolution))): \(plan.effect)."]
        if plan.needsApproval { lines.append("It moves \(plan.moves?.description ?? "") — above the threshold: a second person approves.") }
        lines.append("Why? (kept as the evidence, in the audit log and the order's timeline)")
        app.present(.input("Resolve mismatch #\(id)", lines, label: "Reason")) { [weak self] outcome in
            guard case .submitted(let raw) = outcome else { return }
            let reason = raw.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else {
                app.showMessage("reason: empty; say why (the evidence)", error: true)
                return
            }
            if plan.needsApproval {
                self?.askApprover(plan, reason: reason, app: app)
            } else {
                self?.confirm(plan, reason: reason, approver: nil, app: app)
            }
        }
    }

    private func askApprover(_ plan: ResolutionPlan, reason: String, app: ConsoleApp) {
        app.present(.input("Second person", ["A supervisor other than you approves this resolution.", "Approver's name:"], label: "Name")) { [weak self] outcome in
            guard case .submitted(let raw) = outcome else { return }
            let name = raw.trimmingCharacters(in: .whitespaces)
            app.present(.input("Second person", ["\(name)'s password:"], label: "Password", field: TextField(masking: .all))) { outcome in
                guard case .submitted(let password) = outcome else { return }
                self?.confirm(plan, reason: reason, approver: (name, password), app: app)
            }
        }
    }

    private func confirm(_ plan: ResolutionPlan, reason: String, approver: (name: String, password: String)?, app: ConsoleApp) {
        let id = item.id
        let lines = ["\(Self.sentence(Self.name(plan.resolution))): \(plan.effect).", "Reason: \(reason)"]
            + (approver.map { ["Approved by \($0.name)."] } ?? [])
        app.present(.confirm("Resolve mismatch #\(id)?", lines, yes: "Resolve", no: "Cancel")) { [weak self] outcome in
            guard outcome == .confirmed else { return }
            guard let resolved = app.askReconciliation({ desk throws(PayError) in
                try desk.resolve(mismatch: id, as: plan.resolution, reason: reason, approver: approver)
            }) else { return }
            self?.item = resolved
            app.showMessage("mismatch #\(id) resolved: \(resolved.outcome ?? "")")
            self?.changed()
        }
    }

    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func name(_ resolution: MismatchResolution) -> String {
        switch resolution {
        case .trustChannel: "trust the channel"
        case .trustCenter: "trust the center"
        case .refund: "refund"
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        var y = area.y
        func line(_ text: String, _ style: String) {
            guard y < area.maxY else { return }
            buffer.put(text, in: Rect(x: area.x, y: y, width: area.width, height: 1), style: app.theme[style])
            y += 1
        }
        line(" \(item.type.rawValue) — \(item.type.phrase), key \(item.key)", "subtitle")
        line(item.note.isEmpty ? "" : " \(item.note)", "hint")
        y += 1
        let labelWidth = 18
        let half = max(10, (area.width - labelWidth - 4) / 2)
        buffer.put(" " + "".padding(toLength: labelWidth - 1, withPad: " ", startingAt: 0), x: area.x, y: y, style: app.theme["table.header"])
        buffer.put("Ours".padding(toLength: half, withPad: " ", startingAt: 0), x: area.x + labelWidth, y: y, style: app.theme["table.header"])
        buffer.put(" | ", x: area.x + labelWidth + half, y: y, style: app.theme["table.header"])
        buffer.put("Channel".padding(toLength: half, withPad: " ", startingAt: 0), x: area.x + labelWidth + half + 3, y: y, style: app.theme["table.header"])
        y += 1
        for row in Self.rows(item) where y < area.maxY {
            let style = row.differs ? app.theme["error"] : app.theme["body"]
            buffer.put((row.differs ? "≠ " : "  ") + row.label, x: area.x, y: y, style: row.differs ? app.theme["error"] : app.theme["label"], maxWidth: labelWidth)
            buffer.put(row.ours, x: area.x + labelWidth, y: y, style: style, maxWidth: half)
            buffer.put(" | ", x: area.x + labelWidth + half, y: y, style: app.theme["border"])
            buffer.put(row.channel, x: area.x + labelWidth + half + 3, y: y, style: style, maxWidth: half)
            y += 1
        }
        y += 1
        switch item.state {
        case .open:
            line(" Open. c trust the channel · t trust the center · f refund", "notice")
        case .resolved:
            line(" Resolved: trust \(item.resolution?.rawValue ?? "?") by \(item.resolvedBy ?? "?")" + (item.approvedBy.map { ", approved by \($0)" } ?? ""), "status.paid")
            line(" Reason: \(item.reason ?? "")", "body")
            line(" \(item.outcome ?? "")", "hint")
        }
        return nil
    }
}
