import Foundation
import PayCore
import PayServices
import TUIKit

/// The first run on a missing store: create the admin operator, or a sandbox demo store. On a
/// store that exists but has no operator, only the admin can be created. The new admin is logged
/// in and walked through the first merchant, line and account (`SetupWalkScreen`).
@MainActor
final class FirstRunScreen: ConsoleScreen {
    enum Mode { case newStore, adminOnly }
    let mode: Mode
    var menu: ListMenu
    var form: AdminForm?
    var error: String?

    /// The three fields of the first admin.
    struct AdminForm {
        var name = TextField("admin", maxLength: 64)
        var password = TextField(masking: .all, maxLength: 128, placeholder: "at least 8 characters")
        var repeated = TextField(masking: .all, maxLength: 128)
        var focus = 0
    }

    init(mode: Mode) {
        self.mode = mode
        var items = [ListMenu.Item("Create the admin operator", detail: "an empty store for real use")]
        if mode == .newStore {
            items.append(ListMenu.Item("Create a sandbox demo store", detail: "sandbox channels, sample data"))
        }
        menu = ListMenu(title: "First run", items: items)
        if mode == .adminOnly { form = AdminForm() }
    }

    let title = "First run"
    var hints: [KeyHint] {
        form == nil ? [KeyHint("F1", "Help"), KeyHint("Enter", "Choose")]
                    : [KeyHint("F1", "Help"), KeyHint("Tab", "Next"), KeyHint("Enter", "Create"), KeyHint("Esc", "Back")]
    }
    var help: [HelpOverlay.Section] {
        [HelpOverlay.Section("First run", [KeyHint("↑ ↓", "choose"), KeyHint("Enter", "confirm"), KeyHint("Tab", "next field"),
                                           KeyHint("Esc", "back to the choice")])]
    }
    var capturesText: Bool { form != nil }

    func handle(_ key: Key, app: ConsoleApp) -> Bool {
        guard var form else {
            switch menu.handle(key) {
            case .chosen(0): self.form = AdminForm(); error = nil
            case .chosen: createDemo(app)
            case .moved: break
            case .cancelled, .ignored: return false
            }
            return true
        }
        switch key {
        case .escape:
            if mode == .newStore { self.form = nil; return true }
            return false
        case .tab, .down: form.focus = (form.focus + 1) % 3
        case .backTab, .up: form.focus = (form.focus + 2) % 3
        case .enter:
            if form.focus < 2 { form.focus += 1 } else { self.form = form; createAdmin(app); return true }
        default:
            switch form.focus {
            case 0: _ = form.name.handle(key)
            case 1: _ = form.password.handle(key)
            default: _ = form.repeated.handle(key)
            }
        }
        self.form = form
        return true
    }

    func createAdmin(_ app: ConsoleApp) {
        guard var form else { return }
        guard form.password.text == form.repeated.text else {
            error = "the two passwords differ"
            form.repeated.clear()
            form.focus = 2
            self.form = form
            return
        }
        let existed = app.backend.storeExists(at: app.options.storePath)
        do {
            if !existed { try app.open(create: true) }
            try app.authenticator?.createAdministrator(name: form.name.text, password: form.password.text)
            startSetup(app, name: form.name.text, password: form.password.text)
        } catch {
            if !existed { removeStore(app) }
            form.password.clear()
            form.repeated.clear()
            form.focus = 1
            self.form = form
            self.error = error.message
        }
    }

    /// Logs the new admin in and walks them through the first merchant, line and account (a
    /// store for real use has none); without admin services, or on a demo store, the login follows.
    func startSetup(_ app: ConsoleApp, name: String, password: String) {
        let demo = (try? app.isDemoStore()) == true
        guard app.services?.admin != nil, !demo,
              let actor = try? app.authenticator?.authenticate(name: name, password: password, origin: app.options.origin) else {
            app.showMessage("Admin operator '\(name)' created; log in")
            app.screens = [LoginScreen()]
            return
        }
        app.logIn(actor)
        app.screens = [SetupWalkScreen()]
        app.showMessage("Admin operator '\(name)' created and logged in")
    }

    func createDemo(_ app: ConsoleApp) {
        do {
            try app.open(create: true)
            guard let services = app.services else { return }
            try services.store.seedDemo(origin: app.options.origin)
            try app.refreshStoreLabel()
            app.showMessage("Sandbox demo store created at \(app.options.storePath)")
            app.screens = [LoginScreen()]
        } catch {
            removeStore(app)
            self.error = error.message
        }
    }

    /// Takes back a store this screen created when the setup failed half way.
    func removeStore(_ app: ConsoleApp) {
        app.closeStore()
        app.backend.discardStore(at: app.options.storePath)
    }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let theme = app.theme
        let box = area.centered(width: 72, height: 14)
        buffer.fill(box, style: theme["dialog"])
        buffer.box(box, style: theme["dialog"], title: mode == .newStore ? "Welcome to PayDesk" : "No operator yet", titleStyle: theme["dialog.title"])
        let inner = box.inset(2)
        let text = theme["dialog"]
        let intro = mode == .newStore ? "There is no store at \(app.options.storePath)." : "This store has no operator: create the admin."
        buffer.put(intro, x: inner.x, y: inner.y, style: text, maxWidth: inner.width)
        var cursor: (x: Int, y: Int)?
        if var form {
            let label = theme["label"].withBackground(of: text)
            let rows = [("Name", 0), ("Password", 1), ("Repeat", 2)]
            for (title, index) in rows {
                let y = inner.y + 2 + index * 2
                buffer.put(title, x: inner.x, y: y, style: label)
                let style = form.focus == index ? theme["field.focus"] : theme["field"]
                let x: Int
                switch index {
                case 0: x = form.name.render(into: &buffer, x: inner.x + 10, y: y, width: 40, style: style)
                case 1: x = form.password.render(into: &buffer, x: inner.x + 10, y: y, width: 40, style: style, placeholderStyle: style)
                default: x = form.repeated.render(into: &buffer, x: inner.x + 10, y: y, width: 40, style: style)
                }
                if form.focus == index { cursor = (x, y) }
            }
            self.form = form
        } else {
            buffer.put("Choose how to start:", x: inner.x, y: inner.y + 2, style: text)
            menu.render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 4, width: inner.width, height: menu.items.count), theme: theme)
        }
        if let error {
            buffer.put(error, x: inner.x, y: inner.maxY - 1, style: theme["error"].withBackground(of: text), maxWidth: inner.width)
        }
        return cursor
    }
}
