import TUIKit

/// What a global key does.
enum GlobalAction: Equatable {
    case help
    case go(ConsoleApp.Destination)
    case quit
    case palette
    case redraw
}

/// The console's global keys (DESIGN §9, k9s's key table): one table serves both the handling
/// and the help overlay. Esc is not here: it belongs to the screen (back, never quit).
enum KeyMap {
    struct Binding {
        let keys: [Key]
        let action: GlobalAction
        let description: String
    }

    static let bindings: [Binding] = [
        Binding(keys: [.function(1)], action: .help, description: "help for this screen"),
        Binding(keys: [.function(2)], action: .go(.checkout), description: "checkout"),
        Binding(keys: [.function(3)], action: .go(.orders), description: "orders"),
        Binding(keys: [.function(4)], action: .go(.alerts), description: "alerts"),
        Binding(keys: [.function(5)], action: .go(.dashboard), description: "dashboard"),
        Binding(keys: [.function(10), .ctrl("q")], action: .quit, description: "quit (asks first)"),
        Binding(keys: [.character(":"), .ctrl("p")], action: .palette, description: "command palette"),
        Binding(keys: [.ctrl("l")], action: .redraw, description: "redraw the screen"),
    ]

    static func action(for key: Key) -> GlobalAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The help overlay's "Everywhere" section.
    static var helpSection: HelpOverlay.Section {
        HelpOverlay.Section("Everywhere", bindings.map { binding in
            KeyHint(binding.keys.map(\.label).joined(separator: " "), binding.description)
        } + [KeyHint("Esc", "back / cancel (never quits)")])
    }
}
