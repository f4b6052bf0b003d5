import TUIKit

/// What a global key does.
enum GlobalAction: Equatable {
    case help
    case go(Destination)
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

    /// The global keys; the destinations' keys come from `DestinationTable`.
    @MainActor
    static var bindings: [Binding] {
        [Binding(keys: [.function(1), .character("?")], action: .help, description: "help for this screen")]
        + DestinationTable.entries.map { Binding(keys: [$0.key], action: .go($0.destination), description: $0.title.lowercased()) }
        + [
        Binding(keys: [.function(10), .ctrl("q")], action: .quit, description: "quit (asks first)"),
        Binding(keys: [.character(":"), .ctrl("p")], action: .palette, description: "command palette"),
        Binding(keys: [.ctrl("l")], action: .redraw, description: "redraw the screen"),
        ]
    }

    @MainActor
    static func action(for key: Key) -> GlobalAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The help overlay's "Everywhere" section.
    @MainActor
    static var helpSection: HelpOverlay.Section {
        HelpOverlay.Section("Everywhere", bindings.map { binding in
            KeyHint(binding.keys.map(\.label).joined(separator: " "), binding.description)
        } + [KeyHint("Esc", "back / cancel (never quits)")])
    }
}
