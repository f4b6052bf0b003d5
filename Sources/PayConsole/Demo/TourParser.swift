import Foundation
import PayCore
import TUIKit

/// Reads the tour format (README, "Writing a tour"): one instruction a line, `keyword rest`;
/// `#` starts a comment line; words are split at spaces, `"…"` keeps spaces (with `\"`, `\\`
/// and `\n` inside). Every error names the line.
public enum TourParser {
    /// Parses a tour; `file` names it in errors, `name` is what `paydesk demo NAME` takes.
    public static func parse(_ text: String, name: String, file: String) throws(TourError) -> Tour {
        do {
            return try parseLines(text, name: name, file: file)
        } catch {
            var named = error
            named.file = file
            throw named
        }
    }

    static func parseLines(_ text: String, name: String, file: String) throws(TourError) -> Tour {
        var title: String?
        var summary = ""
        var operatorName = "admin"
        var steps: [TourStep] = []
        var labels: [String: Int] = [:]
        var pendingLabels: [(String, Int)] = []
        var jumps: [(String, Int)] = []
        var captured: Set<String> = ["WORK", "N"]
        var used: [(String, Int)] = []
        var choosing = false

        func fail(_ line: Int, _ message: String) -> TourError { TourError(file: file, line: line, message: message) }

        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let keyword = String(line.prefix { $0 != " " && $0 != "\t" })
            let rest = String(line.dropFirst(keyword.count)).trimmingCharacters(in: .whitespaces)
            let words: [String]
            do { words = try splitWords(rest) } catch let message { throw fail(number, message.text) }
            used += variables(in: rest).map { ($0, number) }

            if keyword == "option" {
                guard choosing, let last = steps.indices.last else { throw fail(number, "'option' outside a 'choose'") }
                guard words.count == 4, words[2] == "->" else {
                    throw fail(number, "expected: option NAME \"what happens\" -> LABEL")
                }
                steps[last].choice?.options.append(.init(name: words[0], label: words[1], target: words[3]))
                jumps.append((words[3], number))
                continue
            }
            if choosing, let last = steps.indices.last, steps[last].choice?.options.isEmpty == true {
                throw fail(number, "'choose' needs at least one 'option' line after it")
            }
            choosing = false

            func one(_ what: String) throws(TourError) -> String {
                guard !rest.isEmpty else { throw fail(number, "'\(keyword)' needs \(what)") }
                return rest
            }
            func current() throws(TourError) -> Int {
                guard let last = steps.indices.last else { throw fail(number, "'\(keyword)' before the first 'step'") }
                if steps[last].next != .following || steps[last].choice != nil {
                    throw fail(number, "'\(keyword)' after the step already ended (goto, end or choose)")
                }
                return last
            }
            func act(_ kind: TourAction.Kind) throws(TourError) {
                steps[try current()].actions.append(TourAction(line: number, kind: kind))
            }

            switch keyword {
            case "title": title = try unquoted(one("a title"), number)
            case "summary": summary = try unquoted(one("a line"), number)
            case "operator":
                guard words.count == 1 else { throw fail(number, "expected: operator NAME (e.g. admin)") }
                operatorName = words[0]
            case "step":
                steps.append(TourStep(line: number, title: try unquoted(one("a title"), number)))
                for (label, at) in pendingLabels {
                    guard labels[label] == nil else { throw fail(at, "label '\(label)' is defined twice") }
                    labels[label] = steps.count - 1
                }
                pendingLabels = []
            case "label":
                guard words.count == 1 else { throw fail(number, "expected: label NAME") }
                pendingLabels.append((words[0], number))
            case "say": steps[try current()].narration.append(try unquoted(one("what to say"), number))
            case "under": steps[try current()].underneath.append(try unquoted(one("what happens underneath"), number))
            case "keys":
                guard !words.isEmpty else { throw fail(number, "'keys' needs keys, e.g. keys F3 \"H-1001\" Enter") }
                var keys: [TourKey] = []
                for (position, word) in words.enumerated() {
                    if quotedWords(rest)[safe: position] == true { keys.append(.text(word)); continue }
                    guard let key = key(named: word) else {
                        throw fail(number, "unknown key '\(word)'; keys are Enter Esc Tab BackTab Backspace Delete Space Up Down Left Right PgUp PgDn Home End F1–F12 Ctrl-X, or \"text\" in quotes")
                    }
                    keys.append(.key(key))
                }
                try act(.keys(keys))
            case "run":
                guard !words.isEmpty else { throw fail(number, "'run' needs a paydesk command, e.g. run clock show") }
                guard !["demo", "init", "serve", "sandbox serve"].contains(words[0]) else {
                    throw fail(number, "'run \(words[0])' is not for tours (they run on the demo's own store)")
                }
                guard !words.contains(where: { $0 == "--db" || $0.hasPrefix("--db=") || $0 == "--operator" }) else {
                    throw fail(number, "'run' takes no --db or --operator: commands act on the demo store as the tour's operator")
                }
                try act(.run(words))
            case "sandbox":
                guard !words.isEmpty else { throw fail(number, "'sandbox' needs a control, e.g. sandbox outage --channel alipay --on") }
                try act(.run(["sandbox"] + words))
            case "advance":
                guard words.count == 1 else { throw fail(number, "expected: advance DURATION (e.g. 90s, 5m, 2h)") }
                do {
                    try act(.advance(try DurationText.milliseconds(words[0], field: "advance", in: 1...(3650 * 86_400_000)), words[0]))
                } catch let error as TourError { throw error } catch { throw fail(number, "\(error.message)") }
            case "write":
                guard words.count == 2 else { throw fail(number, "expected: write FILE \"text\"") }
                guard !words[0].contains("/"), !words[0].hasPrefix(".") else { throw fail(number, "write: a plain file name, without '/'") }
                try act(.write(words[0], words[1]))
            case "capture":
                guard words.count == 2 || words.count == 3 else {
                    throw fail(number, "expected: capture NAME PATH [\"PATTERN\"] (e.g. capture SERIAL payment.serial)")
                }
                if words.count == 3 {
                    guard let pattern = try? NSRegularExpression(pattern: words[2]), pattern.numberOfCaptureGroups == 1 else {
                        throw fail(number, "capture: '\(words[2])' is not a pattern with one (group)")
                    }
                }
                captured.insert(words[0])
                try act(.capture(words[0], words[1], words.count == 3 ? words[2] : nil))
            case "expect": try act(.expect(try expectation(words, number)))
            case "choose":
                let index = try current()
                steps[index].choice = TourChoice(prompt: try unquoted(one("a question"), number), options: [])
                choosing = true
            case "goto":
                guard words.count == 1 else { throw fail(number, "expected: goto LABEL") }
                steps[try current()].next = .jump(words[0])
                jumps.append((words[0], number))
            case "end":
                guard words.isEmpty else { throw fail(number, "'end' takes nothing") }
                steps[try current()].next = .end
            default:
                throw fail(number, "unknown instruction '\(keyword)'; one of: title summary operator step say under keys run sandbox advance write capture expect choose option label goto end")
            }
        }
        if choosing, steps.last?.choice?.options.isEmpty == true {
            throw fail(steps.last?.line ?? 1, "'choose' needs at least one 'option' line after it")
        }
        guard let title else { throw fail(1, "a tour needs a 'title' line") }
        guard !steps.isEmpty else { throw fail(1, "a tour needs at least one 'step'") }
        if let (label, at) = pendingLabels.first { throw fail(at, "label '\(label)' names no step (put a 'step' after it)") }
        for (label, at) in jumps where labels[label] == nil { throw fail(at, "no label '\(label)' in this tour") }
        for (variable, at) in used where !captured.contains(variable) {
            throw fail(at, "${\(variable)} is never captured (capture \(variable) PATH)")
        }
        return Tour(name: name, title: title, summary: summary, operatorName: operatorName, steps: steps, labels: labels)
    }

    static func expectation(_ words: [String], _ line: Int) throws(TourError) -> TourExpectation {
        let forms = "expect exit N | output \"text\" | json PATH VALUE | screen \"text\" | no-screen \"text\" | order LINE ORDER_NO STATUS | alert RULE STATE | timeline LINE ORDER_NO \"text\""
        func fail() -> TourError { TourError(file: "", line: line, message: "expected one of: \(forms)") }
        guard let what = words.first else { throw fail() }
        let args = Array(words.dropFirst())
        switch (what, args.count) {
        case ("exit", 1):
            guard let code = Int32(args[0]) else { throw TourError(file: "", line: line, message: "expect exit: '\(args[0])' is not a number") }
            return .exit(code)
        case ("output", 1): return .output(args[0])
        case ("json", 2): return .json(path: args[0], value: args[1])
        case ("screen", 1): return .screen(args[0])
        case ("no-screen", 1): return .noScreen(args[0])
        case ("order", 3): return .order(line: args[0], orderNo: args[1], status: args[2])
        case ("alert", 2): return .alert(rule: args[0], state: args[1])
        case ("timeline", 3): return .timeline(line: args[0], orderNo: args[1], text: args[2])
        default: throw fail()
        }
    }

    /// The names a tour's keys line takes.
    static func key(named word: String) -> Key? {
        let names: [String: Key] = [
            "enter": .enter, "esc": .escape, "escape": .escape, "tab": .tab, "backtab": .backTab,
            "backspace": .backspace, "delete": .delete, "del": .delete, "space": .character(" "),
            "up": .up, "down": .down, "left": .left, "right": .right, "pgup": .pageUp, "pgdn": .pageDown,
            "home": .home, "end": .end, "insert": .insert,
        ]
        if let key = names[word.lowercased()] { return key }
        if word.count == 1, let character = word.first { return .character(character) }
        if word.uppercased().hasPrefix("F"), let n = Int(word.dropFirst()), (1...12).contains(n) { return .function(n) }
        if word.lowercased().hasPrefix("ctrl-"), word.count == 6, let c = word.lowercased().last, c.isLetter { return .ctrl(c) }
        return nil
    }

    struct WordsError: Error { let text: String }

    /// Splits at spaces; `"…"` keeps spaces, with `\"`, `\\` and `\n` escapes inside.
    static func splitWords(_ text: String) throws(WordsError) -> [String] {
        try split(text).map(\.word)
    }

    /// Which words were quoted (typed as text on a keys line, never read as key names).
    static func quotedWords(_ text: String) -> [Bool] {
        ((try? split(text)) ?? []).map(\.quoted)
    }

    private static func split(_ text: String) throws(WordsError) -> [(word: String, quoted: Bool)] {
        var result: [(word: String, quoted: Bool)] = []
        var current = ""
        var inWord = false
        var quoted = false
        var inQuotes = false
        var escaping = false
        for character in text {
            if inQuotes {
                if escaping {
                    switch character {
                    case "n": current.append("\n")
                    case "t": current.append("\t")
                    default: current.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    inQuotes = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
                inWord = true
                quoted = true
            } else if character == " " || character == "\t" {
                if inWord { result.append((current, quoted)) }
                current = ""; inWord = false; quoted = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inQuotes { throw WordsError(text: "a quote is not closed") }
        if inWord { result.append((current, quoted)) }
        return result
    }

    /// A whole rest of line, quoted or not ("say \"…\"" and "say …" read the same).
    static func unquoted(_ rest: String, _ line: Int) throws(TourError) -> String {
        guard rest.hasPrefix("\"") else { return rest }
        do {
            let parts = try splitWords(rest)
            guard parts.count == 1 else { return rest }
            return parts[0]
        } catch {
            throw TourError(file: "", line: line, message: error.text)
        }
    }

    /// The `${NAME}` references in a line.
    static func variables(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            let after = rest[start.upperBound...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }
}

private extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
