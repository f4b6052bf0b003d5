import PayCore

/// One option a command takes: `--db PATH`, `--json`, `--item NAME:QTY:PRICE` (repeatable).
struct OptionSpec: Sendable {
    let name: String
    let valueName: String?
    let help: String
    var repeatable = false
    /// Given `required`, or a help text saying "(required" (the older specs' way of writing it).
    var required = false

    /// "--name VALUE" or "--name".
    var label: String { valueName.map { "--\(name) \($0)" } ?? "--\(name)" }

    /// Whether the usage line shows the option without brackets: the command refuses to run without it.
    var isRequired: Bool { required || help.contains("(required") }

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, valueName: nil, help: help) }
    static func value(_ name: String, _ valueName: String, _ help: String, repeatable: Bool = false, required: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, repeatable: repeatable, required: required)
    }
}

/// A command of the command line: its words, options, help, and what it runs.
struct CommandSpec: Sendable {
    let path: [String]
    let summary: String
    /// Extra usage text after the options (positional arguments, examples).
    var details: String = ""
    var positionals: [String] = []
    let options: [OptionSpec]
    let run: @Sendable (ParsedArguments, inout CommandIO) throws -> Int32

    var name: String { path.joined(separator: " ") }

    var usage: String {
        var line = "paydesk \(name)"
        for p in positionals { line += " \(p)" }
        // why required ones first and bare: `[--x]` reads as optional, and a person copies the usage line.
        for option in options where option.isRequired {
            line += " \(option.label)\(option.repeatable ? "..." : "")"
        }
        for option in options where !option.isRequired {
            line += " [\(option.label)]\(option.repeatable ? "..." : "")"
        }
        return line
    }

    var help: String {
        var text = "\(summary)\n\nUsage: \(usage)\n"
        if !options.isEmpty {
            text += "\nOptions:\n"
            let width = options.map { TextColumns.width($0.label) }.max() ?? 0
            for option in options {
                let left = option.label
                let note = option.required && !option.help.contains("(required") ? " (required)" : ""
                text += "  \(TextColumns.pad(left, width))  \(option.help)\(note)\n"
            }
        }
        if !details.isEmpty { text += "\n\(details)\n" }
        return text
    }
}

/// The options and positionals a command was given, checked against its spec.
struct ParsedArguments {
    let command: String
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func has(_ flag: String) -> Bool { flags.contains(flag) }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The option's value, or a usage error naming it.
    func required(_ name: String) throws(PayError) -> String {
        guard let value = value(name) else { throw PayError.usage("missing --\(name)") }
        return value
    }

    /// Parses `args` against `spec`. `--name value` and `--name=value` both work; `--` ends options.
    static func parse(_ args: [String], for spec: CommandSpec, common: [OptionSpec]) throws(PayError) -> ParsedArguments {
        var parsed = ParsedArguments(command: spec.name)
        let options = Dictionary((spec.options + common).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var index = 0
        var onlyPositionals = false
        while index < args.count {
            let arg = args[index]
            index += 1
            if onlyPositionals || !arg.hasPrefix("--") || arg == "-" {
                if arg.hasPrefix("-") && arg.count > 1 && !onlyPositionals && Int(arg) == nil {
                    throw PayError.usage("unknown option '\(arg)' (see `paydesk \(spec.name) --help`)")
                }
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = String(arg.dropFirst(2))
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = options[name] else {
                throw PayError.usage("unknown option '--\(name)' (see `paydesk \(spec.name) --help`)")
            }
            if option.valueName == nil {
                if inlineValue != nil { throw PayError.usage("--\(name) takes no value") }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < args.count else {
                    throw PayError.usage("--\(name) needs a value (\(option.valueName!))")
                }
                value = args[index]
                index += 1
            }
            if !option.repeatable && parsed.values[name] != nil {
                throw PayError.usage("--\(name) given twice")
            }
            parsed.values[name, default: []].append(value)
        }
        if parsed.positionals.count > spec.positionals.count {
            let extra = parsed.positionals[spec.positionals.count]
            throw PayError.usage("unexpected argument '\(extra)' (see `paydesk \(spec.name) --help`)")
        }
        return parsed
    }
}
