import Foundation
import PayCore
import PayServices
import TUIKit

/// What the alert panel and the alert detail do to an alert: acknowledge (asks first), silence
/// (for how long, then why) and open the orders it concerns. `changed` runs after the desk said
/// yes, so the screen reloads what it shows.
@MainActor
enum AlertActions {
    static let defaultSilence = "1h"
    /// Silences run from a minute to thirty days.
    static let silenceRange: ClosedRange<Int64> = 60_000...(30 * 86_400_000)

    static func describe(_ alert: AlertSummary) -> String {
        let labels = MonitoringText.labels(alert.labels)
        return "#\(alert.id) \(alert.rule)" + (labels.isEmpty ? "" : " (\(labels))")
    }

    /// Asks, then acknowledges a firing alert. Other states are told why not without asking.
    static func acknowledge(_ alert: AlertSummary, app: ConsoleApp, changed: @escaping (AlertSummary) -> Void) {
        guard alert.state == .firing else {
            let why = alert.state == .acknowledged ? "already acknowledged by \(alert.acknowledgedBy ?? "someone")" : "it is \(alert.state.rawValue)"
            app.showMessage("alert #\(alert.id): only a firing alert can be acknowledged; \(why)", error: true)
            return
        }
        let lines = ["Acknowledge \(describe(alert))?", "It keeps counting firings and resolves by itself when it clears."]
        app.present(.confirm("Acknowledge alert", lines, yes: "Acknowledge", no: "Cancel")) { outcome in
            guard outcome == .confirmed else { return }
            guard let updated = app.askMonitoring({ desk throws(PayError) in try desk.acknowledge(id: alert.id) }) else { return }
            app.showMessage("acknowledged alert #\(updated.id)")
            changed(updated)
        }
    }

    /// Asks for how long (1h unless changed), then why, then silences the alert's rule and labels.
    static func silence(_ alert: AlertSummary, app: ConsoleApp, changed: @escaping (SilenceView) -> Void) {
        let field = TextField(defaultSilence, maxLength: 16)
        let lines = ["Silence \(describe(alert))", "Nothing is sent for it while silenced. For how long? (30m, 1h, 2d)"]
        app.present(.input("Silence alert", lines, label: "For", field: field)) { outcome in
            guard case .submitted(let raw) = outcome else { return }
            let text = raw.trimmingCharacters(in: .whitespaces)
            let milliseconds: Int64
            do {
                milliseconds = try DurationText.milliseconds(text, field: "silence duration", in: silenceRange)
            } catch {
                app.showMessage(error.message, error: true)
                return
            }
            askReason(alert, milliseconds: milliseconds, app: app, changed: changed)
        }
    }

    private static func askReason(_ alert: AlertSummary, milliseconds: Int64, app: ConsoleApp, changed: @escaping (SilenceView) -> Void) {
        let lines = ["Silence \(describe(alert)) for \(DurationText.describe(milliseconds))", "Why? (kept with the silence)"]
        app.present(.input("Silence alert", lines, label: "Reason")) { outcome in
            guard case .submitted(let raw) = outcome else { return }
            let reason = raw.trimmingCharacters(in: .whitespaces)
            guard !reason.isEmpty else {
                app.showMessage("silence reason: empty; say why the alert is silenced", error: true)
                return
            }
            guard let silence = app.askMonitoring({ desk throws(PayError) in
                try desk.silence(alertId: alert.id, forMilliseconds: milliseconds, reason: reason)
            }) else { return }
            if silence.matchedAlerts == 0 {
                app.showMessage("silence #\(silence.id) matches no open alert now", error: true)
            } else {
                app.showMessage("silenced alert #\(alert.id) until \(silence.expiresAt.displayString) (silence #\(silence.id))")
            }
            changed(silence)
        }
    }

    /// Opens the order browser filtered to the orders the alert concerns.
    static func openOrders(of alert: AlertSummary, detail: AlertDetail?, app: ConsoleApp) {
        let found = detail ?? app.askMonitoring({ desk throws(PayError) in try desk.alert(id: alert.id) })
        guard let found else { return }
        guard let filter = found.orderFilter else {
            app.showMessage("alert #\(alert.id) concerns no orders", error: false)
            return
        }
        let entry = DestinationTable.entry(.orders)
        if let session = app.session, !entry.allows(session) {
            app.showMessage(entry.refusal(for: session), error: true)
            return
        }
        let orders = OrdersScreen(app: app)
        app.push(orders)
        orders.applyFilter(filter, app: app)
    }
}
