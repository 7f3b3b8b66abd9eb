// swift-tools-version: 6.1
// winnow: a terminal workbench for reviewing synthetic training data. See README.md for why each
// dependency is here; DESIGN.md (shared) for the module map.
import PackageDescription

let package = Package(
    name: "winnow",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .executable(name: "winnow-bench", targets: ["winnow-bench"]),
        .executable(name: "winnow-fuzz", targets: ["winnow-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCursesW", pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // Configured regular expressions under a match budget (see CompiledPattern).
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        // Process-wide settings made through C calls Swift cannot make (variadic, or not in Glibc).
        .target(name: "CProcessSettings", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "WinnowCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ProvenanceLog", dependencies: ["WinnowCore"]),
        // The near-duplicate gate's MinHash loop, compiled for the widest vector unit the CPU has
        // (optimised in debug builds too: the tests gate real data sets through it).
        .target(name: "CMinHash", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(name: "Gates", dependencies: ["WinnowCore", "CPCRE2", "CMinHash"]),
        .target(
            name: "Workspace",
            dependencies: [
                "WinnowCore", "ProvenanceLog", "Gates", "CZlib", "CProcessSettings", "PostgresStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        // Above Workspace nothing speaks SQL: the queue and the mixer call the index's named
        // operations (RowIndex+*), so neither lists GRDB.
        .target(name: "ReviewQueue", dependencies: ["WinnowCore", "ProvenanceLog", "Workspace",
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        // The terminal layer: keys, cells, display width and the Terminal protocol; nothing here
        // knows curses, so every screen is testable headless.
        .target(name: "TerminalCore"),
        // The PostgreSQL store (issue 13, part 2): the server-side log (SQL the server runs) and
        // the client that speaks to it through PostgresNIO.
        .target(name: "PostgresStore", dependencies: [
            "WinnowCore", "ProvenanceLog", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The shipped keymaps and SampleData compiled in (Scripts/embed-shipped-files), so a
        // binary copied alone still has them.
        .target(name: "ShippedFiles"),
        .target(name: "Keymap", dependencies: ["TerminalCore", "WinnowCore", "ShippedFiles"]),
        .target(name: "VirtualTerminal", dependencies: ["TerminalCore"]),
        .target(name: "CursesTerminal", dependencies: ["CNCursesW", "TerminalCore", "WinnowCore"]),
        .target(name: "Workbench", dependencies: ["TerminalCore", "Keymap", "WinnowCore", "ProvenanceLog",
                                                  "Workspace", "ReviewQueue", "Gates"]),
        .target(name: "Mixer", dependencies: ["WinnowCore", "ProvenanceLog", "Workspace", "ReviewQueue",
                                              .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "WinnowCore", "ProvenanceLog", "Workspace", "ReviewQueue", "Gates",
                "TerminalCore", "Keymap", "Workbench", "CursesTerminal", "Mixer", "ShippedFiles", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "winnow-bench",
            dependencies: [
                "WinnowCore", "ProvenanceLog", "Workspace", "Gates", "Workbench", "VirtualTerminal", "TerminalCore", "ReviewQueue", "PostgresStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // libFuzzer targets for every parser of untrusted bytes (.ci/fuzz builds it with
        // -sanitize=fuzzer -DFUZZING); built plainly it replays inputs, for regression tests.
        .executableTarget(
            name: "winnow-fuzz",
            dependencies: ["WinnowCore", "ProvenanceLog", "Keymap", "Workbench", "Workspace", "Mixer", "CProcessSettings"]),
        .testTarget(
            name: "WinnowCoreTests",
            dependencies: ["WinnowCore", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
                           .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "ReviewQueueTests", dependencies: ["ReviewQueue", "Workspace", "PostgresStore", "TestSupport"]),
        .testTarget(
            name: "GatesTests",
            dependencies: ["Gates", "CMinHash", "TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
        // Helpers for tests that run the package's executables: temporary folders, child processes.
        .target(name: "TestSupport", dependencies: ["ProvenanceLog"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ProvenanceLogTests",
            dependencies: [
                "ProvenanceLog", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Gates", "TestSupport"]),
        .testTarget(name: "CursesTerminalTests", dependencies: ["CursesTerminal", "TerminalCore", "TestSupport", "ProvenanceLog"]),
        // Resources/ holds Unicode's own test files (GraphemeBreakTest, emoji-test), read as data.
        .testTarget(name: "TerminalCoreTests",
                    dependencies: ["TerminalCore", "VirtualTerminal", "WinnowCore",
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    exclude: ["Resources"]),
        .testTarget(name: "KeymapTests", dependencies: ["Keymap", "TerminalCore", "ShippedFiles"]),
        .testTarget(name: "ShippedFilesTests", dependencies: ["ShippedFiles"]),
        .testTarget(name: "WorkbenchTests",
                    dependencies: ["Workbench", "VirtualTerminal", "TerminalCore", "Keymap", "Workspace",
                                   "ReviewQueue", "WinnowCore", "ProvenanceLog", "TestSupport",
                                   .product(name: "PropertyBased", package: "swift-property-based")],
                    exclude: ["Snapshots"]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "ProvenanceLog", "WinnowCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["WinnowCore", "ProvenanceLog", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MixerTests", dependencies: ["Mixer", "Workspace", "ReviewQueue", "ProvenanceLog", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
