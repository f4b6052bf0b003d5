import TUIKit

/// A destination whose screen comes with another part of PayDesk: says so, and what to use meanwhile.
@MainActor
final class NotYetScreen: ConsoleScreen {
    let id: String
    let title: String
    var destination: Destination? { Destination(rawValue: id) }
    let lines: [String]

    init(id: String, title: String, lines: [String]) {
        self.id = id
        self.title = title
        self.lines = lines
    }

    static var orders: NotYetScreen {
        NotYetScreen(id: "orders", title: "Orders", lines: [
            "The order browser is not in this build yet.",
            "Meanwhile: paydesk orders, paydesk query --order NO --business LINE"])
    }

    static var reconciliation: NotYetScreen {
        NotYetScreen(id: "reconciliation", title: "Reconciliation", lines: ["Reconciliation is not in this build yet.", "Meanwhile: paydesk check"])
    }

    var hints: [KeyHint] { [KeyHint("F1", "Help"), KeyHint("F2", "Checkout"), KeyHint("Esc", "Back")] }
    var help: [HelpOverlay.Section] { [HelpOverlay.Section(title, [KeyHint("Esc", "back to the previous screen")])] }

    func render(into buffer: inout ScreenBuffer, area: Rect, app: ConsoleApp) -> (x: Int, y: Int)? {
        let top = area.y + area.height / 2 - lines.count / 2
        for (index, line) in lines.enumerated() {
            buffer.put(line, in: Rect(x: area.x, y: top + index, width: area.width, height: 1), style: index == 0 ? app.theme["subtitle"] : app.theme["hint"], alignment: .center)
        }
        return nil
    }

    func handle(_ key: Key, app: ConsoleApp) -> Bool { false }
}
