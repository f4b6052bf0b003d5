/// A set of named styles (k9s skins, lazygit themes). Names are dotted: a missing
/// `table.header.sort` falls back to `table.header`, then `table`, then `body`.
public struct Theme: Hashable, Sendable {
    public let name: String
    public private(set) var styles: [String: Style]

    public init(name: String, styles: [String: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style for a name, falling back along its dots to `body`.
    public func style(_ key: String) -> Style {
        var current = Substring(key)
        while true {
            if let style = styles[String(current)] { return style }
            guard let dot = current.lastIndex(of: ".") else { break }
            current = current[..<dot]
        }
        return styles["body"] ?? .plain
    }

    public subscript(_ key: String) -> Style { style(key) }

    /// The built-in default, used when `themes/default.theme` cannot be read.
    public static let builtInDefault: Theme = {
        // why try!: the text is a constant in this file and a test parses it.
        try! ThemeParser.parse(ThemeParser.defaultText, name: "default", file: "<built-in default>")
    }()

    /// The built-in monochrome theme: attributes only, for `NO_COLOR` and colourless terminals.
    public static let builtInMono: Theme = {
        try! ThemeParser.parse(ThemeParser.monoText, name: "mono", file: "<built-in mono>")
    }()
}
