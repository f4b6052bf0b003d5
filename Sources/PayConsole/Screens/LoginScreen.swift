import PayCore
import TUIKit

/// Operator login: name and password (masked); Tab or ↑/↓ between them, Enter to log in.
@MainActor
final class LoginScreen: ConsoleScreen {
    var name = TextField(maxLength: 64, placeholder: "operator name")
    var password = TextField(masking: .all, maxLength: 128, placeholder: "password")
    var focus = 0
    var error: String?
    /// Whether the store is a sandbox demo (read at the first render, not every frame).
    var demo: Bool?

    let title = "Log in"
    var hints: [KeyHint] { [KeyHint("F1", "Help"), KeyHint("Tab", "Next"), KeyHint("Enter", "Log in")] }
    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Log in", [KeyHint("Tab ↑ ↓", "move between name and password"), KeyHint("Enter", "next field / log in"),
                                        KeyHint("Ctrl-U", "clear the field")])]
    }
    var capturesText: Bool { true }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .tab, .down, .backTab, .up:
            focus = 1 - focus
            return true
        case .enter:
            if focus == 0 { focus = 1; return true }
            submit(app)
            return true
        default:
            let used = focus == 0 ? name.handle(key) : password.handle(key)
            if used == .edited { error = nil }
            return used != .ignored
        }
    }

    func submit(_ app: ConsoleApp) {
        guard let authenticator = app.authenticator else {
            error = "no store is open"
            return
        }
        do {
            let actor = try authenticator.authenticate(name: name.text, password: password.text, origin: app.options.origin)
            password.clear()
            app.logIn(actor)
        } catch {
            password.clear()
            self.error = error.message
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        let demo = self.demo ?? ((try? app.isDemoStore()) == true)
        self.demo = demo
        let errorLines = error.map { Array($0.wrapped(toWidth: 60).prefix(3)) } ?? []
        let extra = max(0, errorLines.count - 1)
        let box = area.centered(width: 64, height: (demo ? 12 : 10) + extra)
        buffer.fill(box, style: theme["dialog"])
        buffer.box(box, style: theme["dialog"], title: "Operator login", titleStyle: theme["dialog.title"])
        let inner = box.inset(2)
        let label = theme["label"].withBackground(of: theme["dialog"])
        buffer.put("Name", x: inner.x, y: inner.y, style: label)
        buffer.put("Password", x: inner.x, y: inner.y + 2, style: label)
        let fieldX = inner.x + 10, fieldWidth = inner.width - 10
        let nameX = name.render(into: &buffer, x: fieldX, y: inner.y, width: fieldWidth,
                                style: focus == 0 ? theme["field.focus"] : theme["field"], placeholderStyle: focus == 0 ? theme["field.focus"] : theme["field"])
        let passwordX = password.render(into: &buffer, x: fieldX, y: inner.y + 2, width: fieldWidth,
                                        style: focus == 1 ? theme["field.focus"] : theme["field"], placeholderStyle: focus == 1 ? theme["field.focus"] : theme["field"])
        for (offset, line) in errorLines.enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + 4 + offset, style: theme["error"].withBackground(of: theme["dialog"]), maxWidth: inner.width)
        }
        if demo {
            let hintStyle = theme["hint"].withBackground(of: theme["dialog"])
            buffer.put("Sandbox demo store: operators cashier, support,", x: inner.x, y: inner.y + 5 + extra, style: hintStyle, maxWidth: inner.width)
            buffer.put("supervisor, admin — password demo", x: inner.x, y: inner.y + 6 + extra, style: hintStyle, maxWidth: inner.width)
        }
        return focus == 0 ? (nameX, inner.y) : (passwordX, inner.y + 2)
    }
}
