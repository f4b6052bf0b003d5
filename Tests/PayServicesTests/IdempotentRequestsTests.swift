import Foundation
import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices
import TestSupport

/// `IdempotentRequests`: one run per key, the typed outcome or error replayed, Stripe's release
/// and conflict rules.
@Suite struct IdempotentRequestsTests {
    struct Answer: Codable, Sendable, Equatable {
        let serial: String
        let amount: Int64
        let notes: [String]
    }

    /// Counts how often a request's body really ran.
    final class Runs {
        var count = 0
    }

    let key = try! IdempotencyKey("retry-1")

    @Test func aRetryReplaysTheStoredOutcomeWithoutRunningAgain() throws {
        let fixture = try ServiceFixture()
        let requests = IdempotentRequests(fixture.context)
        let runs = Runs()
        let body = { () throws(PayError) -> Answer in
            runs.count += 1
            return Answer(serial: "S\(runs.count)", amount: 1200, notes: ["first", "ü"])
        }
        let first = try requests.run(scope: "test", key: key, request: "amount=12.00", body)
        let second = try requests.run(scope: "test", key: key, request: "amount=12.00", body)
        #expect(runs.count == 1)
        #expect(first.replayed == false && first.kept)
        #expect(second.replayed)
        #expect(second.outcome == first.outcome)
        #expect(second.outcome == Answer(serial: "S1", amount: 1200, notes: ["first", "ü"]))
    }

    @Test func withoutAKeyEveryRequestRuns() throws {
        let fixture = try ServiceFixture()
        let requests = IdempotentRequests(fixture.context)
        let runs = Runs()
        for _ in 0..<2 {
            let result = try requests.run(scope: "test", key: nil, request: "same") { () throws(PayError) in
                runs.count += 1
                return runs.count
            }
            #expect(result.replayed == false)
        }
        #expect(runs.count == 2)
    }

    @Test func aStoredFailureIsThrownAgainAsTheSameTypedError() throws {
        let fixture = try ServiceFixture()
        let requests = IdempotentRequests(fixture.context)
        let runs = Runs()
        let declined = PayError.declined("payment P1 declined: not enough money").failing(.insufficientFunds, subject: "P1").about("card")
        let body = { () throws(PayError) -> Answer in
            runs.count += 1
            throw declined
        }
        for _ in 0..<2 {
            #expect(throws: declined) { try requests.run(scope: "test", key: key, request: "card", body) }
        }
        #expect(runs.count == 1)
        let replayed = try #require(throws: PayError.self) { try requests.run(scope: "test", key: key, request: "card", body) }
        #expect(replayed.failure == .insufficientFunds && replayed.subject == "P1" && replayed.argument == "card")
    }

    @Test(arguments: [PayError.invalidInput("amount 'x': not a number"), .usage("give --order"), .notFound("order 'A1': not found"),
                      .notPermitted("clerk may not refund")])
    func anErrorBeforeAnythingWasWrittenReleasesTheKey(error: PayError) throws {
        let fixture = try ServiceFixture()
        let requests = IdempotentRequests(fixture.context)
        #expect(throws: error) {
            try requests.run(scope: "test", key: key, request: "r") { () throws(PayError) -> Int in throw error }
        }
        // A corrected retry under the same key runs (and even other parameters are not a conflict).
        let retried = try requests.run(scope: "test", key: key, request: "r corrected") { () throws(PayError) in 7 }
        #expect(retried.outcome == 7 && retried.replayed == false)
    }

    @Test func theSameKeyWithOtherParametersIsAReusedKeyConflict() throws {
        let fixture = try ServiceFixture()
        let requests = IdempotentRequests(fixture.context)
        let runs = Runs()
        _ = try requests.run(scope: "test", key: key, request: "amount=12.00") { () throws(PayError) in runs.count += 1; return 1 }
        let error = try #require(throws: PayError.self) {
            try requests.run(scope: "test", key: key, request: "amount=13.00") { () throws(PayError) in runs.count += 1; return 2 }
        }
        #expect(error.kind == .conflict && error.failure == .idempotencyKeyReused && error.subject == "retry-1")
        #expect(error.message.contains("different test request"))
        #expect(runs.count == 1)
        // The same key in another scope is another key.
        #expect(try requests.run(scope: "other", key: key, request: "amount=13.00") { () throws(PayError) in 3 }.outcome == 3)
    }

    @Test func aRequestStillInFlightOnAnotherConnectionIsAnInUseConflict() throws {
        let fixture = try ServiceFixture()
        let other = try ServiceContext(store: try Store.open(path: fixture.directory.path("store.db")), actor: fixture.context.actor)
        let runs = Runs()
        var seen: PayError?
        let first = try IdempotentRequests(fixture.context).run(scope: "test", key: key, request: "r") { () throws(PayError) in
            runs.count += 1
            // While the first request runs, the same request arrives through another connection.
            do throws(PayError) {
                _ = try IdempotentRequests(other).run(scope: "test", key: key, request: "r") { () throws(PayError) in runs.count += 1; return 2 }
            } catch {
                seen = error
            }
            return 1
        }
        #expect(first.outcome == 1 && runs.count == 1)
        let error = try #require(seen)
        #expect(error.kind == .conflict && error.failure == .idempotencyKeyInUse)
        #expect(error.message.contains("still in flight"))
        // Once the first finished, the other connection gets its outcome.
        let replay = try IdempotentRequests(other).run(scope: "test", key: key, request: "r") { () throws(PayError) in 2 }
        #expect(replay.outcome == 1 && replay.replayed)
    }

    @Test func anAnswerKeptAsPrintedTextByAnOlderVersionIsRefusedNotRunAgain() throws {
        let fixture = try ServiceFixture()
        let store = fixture.store
        let key = self.key
        let hash = Crypto.sha256Hex(Array("r".utf8))
        try store.write {
            _ = try store.idempotency.claim(scope: "test", key: key, request: hash, owner: "old", at: fixture.context.now)
            try store.idempotency.complete(scope: "test", key: key, response: "Paid: order A1\n\u{1F}", exitCode: 0, at: fixture.context.now)
        }
        let runs = Runs()
        let error = try #require(throws: PayError.self) {
            try IdempotentRequests(fixture.context).run(scope: "test", key: key, request: "r") { () throws(PayError) in runs.count += 1; return 1 }
        }
        #expect(error.kind == .conflict && runs.count == 0)
    }
}
