import Foundation
import PayCore

/// What one `paydesk` command printed and how it ended.
public struct DemoCommandResult: Sendable, Equatable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String

    public init(exitCode: Int32, stdout: String, stderr: String) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }

    public var output: String { stdout + stderr }
}

/// The service layer as a tour reaches it: `paydesk` commands run in this process on the demo's
/// store, as the tour's operator (logged in, every permission checked as for anyone). The
/// composition root provides it; PayConsole never opens a store.
@MainActor
public protocol DemoStage: AnyObject {
    /// Runs `paydesk ARGUMENTS` on the demo store as `operatorName`.
    func run(_ arguments: [String], as operatorName: String) -> DemoCommandResult
    /// Where `write` puts files (`${WORK}`).
    var workDirectory: String { get }
    /// The demo store's simulated time.
    func now() -> Timestamp
    /// The demo operators' password (demo stores only), typed into the login screen.
    var operatorPassword: String { get }
}

/// The console as a tour drives it.
@MainActor
public protocol DemoConsoleHost: AnyObject {
    /// Types the keys into the console and waits until it has drawn their effect.
    func type(_ keys: [TourKey])
    /// The console's screen as text.
    var screenText: String { get }
    /// The simulated clock moved: the console shows the new time.
    func clockMoved()
}

/// Where a tour stopped, and why.
public struct TourFailure: Sendable, Equatable, CustomStringConvertible {
    public var stepNumber: Int
    public var stepTitle: String
    public var line: Int
    public var message: String

    public var description: String { "step \(stepNumber) '\(stepTitle)' (line \(line)): \(message)" }
}

/// Plays a tour step by step: runs a step's actions in order, checks its expectations, and
/// follows its branch points. The panel shows `log` (what the step did) under the narration.
@MainActor
public final class TourPlayer {
    public enum State: Equatable {
        /// Nothing run yet; the next step is the first.
        case ready
        /// Step `index` ran; the next follows its `next`.
        case shown(Int)
        /// Step `index` ran and asks the demoer to choose.
        case choosing(Int)
        case finished
        case failed(TourFailure)
    }

    public let tour: Tour
    public private(set) var state: State = .ready
    /// What the current step did, one line each: commands, checks, clock jumps.
    public private(set) var log: [String] = []
    /// How many steps ran so far (the panel's "step 3").
    public private(set) var stepsRun = 0
    private var variables: [String: String]
    private var last: DemoCommandResult?
    private let stage: any DemoStage
    private weak var host: (any DemoConsoleHost)?

    /// `run` numbers this playing of the tour in the demo store (`${N}`), so a tour played again
    /// (autoplay loops) makes new orders instead of finding the old ones.
    public init(tour: Tour, stage: any DemoStage, host: any DemoConsoleHost, run: Int = 1) {
        self.tour = tour
        self.stage = stage
        self.host = host
        variables = ["WORK": stage.workDirectory, "N": String(run)]
    }

    /// The step on show, if any.
    public var currentStep: TourStep? {
        switch state {
        case .shown(let index), .choosing(let index): tour.steps[index]
        case .failed(let failure): tour.steps.first { $0.line == failure.line } ?? tour.steps.last { $0.line <= failure.line }
        default: nil
        }
    }

    public var isOver: Bool {
        switch state {
        case .finished, .failed: true
        default: false
        }
    }

    /// Runs the next step; at a branch point use `choose`.
    public func next() {
        switch state {
        case .ready: play(0)
        case .shown(let index):
            switch tour.steps[index].next {
            case .following: index + 1 < tour.steps.count ? play(index + 1) : finish()
            case .jump(let label): play(tour.labels[label] ?? tour.steps.count)
            case .end: finish()
            }
        case .choosing, .finished, .failed: break
        }
    }

    /// Takes option `number` (from 1) at a branch point; false when there is no such option.
    @discardableResult
    public func choose(_ number: Int) -> Bool {
        guard case .choosing(let index) = state, let options = tour.steps[index].choice?.options,
              options.indices.contains(number - 1) else { return false }
        let option = options[number - 1]
        play(tour.labels[option.target] ?? tour.steps.count)
        return true
    }

    private func finish() {
        state = .finished
        log = []
    }

    private func play(_ index: Int) {
        guard index < tour.steps.count else { finish(); return }
        let step = tour.steps[index]
        log = []
        stepsRun += 1
        for action in step.actions {
            do {
                try perform(action)
            } catch {
                state = .failed(TourFailure(stepNumber: stepsRun, stepTitle: step.title, line: action.line, message: error.text))
                log.append("✗ \(error.text)")
                return
            }
        }
        state = step.choice == nil ? .shown(index) : .choosing(index)
    }

    struct Failed: Error { let text: String }

    private func perform(_ action: TourAction) throws(Failed) {
        switch action.kind {
        case .keys(let keys):
            let typed = try keys.map { key throws(Failed) -> TourKey in
                if case .text(let text) = key { return .text(try substitute(text)) }
                return key
            }
            host?.type(typed)
            log.append("⌨ " + typed.map { key in
                switch key {
                case .key(let k): k.label
                case .text(let text): "\"\(text)\""
                }
            }.joined(separator: " "))
        case .run(let words):
            let arguments = try words.map { word throws(Failed) in try substitute(word) }
            let result = stage.run(arguments, as: tour.operatorName)
            last = result
            host?.clockMoved()
            log.append("$ paydesk \(arguments.joined(separator: " ")) → exit \(result.exitCode)")
            let first = result.output.split(separator: "\n").first.map(String.init) ?? ""
            if !first.isEmpty { log.append("  " + first) }
        case .advance(let milliseconds, let text):
            let result = stage.run(["clock", "advance", DurationText.describe(milliseconds)], as: tour.operatorName)
            guard result.exitCode == 0 else { throw Failed(text: "advance \(text): \(result.output)") }
            host?.clockMoved()
            log.append("⏩ fast-forward \(text) on the simulated clock, no real waiting: now \(stage.now().displayString)")
        case .write(let name, let text):
            let path = stage.workDirectory + "/" + name
            do {
                try Data(try substitute(text).utf8).write(to: URL(fileURLWithPath: path))
            } catch let error as Failed {
                throw error
            } catch {
                throw Failed(text: "write \(name): \(error)")
            }
        case .capture(let name, let path, let pattern):
            guard let last else { throw Failed(text: "capture \(name): no command ran before it") }
            guard var value = Self.jsonValue(last.stdout, path: path) else {
                throw Failed(text: "capture \(name): no \(path) in the last command's output: \(last.output.prefix(200))")
            }
            if let pattern {
                guard let expression = try? NSRegularExpression(pattern: pattern),
                      let match = expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)),
                      let range = Range(match.range(at: 1), in: value) else {
                    throw Failed(text: "capture \(name): \(path) ('\(value)') does not match \(pattern)")
                }
                value = String(value[range])
            }
            variables[name] = value
        case .expect(let expectation):
            try check(expectation)
            log.append("✓ \(try substitute(expectation.description))")
        }
    }

    private func check(_ expectation: TourExpectation) throws(Failed) {
        func fail(_ found: String) -> Failed {
            Failed(text: "expected \((try? substitute(expectation.description)) ?? expectation.description), but \(found)")
        }
        switch expectation {
        case .exit(let code):
            guard let last else { throw fail("no command ran") }
            guard last.exitCode == code else { throw fail("it exited \(last.exitCode): \(last.output.prefix(300))") }
        case .output(let text):
            let wanted = try substitute(text)
            guard let last else { throw fail("no command ran") }
            guard last.output.contains(wanted) else { throw fail("it printed: \(last.output.prefix(300))") }
        case .json(let path, let value):
            let wanted = try substitute(value)
            guard let last else { throw fail("no command ran") }
            let found = Self.jsonValue(last.stdout, path: path)
            guard found == wanted else { throw fail("it is \(found ?? "missing")") }
        case .screen(let text):
            let wanted = try substitute(text)
            guard host?.screenText.contains(wanted) == true else { throw fail("the screen shows:\n\(host?.screenText ?? "")") }
        case .noScreen(let text):
            let wanted = try substitute(text)
            guard host?.screenText.contains(wanted) != true else { throw fail("it still does") }
        case .order(let line, let orderNo, let status):
            let result = stage.run(["query", "--business", try substitute(line), "--order", try substitute(orderNo), "--json"], as: tour.operatorName)
            let found = Self.jsonValue(result.stdout, path: "order.status")
            guard found == status else { throw fail(found.map { "it is \($0)" } ?? "query said: \(result.output.prefix(200))") }
        case .alert(let rule, let state):
            let result = stage.run(["alerts", "--json"], as: tour.operatorName)
            let alerts = (Self.json(result.stdout) as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
            let states = alerts.filter { $0["rule"] as? String == rule }.compactMap { $0["state"] as? String }
            guard states.contains(state) else { throw fail(states.isEmpty ? "no such alert" : "it is \(states.joined(separator: ", "))") }
        case .timeline(let line, let orderNo, let text):
            let result = stage.run(["timeline", "--business", try substitute(line), "--order", try substitute(orderNo)], as: tour.operatorName)
            let wanted = try substitute(text)
            guard result.output.contains(wanted) else { throw fail("the timeline reads:\n\(result.output.prefix(600))") }
        }
    }

    /// Replaces each `${NAME}` by its captured value.
    func substitute(_ text: String) throws(Failed) -> String {
        guard text.contains("${") else { return text }
        var result = text
        for name in TourParser.variables(in: text) {
            guard let value = variables[name] else { throw Failed(text: "${\(name)} is not captured yet") }
            result = result.replacingOccurrences(of: "${\(name)}", with: value)
        }
        return result
    }

    static func json(_ text: String) -> Any? {
        guard let data = text.data(using: .utf8) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }

    /// The value at a dotted path (`payments.0.serial`) of a JSON text, as text.
    static func jsonValue(_ text: String, path: String) -> String? {
        var value = json(text)
        for part in path.split(separator: ".") {
            if let index = Int(part), let array = value as? [Any] {
                // why negative: -1 is the last (the newest text message, the latest payment).
                let at = index < 0 ? array.count + index : index
                value = array.indices.contains(at) ? array[at] : nil
            } else {
                value = (value as? [String: Any])?[String(part)]
            }
        }
        switch value {
        case let text as String: return text
        case let number as NSNumber:
            // why objCType: JSON's true and false arrive as NSNumbers of type char ("c").
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        case is NSNull: return "null"
        case nil: return nil
        case let other?: return "\(other)"
        }
    }
}
