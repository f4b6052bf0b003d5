import PayCore
import TUIKit

/// One admin form on its own screen, over the admin tree: F9 or Enter on the last field submits,
/// Esc goes back without changing anything. `submit` reads the form into a draft and calls the
/// desk; it answers a message for the status line when done, or nil after marking the form.
@MainActor
final class AdminFormScreen: ConsoleScreen {
    var form: AdminForm
    let submit: (inout AdminForm, any AdminDesk) -> String?
    let done: () -> Void

    init(form: AdminForm, submit: @escaping (inout AdminForm, any AdminDesk) -> String?, done: @escaping () -> Void) {
        self.form = form
        self.submit = submit
        self.done = done
    }

    var title: String { "Admin — \(form.title)" }
    var capturesText: Bool { true }
    var hints: [KeyHint] {
        [KeyHint("F1", "Help"), KeyHint("Tab", "Next"), KeyHint("←→", "Choose"), KeyHint("F9", "Save"), KeyHint("Esc", "Back")]
    }
    var help: [HelpOverlay.Section] { [AdminText.formHelp] }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch form.handle(key) {
        case .none: return true
        case .cancel:
            app.screens.removeLast()
            return true
        case .submit:
            guard let admin = app.services?.admin else {
                form.fail(nil, AdminText.notConnected)
                return true
            }
            guard let message = submit(&form, admin) else { return true }
            app.screens.removeLast()
            done()
            app.showMessage(message)
            return true
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        AdminText.renderFormBox(&form, into: &buffer, area: area, theme: app.theme)
    }
}

/// Words and drawing the admin screens share.
@MainActor
enum AdminText {
    static let notConnected = "admin services not connected"

    static let formHelp = HelpOverlay.Section("Form", [
        KeyHint("Tab ↓ / Shift-Tab ↑", "next / previous field"),
        KeyHint("← → Space", "change a choice (‹ … ›); a letter jumps to an option"),
        KeyHint("Enter", "next field; on the last one, save"),
        KeyHint("F9", "save"),
        KeyHint("Esc", "back; nothing is changed"),
    ])

    /// Draws a form in a centred dialog box; returns the text cursor.
    static func renderFormBox(_ form: inout AdminForm, into buffer: inout ScreenBuffer, area: Rect, theme: Theme) -> (x: Int, y: Int)? {
        let box = area.centered(width: min(area.width, 92), height: min(area.height, form.height + 4))
        let body = theme["dialog"]
        buffer.fill(box, style: body)
        buffer.box(box, style: body, title: form.title, titleStyle: theme["dialog.title"])
        return form.render(into: &buffer, area: box.inset(2), theme: theme, background: body)
    }

    /// "0.60 % + 0.30" style fee text from basis points and minor units.
    static func fee(bps: Int64, fixedMinor: Int64) -> String {
        let percent = "\(bps / 100).\(bps % 100 < 10 ? "0" : "")\(bps % 100) %"
        return fixedMinor == 0 ? percent : "\(percent) + \(fixedMinor) minor"
    }
}
