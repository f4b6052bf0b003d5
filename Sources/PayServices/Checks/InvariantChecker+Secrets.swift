import PayChannels
import PayCore
import PayStore

extension InvariantChecker {
    /// Secrets at rest: the key file they are sealed under is there and opens every sealed value,
    /// and no channel account or business line keeps a secret in plaintext (a store from before
    /// schema 18, or 23 for the lines' notify and API secrets).
    func checkSecretsAtRest(_ report: inout InvariantReport) throws {
        let name = "secrets at rest"
        report.checked.append(name)
        let store = context.store
        let seal: ConfigSeal
        do { seal = try ConfigSeal(storePath: store.path) } catch {
            report.problems.append("\(name): \(error.message)")
            return
        }
        let accounts = try store.channelAccounts.all()
        if !seal.hasKey {
            report.problems.append("\(name): the key file '\(seal.keyPath)' is missing: sealed secrets cannot be opened (payments on those accounts fail) and new ones cannot be kept; restore the file")
        }
        for account in accounts {
            let plain = ChannelAccountService.plaintextSecrets(account)
            if !plain.isEmpty {
                report.problems.append("\(name): channel account \(account.id) keeps \(plain.joined(separator: ", ")) in plaintext; `paydesk init --db \(store.path)` seals them")
            }
            if seal.hasKey {
                do { _ = try seal.open(account.config, scope: ChannelAccountService.scope(account.id)) } catch {
                    report.problems.append("\(name): channel account \(account.id): \(error.message)")
                }
            }
        }
        for (line, fields) in try BusinessLineService.plaintextSecrets(in: store) {
            report.problems.append("\(name): business line \(line) keeps \(fields.joined(separator: ", ")) in plaintext; `paydesk init --db \(store.path)` seals them")
        }
        guard seal.hasKey else { return }
        for line in try store.businessLines.all() {
            do {
                _ = try seal.open(line.notifySecret, scope: LineSecrets.scope(line.code), field: LineSecrets.notifyField)
                for record in try store.apiSecrets.all(line.code) {
                    _ = try seal.open(record.secret, scope: LineSecrets.scope(line.code), field: LineSecrets.apiField(record.id))
                }
            } catch let error as PayError {
                report.problems.append("\(name): business line \(line.code): \(error.message)")
            }
        }
    }
}
