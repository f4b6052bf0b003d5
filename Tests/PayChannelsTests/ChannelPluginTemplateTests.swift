import Testing
@testable import PayChannels
import PayCore

/// The template's own rules, with a channel that overrides only the steps it must.
@Suite struct ChannelPluginTemplateTests {
    final class ScriptedTransport: ChannelTransport {
        var answer: Result<HTTPMessage, TransportError>
        var sent: [HTTPMessage] = []
        init(_ answer: Result<HTTPMessage, TransportError>) { self.answer = answer }
        func send(_ request: HTTPMessage, channel: String, account: String) throws(TransportError) -> HTTPMessage {
            sent.append(request)
            return try answer.get()
        }
    }

    /// Echo: signs by adding a header, trusts answers carrying it back, maps "OK" to success.
    final class EchoPlugin: ChannelPlugin {
        override func buildRequest(_ operation: ChannelOperation) throws -> HTTPMessage {
            guard case .pay(let request) = operation else { throw PayError.invalidInput("echo only pays") }
            return HTTPMessage(path: "/echo", body: Array(request.serial.utf8))
        }
        override func sign(_ request: HTTPMessage) throws -> HTTPMessage {
            var out = request
            out.headers["X-Sig"] = Crypto.sha256Hex(request.body)
            return out
        }
        override func verifyResponse(_ response: HTTPMessage, for operation: ChannelOperation) throws(NotificationRejection) -> Fields {
            guard response.header("x-sig") == Crypto.sha256Hex(response.body) else { throw NotificationRejection("bad echo signature") }
            return ["status": response.bodyText]
        }
        override func mapResult(_ fields: Fields, for operation: ChannelOperation) -> ChannelReply {
            fields["status"] == "OK" ? ChannelReply(result: .succeeded(channelSerial: "E1"), channelStatus: "OK")
                                     : declined(DeclineCode.declined, fields["status"] ?? "", status: fields["status"] ?? "")
        }
    }

    let account = ChannelAccount(id: "echo-1", channel: "echo", merchantId: nil, name: "echo", currencies: [.CNY], feeRateBps: 0,
                                 feeFixedMinor: 0, enabled: true, config: [:])
    let request = PayRequest(serial: "P1", amount: Money(minorUnits: 100, currency: .CNY), mode: .payCode, subject: "x")

    func signed(_ text: String) -> HTTPMessage {
        HTTPMessage(status: 200, headers: ["X-Sig": Crypto.sha256Hex(Array(text.utf8))], body: Array(text.utf8))
    }

    @Test func theTemplateBuildsSignsSendsVerifiesAndMaps() {
        let transport = ScriptedTransport(.success(signed("OK")))
        let plugin = EchoPlugin(account: account, transport: transport, clock: SystemClock())
        #expect(plugin.pay(request).result == .succeeded(channelSerial: "E1"))
        #expect(transport.sent.first?.headers["X-Sig"] == Crypto.sha256Hex(Array("P1".utf8)))
        transport.answer = .success(signed("NO"))
        #expect(plugin.pay(request).result == .declined(code: DeclineCode.declined, message: "NO"))
    }

    @Test func failuresBecomeResultsNotThrows() {
        let transport = ScriptedTransport(.failure(.timeout))
        let plugin = EchoPlugin(account: account, transport: transport, clock: SystemClock())
        guard case .unknown = plugin.pay(request).result else { Issue.record("timeout must be unknown"); return }
        transport.answer = .failure(.unreachable("down"))
        guard case .systemError = plugin.pay(request).result else { Issue.record("unreachable must be a system error"); return }
        var forged = signed("OK")
        forged.body = Array("OK!".utf8)
        transport.answer = .success(forged)
        guard case .unknown(let why) = plugin.pay(request).result else { Issue.record("an unverified answer must be unknown"); return }
        #expect(why.contains("bad echo signature"))
        let sentBefore = transport.sent.count
        guard case .systemError = plugin.query(serial: "P1", amount: request.amount).result else { Issue.record("unbuildable must be a system error"); return }
        #expect(transport.sent.count == sentBefore)
    }

    @Test func registryKnowsEveryChannelAndRefusesOthers() throws {
        for channel in Sandbox.channels { _ = try ChannelRegistry.pluginType(for: channel) }
        #expect(throws: PayError.self) { try ChannelRegistry.pluginType(for: "bitcoin") }
        #expect(try ChannelRegistry.acknowledgement(channel: "alipay").body == "success")
    }
}
