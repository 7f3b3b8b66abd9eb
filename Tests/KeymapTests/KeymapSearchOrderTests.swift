import Foundation
import Keymap
import ShippedFiles
import TerminalCore
import Testing

/// Where `--keymap NAME` is found, first match wins: `--keymap PATH` (used as is),
/// `$WINNOW_KEYMAPS`, `$XDG_CONFIG_HOME/winnow/keymaps`, `PREFIX/share/winnow/keymaps` beside
/// the binary, then the keymaps compiled into winnow. Before, the only shipped keymaps were
/// the checkout's `Keymaps/`, so a binary copied anywhere else had none at all.
@Suite struct KeymapSearchOrderTests {
    /// A default.keymap whose `a` does `action`, so a test can tell which file won.
    static func marker(_ action: String) -> String { "bind review a \(action)\n" }

    static let builtIn: [String: [UInt8]] = [
        "default.keymap": Array(marker("accept").utf8),
        "vim.keymap": Array("source default.keymap\nbind review gg go-top\n".utf8),
    ]

    /// Four places, each with its own default.keymap, and the environment that names them.
    struct Places {
        let environment = try! TemporaryFolder(), config = try! TemporaryFolder(), prefix = try! TemporaryFolder()
        var env: [String: String] { ["WINNOW_KEYMAPS": environment.path, "XDG_CONFIG_HOME": config.path, "HOME": "/nonexistent"] }
        var executable: String { prefix.path + "/bin/winnow" }

        init() throws {
            try environment.write("default.keymap", KeymapSearchOrderTests.marker("reject"))
            try config.write("winnow/keymaps/default.keymap", KeymapSearchOrderTests.marker("flag"))
            try prefix.write("share/winnow/keymaps/default.keymap", KeymapSearchOrderTests.marker("skip"))
            try prefix.write("bin/winnow", "")
        }

        func loader(_ environment: [String: String]? = nil) -> KeymapLoader {
            KeymapLoader(catalog: KeymapFixtures.catalog,
                         searchDirectories: KeymapLoader.searchDirectories(environment: environment ?? env, executable: executable),
                         builtIn: KeymapSearchOrderTests.builtIn)
        }
    }

    static func actionOnA(_ loader: KeymapLoader, _ name: String = "default") -> (Keymap.Lookup, [String]) {
        var keymap = Keymap()
        let diagnostics = loader.load(named: name, into: &keymap).map(\.description)
        return (keymap.lookup([.character("a")], context: "review"), diagnostics)
    }

    @Test func theFoldersComeInTheDocumentedOrder() {
        let environment = ["WINNOW_KEYMAPS": "/w", "XDG_CONFIG_HOME": "/x", "HOME": "/h"]
        #expect(KeymapLoader.searchDirectories(environment: environment, executable: "/opt/p/bin/winnow")
            == ["/w", "/x/winnow/keymaps", "/opt/p/share/winnow/keymaps"])
        #expect(KeymapLoader.searchDirectories(environment: ["HOME": "/h"], executable: "/usr/local/bin/winnow")
            == ["/h/.config/winnow/keymaps", "/usr/local/share/winnow/keymaps"])
        // An empty WINNOW_KEYMAPS is unset, not the current folder.
        #expect(KeymapLoader.searchDirectories(environment: ["WINNOW_KEYMAPS": ""], executable: "/usr/bin/winnow")
            == ["/usr/share/winnow/keymaps"])
    }

    @Test func eachPlaceOverridesTheNextAndTheBuiltInComesLast() throws {
        let places = try Places()
        #expect(Self.actionOnA(places.loader()).0 == .action("reject"), "$WINNOW_KEYMAPS first")
        var environment = places.env
        environment["WINNOW_KEYMAPS"] = nil
        #expect(Self.actionOnA(places.loader(environment)).0 == .action("flag"), "then $XDG_CONFIG_HOME/winnow/keymaps")
        environment["XDG_CONFIG_HOME"] = nil
        #expect(Self.actionOnA(places.loader(environment)).0 == .action("skip"), "then PREFIX/share/winnow/keymaps")
        try FileManager.default.removeItem(atPath: places.prefix.path + "/share")
        let (lookup, diagnostics) = Self.actionOnA(places.loader(environment))
        #expect(lookup == .action("accept") && diagnostics.isEmpty, "then the built-in: \(diagnostics)")
    }

    @Test func aPathIsUsedAsIsAndNeverLookedUp() throws {
        let places = try Places(), elsewhere = try TemporaryFolder()
        let mine = try elsewhere.write("default.keymap", Self.marker("undo"))
        #expect(Self.actionOnA(places.loader(), mine).0 == .action("undo"))
        // The built-in one by its path, even where a file on disk overrides its name.
        #expect(places.loader().resolve("(built-in)/default.keymap") == "(built-in)/default.keymap")
        #expect(Self.actionOnA(places.loader(), "(built-in)/default.keymap").0 == .action("accept"))
        #expect(places.loader().resolve("(built-in)/emacs.keymap") == nil)
    }

    @Test func aBuiltInKeymapSourcesTheBuiltInBesideIt() throws {
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog, searchDirectories: ["/nonexistent"], builtIn: Self.builtIn)
        var keymap = Keymap()
        #expect(loader.load(named: "vim", into: &keymap).map(\.description) == [])
        #expect(keymap.lookup(KeymapFixtures.keys("gg"), context: "review") == .action("go-top"))
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(loader.availableNames() == ["default", "vim"])
    }

    @Test func aUsersDefaultBuildsOnTheBuiltInOne() throws {
        let config = try TemporaryFolder()
        try config.write("winnow/keymaps/default.keymap", "source default.keymap\nbind review x flag\n")
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog,
                                  searchDirectories: KeymapLoader.searchDirectories(environment: ["XDG_CONFIG_HOME": config.path],
                                                                                    executable: "/nonexistent/bin/winnow"),
                                  builtIn: Self.builtIn)
        var keymap = Keymap()
        #expect(loader.load(named: "default", into: &keymap).map(\.description) == [])
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(keymap.lookup([.character("x")], context: "review") == .action("flag"))
    }

    @Test func aNameFoundNowhereListsEveryPlaceLookedIn() throws {
        let places = try Places()
        var keymap = Keymap()
        var environment = places.env
        environment["XDG_CONFIG_HOME"] = places.config.path + "/absent"
        let loader = places.loader(environment)
        #expect(loader.load(named: "emacs", into: &keymap).map(\.description) == [
            "emacs: no keymap by that name (looked in \(places.environment.path), \(places.config.path)/absent/winnow/keymaps "
                + "(no such folder), \(places.prefix.path)/share/winnow/keymaps, the built-in keymaps (default, vim))",
        ])
    }

    /// The real compiled-in keymaps, with nothing on disk anywhere: what a binary copied alone
    /// to an empty folder sees.
    @Test func theCompiledInKeymapsLoadWithNothingOnDisk() throws {
        let home = try TemporaryFolder()
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog,
                                  searchDirectories: KeymapLoader.searchDirectories(environment: ["HOME": home.path],
                                                                                    executable: home.path + "/winnow"),
                                  builtIn: ShippedFiles.keymaps)
        for name in ["default", "vim"] {
            var keymap = Keymap()
            #expect(loader.resolve(name) == "(built-in)/\(name).keymap")
            #expect(loader.load(named: name, into: &keymap).map(\.description) == [], "\(name)")
            #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"), "\(name)")
        }
    }
}
