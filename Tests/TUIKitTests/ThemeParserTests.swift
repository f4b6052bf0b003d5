import Foundation
import Testing
@testable import TUIKit

@Suite struct ThemeParserTests {
    @Test func parsesColoursBackgroundsAndAttributes() throws {
        let theme = try ThemeParser.parse("""
        # a comment
        body = default on default

        title = bright-white on blue bold   # trailing comment
        amount = #00ff00
        table.cursor = reverse
        """, name: "t", file: "t.theme")
        #expect(theme["title"] == Style(foreground: .brightWhite, background: .blue, attributes: .bold))
        #expect(theme["amount"].foreground == .index(46))
        #expect(theme["table.cursor"].attributes == .reverse)
        // Unknown names fall back along their dots to body.
        #expect(theme["table.cursor.extra"] == theme["table.cursor"])
        #expect(theme["nothing"] == theme["body"])
    }

    @Test(arguments: [
        ("body = default\ntitle = pruple on blue", 2, "unknown colour or attribute 'pruple'"),
        ("body = red on", 1, "'on' needs a background colour"),
        ("body = red on blue\n\n\ntitle red", 4, "expected 'name = colours'"),
        ("title = red\ntitle = blue", 2, "defined twice"),
        ("title = red green", 1, "write 'FG on BG'"),
        ("title = on color999", 1, "unknown colour 'color999'"),
        ("title = on #12345", 1, "'on' needs a background colour"),
        ("title =", 1, "no colours"),
    ])
    func reportsTheFileAndLineOfABadLine(text: String, line: Int, message: String) {
        #expect {
            _ = try ThemeParser.parse(text, name: "bad", file: "themes/bad.theme")
        } throws: { error in
            guard let error = error as? ThemeError else { return false }
            return error.line == line && error.file == "themes/bad.theme" && error.message.contains(message)
                && error.description.hasPrefix("themes/bad.theme:\(line): ")
        }
    }

    @Test func aBrokenThemeFallsBackToDefaultWithTheReason() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "body = default\ntitle = blinking\n".write(to: folder.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(directories: [folder.path])
        let result = loader.load("broken", environment: [:], colorSupport: .full256)
        #expect(result.theme.name == "default")
        #expect(result.warning?.contains("broken.theme:2: unknown colour or attribute 'blinking'") == true)
        #expect(loader.load("missing", environment: [:], colorSupport: .full256).warning?.contains("not found") == true)
    }

    @Test func noColorAndColourlessTerminalsGetMono() {
        let loader = ThemeLoader(directories: [])
        #expect(loader.load("dark", environment: ["NO_COLOR": "1"], colorSupport: .full256).theme.name == "mono")
        #expect(loader.load(nil, environment: [:], colorSupport: .none).theme.name == "mono")
    }

    @Test func theShippedThemesAllParse() throws {
        let loader = ThemeLoader.standard(environment: [:])
        #expect(Set(["default", "dark", "light", "high-contrast", "mono"]).isSubset(of: Set(loader.available())))
        for name in loader.available() {
            let theme = try loader.theme(named: name)
            #expect(theme.styles.count >= 20, "\(name) defines \(theme.styles.count) styles")
        }
        #expect(try loader.theme(named: "default") == Theme.builtInDefault)
    }

    @Test func theShippedThemesAreBuiltInAndTheUserDirectoryAddsOrOverrides() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("xdg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: config) }
        // Without any directory (a cwd without themes/, no config): the embedded themes load.
        let bare = ThemeLoader.standard(environment: [:])
        #expect(bare.directories.isEmpty)
        #expect(try bare.theme(named: "dark")["body"].background == .index(234))
        #expect(bare.load("dark", environment: [:], colorSupport: .full256).warning == nil)

        let folder = config.appendingPathComponent("paydesk/themes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "body = white on blue\n".write(to: folder.appendingPathComponent("dark.theme"), atomically: true, encoding: .utf8)
        try "body = black on yellow\n".write(to: folder.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        let user = ThemeLoader.standard(environment: ["XDG_CONFIG_HOME": config.path, "HOME": "/nonexistent"])
        #expect(user.directories == [folder.path])
        #expect(try user.theme(named: "dark")["body"].background == .blue, "the user's dark overrides the shipped one")
        #expect(try user.theme(named: "mine")["body"].background == .yellow, "the user's own theme is added")
        #expect(try user.theme(named: "light").name == "light", "the other shipped themes stay")
        #expect(user.available().contains("mine") && user.available().contains("high-contrast"))

        // No XDG_CONFIG_HOME: ~/.config/paydesk/themes.
        #expect(ThemeLoader.userDirectory(environment: ["HOME": "/home/ann"]) == "/home/ann/.config/paydesk/themes")
        #expect(ThemeLoader.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/ann"]) == "/home/ann/.config/paydesk/themes")
    }
}
