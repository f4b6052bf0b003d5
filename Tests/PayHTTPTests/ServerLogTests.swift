import Testing
@testable import PayHTTP

@Suite("The server's log line")
struct ServerLogTests {
    @Test("control characters from a request never reach the operator's terminal raw")
    func controlCharactersAreEscaped() {
        #expect(HTTPServer.printable("/v1/\u{1B}[31mFAKE\u{07}") == "/v1/\\u{1B}[31mFAKE\\u{7}")
        #expect(HTTPServer.printable("/v1/orders/茶-1") == "/v1/orders/茶-1")
        #expect(HTTPServer.printable(String(repeating: "a", count: 400)).count == 301)
    }
}
