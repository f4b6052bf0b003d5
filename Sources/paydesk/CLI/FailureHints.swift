import PayCore

/// The command line's words for a service error: the service says what is wrong, without flag
/// names (the console shows the same message); this adds the flags a script or a person at the
/// shell can use next, keyed by the error's typed failure or the argument it is about.
enum FailureHints {
    static func message(_ error: PayError) -> String {
        switch error.failure {
        case .wrongOneTimeCode?, .oneTimeCodeExpired?:
            let prefix = "one-time code: "
            return "--otp: " + (error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message)
        case .unconfirmedPayment?:
            let serial = error.subject ?? "SERIAL"
            return error.message + " (ask the channel: paydesk query --serial \(serial) --refresh; "
                + "a supervisor override: --override-unconfirmed NAME)"
        default:
            // why the check: a message that already names its flag ("--listen '…': …") needs no hint.
            guard let argument = error.argument, !error.message.contains("--\(argument)") else { return error.message }
            return error.message + " (--\(argument))"
        }
    }
}
