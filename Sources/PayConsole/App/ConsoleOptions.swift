import Foundation
import PayCore
import TUIKit

/// How the console was started: `paydesk [--db PATH] [--theme NAME] [--mouse]`.
public struct ConsoleOptions: Sendable {
    public var storePath: String
    public var themeName: String?
    public var mouse: Bool
    public var environment: [String: String]
    /// Where receipts are saved (default: `receipts/` beside the store).
    public var receiptsDirectory: String
    /// Where the operator sits, for the audit trail ("console tty /dev/pts/3").
    public var origin: String
    public var themeLoader: ThemeLoader

    public init(storePath: String, themeName: String? = nil, mouse: Bool = false, environment: [String: String] = [:],
                receiptsDirectory: String? = nil, origin: String = "console", themeLoader: ThemeLoader = ThemeLoader(directories: [])) {
        self.storePath = storePath
        self.themeName = themeName
        self.mouse = mouse
        self.environment = environment
        let folder = URL(fileURLWithPath: storePath).deletingLastPathComponent().path
        self.receiptsDirectory = receiptsDirectory ?? (folder + "/receipts")
        self.origin = origin
        self.themeLoader = themeLoader
    }
}
