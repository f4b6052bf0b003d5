import PayCore
import TUIKit

/// A guided tour: a declarative script (a `demos/*.tour` file) of steps the demoer walks through
/// one at a time. Each step narrates, acts (keys into the console, a command of the service layer,
/// a clock jump) and checks what should now be true; a failed check stops the tour there.
public struct Tour: Sendable, Equatable {
    /// The file's name without `.tour` ("happy-path"): what `paydesk demo NAME` takes.
    public var name: String
    public var title: String
    /// One line for `paydesk demo --list`.
    public var summary: String
    /// Who the console logs in as and every command acts as (the demo store's operators).
    public var operatorName: String
    public var steps: [TourStep]
    /// Label → index of the step it names.
    public var labels: [String: Int]
}

/// One step: what the panel tells, then what happens, in the file's order.
public struct TourStep: Sendable, Equatable {
    /// The `step` line's number in the file (errors name it).
    public var line: Int
    public var title: String
    /// What the cashier (or the customer, the channel) does, in plain words.
    public var narration: [String] = []
    /// What happens underneath: the module, the state change, the message.
    public var underneath: [String] = []
    public var actions: [TourAction] = []
    /// A branch point at the end of the step: the demoer picks one option.
    public var choice: TourChoice?
    /// Where the tour goes after this step.
    public var next: TourNext = .following
}

public enum TourNext: Sendable, Equatable {
    case following
    case jump(String)
    case end
}

public struct TourChoice: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public var name: String
        public var label: String
        public var target: String
    }
    public var prompt: String
    public var options: [Option]
}

/// One thing a step does, with the line it came from.
public struct TourAction: Sendable, Equatable {
    public var line: Int
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        /// Keys typed into the console.
        case keys([TourKey])
        /// A `paydesk` command run in this process as the tour's operator (permissions checked).
        case run([String])
        /// The simulated clock jumps forward (milliseconds; the text as written).
        case advance(Int64, String)
        /// A file in the demo's work directory.
        case write(String, String)
        /// The last command's JSON value at a path (or the first group of a pattern in it), kept as `${NAME}`.
        case capture(String, String, String?)
        case expect(TourExpectation)
    }
}

/// A key, or text typed key by key.
public enum TourKey: Sendable, Equatable {
    case key(Key)
    case text(String)
}

/// Something that must be true after the actions before it.
public enum TourExpectation: Sendable, Equatable {
    case exit(Int32)
    case output(String)
    case json(path: String, value: String)
    case screen(String)
    case noScreen(String)
    case order(line: String, orderNo: String, status: String)
    case alert(rule: String, state: String)
    case timeline(line: String, orderNo: String, text: String)

    /// How the panel and a failure name it.
    public var description: String {
        switch self {
        case .exit(let code): "the command exits \(code)"
        case .output(let text): "the command's output shows \"\(text)\""
        case .json(let path, let value): "\(path) is \(value)"
        case .screen(let text): "the screen shows \"\(text)\""
        case .noScreen(let text): "the screen no longer shows \"\(text)\""
        case .order(let line, let orderNo, let status): "order \(orderNo) of \(line) is \(status)"
        case .alert(let rule, let state): "alert \(rule) is \(state)"
        case .timeline(let line, let orderNo, let text): "the timeline of \(orderNo) (\(line)) shows \"\(text)\""
        }
    }
}

/// A tour file that does not parse: the line and what is wrong.
public struct TourError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
