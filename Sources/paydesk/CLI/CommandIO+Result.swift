import PayCore

extension CommandIO {
    /// A command's one result: `value` as JSON with `--json`, else the sentence for a person.
    /// Commands that answer with a sentence use it, so `--json` never gets plain text.
    func result<T: Encodable>(_ args: ParsedArguments, _ value: T, _ text: @autoclosure () -> String) throws(PayError) {
        if args.has("json") { try json(value) } else { out(text()) }
    }
}
