import Testing
import PayCore
import PayStore
import PayChannels
@testable import PayServices

@Suite struct ChallengeTests {
    /// The code the sandbox SMS outbox holds for a challenge.
    func sentCode(_ f: Fixture, _ challenge: IssuedChallenge) throws -> String {
        let message = try #require(try f.sandbox.sms.list(to: challenge.recipient).last)
        let digits = message.text.split { !$0.isNumber }.first { $0.count == 6 }
        return String(try #require(digits))
    }

    func wrong(_ code: String) -> String { String(code.map { $0 == "9" ? "0" : Character(String(Int(String($0))! + 1)) }) }

    @Test func theRightCodePassesOnceAndIsStoredOnlyAsAHash() throws {
        let f = try Fixture()
        let risk = f.risk()
        let challenge = try risk.issueChallenge(recipient: "C1", customerId: "C1", reference: "retail/R1", amount: cny(600_000))
        #expect(challenge.expiresAt == f.now.adding(milliseconds: 5 * 60_000))
        let code = try sentCode(f, challenge)
        let stored = try #require(try f.store.challenges.find(challenge.id))
        #expect(stored.codeHash.count == 32 && stored.codeHash != Array(code.utf8))
        let row = try #require(try f.store.db.row("SELECT * FROM risk_challenges WHERE id = ?", [challenge.id]))
        #expect(!row.values.contains { "\($0)".contains(code) })
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .passed)
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .alreadyUsed)
    }

    @Test func atMostThreeTries() throws {
        let f = try Fixture()
        let risk = f.risk()
        let challenge = try risk.issueChallenge(recipient: "13800000000", customerId: "C1", reference: nil)
        let code = try sentCode(f, challenge)
        #expect(try risk.verifyChallenge(id: challenge.id, code: wrong(code)) == .wrongCode(triesLeft: 2))
        #expect(try risk.verifyChallenge(id: challenge.id, code: "") == .wrongCode(triesLeft: 1))
        #expect(try risk.verifyChallenge(id: challenge.id, code: wrong(code)) == .wrongCode(triesLeft: 0))
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .exhausted)
        #expect(try f.store.challenges.find(challenge.id)?.status == .failed)
    }

    @Test func aWrongTryThenTheRightCodeStillPasses() throws {
        let f = try Fixture()
        let risk = f.risk()
        let challenge = try risk.issueChallenge(recipient: "C1", customerId: "C1", reference: nil)
        let code = try sentCode(f, challenge)
        #expect(try risk.verifyChallenge(id: challenge.id, code: wrong(code)) == .wrongCode(triesLeft: 2))
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .passed)
    }

    @Test func theCodeExpiresAfterFiveMinutes() throws {
        let f = try Fixture()
        let risk = f.risk()
        let challenge = try risk.issueChallenge(recipient: "C1", customerId: "C1", reference: nil)
        let code = try sentCode(f, challenge)
        try f.advance("4m59s")
        let other = try risk.issueChallenge(recipient: "C2", customerId: "C2", reference: nil)
        try f.advance("1s")
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .expired)
        #expect(try risk.verifyChallenge(id: challenge.id, code: code) == .expired)
        #expect(try f.store.challenges.find(challenge.id)?.status == .expired)
        #expect(try risk.verifyChallenge(id: other.id, code: try sentCode(f, other)) == .passed)
        let sent = try f.sandbox.sms.list(to: "C2").last?.sentAt
        #expect(sent == Fixture.start.adding(milliseconds: 299_000), "the message carries the store's time when it was sent")
    }

    @Test func codesAreSixDigitsAndDiffer() throws {
        let f = try Fixture()
        let risk = f.risk()
        var codes = Set<String>()
        for n in 0..<20 {
            let challenge = try risk.issueChallenge(recipient: "C\(n)", customerId: nil, reference: nil)
            let code = try sentCode(f, challenge)
            #expect(code.count == 6)
            codes.insert(code)
        }
        #expect(codes.count > 15)
        #expect(throws: PayError.self) { try risk.verifyChallenge(id: "ch_missing", code: "123456") }
    }
}
