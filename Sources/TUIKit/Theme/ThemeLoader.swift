import Foundation

/// Finds and loads themes from `themes/` directories. A theme that does not parse is reported
/// (file and line) and `default` is used instead; `NO_COLOR` or a colourless terminal gets `mono`.
public struct ThemeLoader: Sendable {
    /// Directories searched in order for `<name>.theme`.
    public let directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// `$PAYDESK_THEMES`, `./themes`, and `themes/` beside or above the executable (a build tree).
    public static func standard(environment: [String: String], executablePath: String) -> ThemeLoader {
        var directories: [String] = []
        if let custom = environment["PAYDESK_THEMES"], !custom.isEmpty { directories.append(custom) }
        directories.append(FileManager.default.currentDirectoryPath + "/themes")
        var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            directories.append(folder.appendingPathComponent("themes").path)
            folder = folder.deletingLastPathComponent()
        }
        directories.append("/usr/local/share/paydesk/themes")
        directories.append("/usr/share/paydesk/themes")
        return ThemeLoader(directories: directories)
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

    /// The names of the themes found, sorted.
    public func available() -> [String] {
        var names = Set<String>()
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
        switch name {
        case "default": return .builtInDefault
        case "mono": return .builtInMono
        default:
            let known = available()
            throw ThemeError(file: "\(name).theme", line: 0, message: "not found" + (known.isEmpty ? "" : " (available: \(known.joined(separator: ", ")))"))
        }
    }
}
