// swift-tools-version:6.0
import PackageDescription

// PayDesk: a payment center with a terminal face. No package dependencies: the toolchain plus
// six system libraries (ncursesw, sqlite3, libcrypto, libmicrohttpd, libqrencode, libcurl) reached through systemLibrary targets.
let package = Package(
    name: "PayDesk",
    products: [
        .executable(name: "paydesk", targets: ["paydesk"]),
    ],
    targets: [
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW"),
        .systemLibrary(name: "CSQLite3", path: "Sources/CSQLite3"),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto"),
        // why not linked: libmicrohttpd, libqrencode and libcurl are opened on first use (see their shims), so only
        // `serve` maps libmicrohttpd and GnuTLS, only a drawn pay code libqrencode, only a notification's post libcurl.
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD"),
        .systemLibrary(name: "CQRencode", path: "Sources/CQRencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),

        .target(name: "PayCore"),
        .target(name: "PayStore", dependencies: ["PayCore", "CSQLite3"]),
        .target(name: "PayChannels", dependencies: ["PayCore", "PayStore", "CCrypto", "CSQLite3"]),
        .target(name: "PayServices", dependencies: ["PayCore", "PayStore", "PayChannels", "CCurl"]),
        // why embedded: `--theme dark` works from any directory; a user directory adds or overrides (ThemeLoader).
        // why CQRencode: pay codes are drawn as QR codes (QRCodeView); libqrencode encodes them, never our own code.
        .target(name: "TUIKit", dependencies: ["CQRencode"], resources: [
            .embedInCode("Themes/default.theme"), .embedInCode("Themes/dark.theme"), .embedInCode("Themes/light.theme"),
            .embedInCode("Themes/high-contrast.theme"), .embedInCode("Themes/mono.theme"),
        ]),
        .target(name: "TUICurses", dependencies: ["TUIKit", "CNCursesW"]),
        // why: the console reaches the store and the channels only through the services the composition
        // root (paydesk) hands it; the arrow is checked by ModuleBoundaryTests too.
        .target(name: "PayConsole", dependencies: ["PayCore", "PayServices", "TUIKit"]),
        // why: the HTTP service calls services only, like the console; only it reaches libmicrohttpd.
        .target(name: "PayHTTP", dependencies: ["PayCore", "PayServices", "CMicroHTTPD"]),
        // why a target of its own: the tours are files in `demos/` a demoer copies and edits, embedded like the themes.
        .target(name: "DemoTours", path: "demos", resources: DemoTours.files.map { Resource.embedInCode($0) }),
        .executableTarget(
            name: "paydesk",
            dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "TUIKit", "TUICurses", "PayConsole", "PayHTTP", "DemoTours"],
            // why: the Swift runtime and Foundation linked in, so a command starts without the dynamic
            // loader finding, mapping and relocating fifteen of their shared libraries (see "A fast command line").
            // The libraries Foundation's static archive needs are named here: the modules were compiled against
            // the shared runtime, whose link entries name only Foundation itself.
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-lFoundationInternationalization", "-lFoundationEssentials", "-lCoreFoundation",
                                           "-l_FoundationICU", "-l_FoundationCollections", "-l_FoundationCShims", "-lstdc++"],
                                          .when(configuration: .release))]
        ),

        .target(name: "TestSupport", dependencies: ["PayCore", "PayStore", "TUIKit"], path: "Tests/TestSupport"),
        .testTarget(name: "PayCoreTests", dependencies: ["PayCore"]),
        .testTarget(name: "PayStoreTests", dependencies: ["PayCore", "PayStore", "TestSupport"]),
        .testTarget(name: "PayServicesTests", dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["PayChannels", "PayServices", "TestSupport"]),
        .testTarget(name: "RoutingRiskTests", dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "TestSupport"]),
        .testTarget(name: "OperatorsTests", dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "TestSupport"]),
        .testTarget(name: "PayChannelsTests", dependencies: ["PayCore", "PayStore", "PayChannels", "TestSupport"]),
        .testTarget(name: "TUIKitTests", dependencies: ["TUIKit", "TestSupport"]),
        .testTarget(name: "PayHTTPTests", dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "PayHTTP", "TestSupport"]),
        .testTarget(name: "PayConsoleTests", dependencies: ["paydesk", "PayCore", "PayStore", "PayChannels", "PayServices", "TUIKit", "PayConsole", "TestSupport"],
                    exclude: ["__Snapshots__"]),
        .testTarget(name: "PaymentsTests", dependencies: ["PayCore", "PayStore", "PayChannels", "PayServices", "TestSupport"]),
        // The command line in-process (CommandLineApp.run with a capturing CommandIO): fast enough to fuzz.
        .testTarget(name: "CommandLineTests", dependencies: ["paydesk", "PayCore", "PayStore", "PayServices", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

/// The guided tours built into `paydesk demo`, in the order `paydesk demo --list` shows them
/// (a new tour in `demos/` is one more name here).
enum DemoTours {
    static let files = [
        "happy-path.tour", "lost-callback.tour", "duplicate-payment.tour", "risk-challenge.tour",
        "channel-outage.tour", "partial-refunds.tour", "forged-callback.tour", "reconciliation.tour",
    ]
}
