import Foundation

/// Finds and loads themes: `<name>.theme` files in directories, searched in order, then the
/// themes built into the binary. A theme that does not parse is reported (file and line) and
/// `default` is used instead; `NO_COLOR` or a colourless terminal gets `mono`.
public struct ThemeLoader: Sendable {
    /// Directories searched in order for `<name>.theme`, before the built-in themes.
    public let directories: [String]
    /// Theme texts by name, used when no directory has the theme (`embedded`: the shipped ones).
    public let builtIn: [String: String]

    public init(directories: [String], builtIn: [String: String] = [:]) {
        self.directories = directories
        self.builtIn = builtIn
    }

    /// The five shipped themes (`Sources/TUIKit/Themes/*.theme`), embedded in the binary at build
    /// time, so `--theme dark` works from any directory.
    public static let embedded: [String: String] = [
        "default": String(decoding: PackageResources.default_theme, as: UTF8.self),
        "dark": String(decoding: PackageResources.dark_theme, as: UTF8.self),
        "light": String(decoding: PackageResources.light_theme, as: UTF8.self),
        "high-contrast": String(decoding: PackageResources.high_contrast_theme, as: UTF8.self),
        "mono": String(decoding: PackageResources.mono_theme, as: UTF8.self),
    ]

    /// The user's theme directory, which adds themes or overrides shipped ones:
    /// `$XDG_CONFIG_HOME/paydesk/themes`, else `$HOME/.config/paydesk/themes`; nil without either.
    public static func userDirectory(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/paydesk/themes" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.config/paydesk/themes" }
        return nil
    }

    /// `$PAYDESK_THEMES` (a directory, for trying a theme out), the user's directory, then the
    /// embedded themes. why not `./themes` or beside the executable: a theme must not change with
    /// the directory the console is started from.
    public static func standard(environment: [String: String]) -> ThemeLoader {
        var directories: [String] = []
        if let custom = environment["PAYDESK_THEMES"], !custom.isEmpty { directories.append(custom) }
        if let user = userDirectory(environment: environment) { directories.append(user) }
        return ThemeLoader(directories: directories, builtIn: embedded)
    }

    /// What loading gave: the theme to use and, when it is not the one asked for, why.
    public struct Result: Sendable {
        public let theme: Theme
        public let warning: String?
    }

    /// Loads `name`, honouring `NO_COLOR` and the terminal's colours; never fails.
    public func load(_ name: String?, environment: [String: String], colorSupport: ColorSupport) -> Result {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty {
            return Result(theme: (try? theme(named: "mono")) ?? .builtInMono, warning: nil)
        }
        if colorSupport == .none { return Result(theme: (try? theme(named: "mono")) ?? .builtInMono, warning: nil) }
        let wanted = name ?? environment["PAYDESK_THEME"] ?? "default"
        do {
            return Result(theme: try theme(named: wanted), warning: nil)
        } catch {
            let fallback = (try? theme(named: "default")) ?? .builtInDefault
            return Result(theme: fallback, warning: "theme '\(wanted)': \(error); using default")
        }
    }

    /// The names of the themes found, built-in ones included, sorted.
    public func available() -> [String] {
        var names = Set(builtIn.keys)
        for directory in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for entry in entries where entry.hasSuffix(".theme") { names.insert(String(entry.dropLast(6))) }
        }
        return names.sorted()
    }

    /// Reads and parses one theme file; throws `ThemeError` (with file and line) or a not-found error.
    public func theme(named name: String) throws(ThemeError) -> Theme {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ThemeError(file: name, line: 0, message: "a theme name is letters, digits, '-' and '_'")
        }
        for directory in directories {
            let path = directory + "/" + name + ".theme"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ThemeError(file: path, line: 0, message: "not UTF-8 text")
            }
            return try ThemeParser.parse(text, name: name, file: path)
        }
        if let text = builtIn[name] { return try ThemeParser.parse(text, name: name, file: "(built in) \(name).theme") }
        switch name {
        case "default": return .builtInDefault
        case "mono": return .builtInMono
        default:
            let known = available()
            throw ThemeError(file: "\(name).theme", line: 0, message: "not found" + (known.isEmpty ? "" : " (available: \(known.joined(separator: ", ")))"))
        }
    }
}
