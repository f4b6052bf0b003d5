import PayCore
import TUIKit

/// The idle lock of §8: after 15 minutes without a key the console hides the work and asks the
/// same operator's password; the screens behind keep their state (a sale half rung up, a payment
/// waiting) and come back as they were. A wrong password counts towards the account's lockout.
@MainActor
final class LockScreen: ConsoleScreen {
    let actor: Actor
    var password = TextField(masking: .all, maxLength: 128, placeholder: "password")
    var error: String?

    init(actor: Actor) { self.actor = actor }

    let title = "Locked"
    var hints: [KeyHint] { [KeyHint("Enter", "Unlock")] }
    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("Locked", [KeyHint("Enter", "unlock with your password"), KeyHint("F10", "quit PayDesk")])]
    }
    var capturesText: Bool { true }
    var statusSegments: [String] { ["locked"] }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        switch key {
        case .enter:
            guard let authenticator = app.authenticator else { error = "no store is open"; return true }
            do {
                _ = try authenticator.authenticate(name: actor.name, password: password.text, origin: app.options.origin)
                password.clear()
                app.unlock()
            } catch {
                password.clear()
                self.error = error.message
            }
            return true
        default:
            if password.handle(key) == .edited { error = nil }
            return true
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        let errorLines = error.map { Array($0.wrapped(toWidth: 56).prefix(3)) } ?? []
        let box = area.centered(width: 62, height: 9 + max(0, errorLines.count - 1))
        buffer.fill(box, style: theme["dialog"])
        buffer.box(box, style: theme["dialog"], title: "Locked after \(SessionPolicyText.idleMinutes) idle minutes", titleStyle: theme["dialog.title"])
        let inner = box.inset(2)
        let label = theme["label"].withBackground(of: theme["dialog"])
        buffer.put("\(actor.name) (\(actor.role.rawValue)) — enter your password to go on", x: inner.x, y: inner.y, style: label, maxWidth: inner.width)
        buffer.put("Password", x: inner.x, y: inner.y + 2, style: label)
        let x = password.render(into: &buffer, x: inner.x + 10, y: inner.y + 2, width: inner.width - 10,
                                style: theme["field.focus"], placeholderStyle: theme["field.focus"])
        for (offset, line) in errorLines.enumerated() {
            buffer.put(line, x: inner.x, y: inner.y + 4 + offset, style: theme["error"].withBackground(of: theme["dialog"]), maxWidth: inner.width)
        }
        return (x, inner.y + 2)
    }
}

/// The idle period as people read it.
enum SessionPolicyText {
    static let idleMinutes = 15
}
