#if canImport(Glibc)
import Glibc
#endif
import PayCore
import PayServices

/// Who a command acts as, and the passwords it needs: from the environment, else asked on the
/// terminal with echo off, else refused.
///
/// - `--operator NAME`: `$PAYDESK_PASSWORD`, else a prompt; no terminal and no variable: exit 8.
/// - `--approver NAME` (refunds above the limit) and `--override-unconfirmed NAME` (`pay` while an
///   earlier payment is unconfirmed): `$PAYDESK_APPROVER_PASSWORD`, else a prompt.
/// - a new password (`operator add`, `operator passwd`): `$PAYDESK_NEW_PASSWORD`, else
///   `$PAYDESK_PASSWORD` when no `--operator` is given (it is then free), else a prompt asked twice.
enum OperatorLogin {
    static let passwordVariable = "PAYDESK_PASSWORD"
    static let approverPasswordVariable = "PAYDESK_APPROVER_PASSWORD"
    static let newPasswordVariable = "PAYDESK_NEW_PASSWORD"

    /// Logs in `--operator NAME` when given and makes them the context's actor.
    static func authenticate(_ args: ParsedArguments, context: ServiceContext, io: CommandIO) throws(PayError) {
        guard let name = args.value("operator") else { return }
        let password = try secret(variable: passwordVariable, prompt: "Password for \(name): ", io: io,
                                  missing: "--operator \(name): no password: set \(passwordVariable) or run on a terminal to be asked")
        context.actor = try OperatorService(context).login(name: name, password: password, origin: context.actor.origin)
    }

    /// The approver of `--approver NAME` (or of `option`, such as `--override-unconfirmed NAME`),
    /// logged in; nil when the option was not given. For commands that declare the option.
    static func approver(_ args: ParsedArguments, option: String = "approver", context: ServiceContext,
                         io: CommandIO) throws(PayError) -> Actor? {
        guard let name = args.value(option) else { return nil }
        let password = try secret(variable: approverPasswordVariable, prompt: "Approver \(name)'s password: ", io: io,
                                  missing: "--\(option) \(name): no password: set \(approverPasswordVariable) or run on a terminal to be asked")
        return try OperatorService(context).login(name: name, password: password, origin: context.actor.origin)
    }

    /// A new password for `name`.
    static func newPassword(for name: String, _ args: ParsedArguments, io: CommandIO) throws(PayError) -> String {
        if let value = io.environment[newPasswordVariable] { return value }
        if args.value("operator") == nil, let value = io.environment[passwordVariable] { return value }
        guard isatty(STDIN_FILENO) == 1 else {
            throw PayError.usage("no new password for '\(name)': set \(newPasswordVariable) or run on a terminal to be asked")
        }
        let first = try prompt("New password for \(name): ", io: io)
        let second = try prompt("Again: ", io: io)
        guard first == second else { throw PayError.invalidInput("the two passwords typed for '\(name)' differ; nothing changed") }
        return first
    }

    static func secret(variable: String, prompt text: String, io: CommandIO, missing: String) throws(PayError) -> String {
        if let value = io.environment[variable] { return value }
        guard isatty(STDIN_FILENO) == 1 else { throw PayError.notPermitted(missing) }
        return try prompt(text, io: io)
    }

    /// Asks on the terminal with echo off and restores the terminal afterwards.
    static func prompt(_ text: String, io: CommandIO) throws(PayError) -> String {
        io.stderr(text)
        var saved = termios()
        let canHide = tcgetattr(STDIN_FILENO, &saved) == 0
        if canHide {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        let line = readLine(strippingNewline: true)
        if canHide { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        io.stderr("\n")
        guard let line else { throw PayError.usage("no password typed (end of input)") }
        return line
    }
}
