/// Escape sequences for editing keys that terminals send but a terminfo entry may not list: under
/// `TERM=xterm-256color` inside tmux or screen, Home arrives as `ESC [ 1 ~` while xterm's entry
/// knows only `ESC O H`, so without these the key would arrive as Esc and three characters.
/// The terminal registers each one its terminfo lacks (ncurses `define_key`).
public enum KeySequences {
    public static let table: [(sequence: String, key: Key)] = [
        ("\u{1B}[1~", .home), ("\u{1B}[7~", .home), ("\u{1B}[H", .home), ("\u{1B}OH", .home),
        ("\u{1B}[4~", .end), ("\u{1B}[8~", .end), ("\u{1B}[F", .end), ("\u{1B}OF", .end),
        ("\u{1B}[3~", .delete), ("\u{1B}[2~", .insert), ("\u{1B}[5~", .pageUp), ("\u{1B}[6~", .pageDown),
    ]

    /// The key a whole sequence stands for, or nil.
    public static func key(for sequence: String) -> Key? {
        table.first { $0.sequence == sequence }?.key
    }
}
