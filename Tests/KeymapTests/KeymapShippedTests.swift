import Foundation
import Keymap
import TerminalCore
import Testing

/// The keymaps in `Keymaps/`, and how winnow finds that folder at run time.
@Suite struct KeymapShippedTests {
    private var folder: String { KeymapFixtures.shippedFolder.path }

    private func shippedFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".keymap") }.sorted().map { folder + "/" + $0 }
    }

    private func load(_ name: String) -> (Keymap, [KeymapDiagnostic]) {
        var keymap = Keymap()
        let diagnostics = KeymapFixtures.loader.load(file: folder + "/" + name + ".keymap", into: &keymap)
        return (keymap, diagnostics)
    }

    @Test func everyShippedKeymapLoadsWithoutDiagnostics() throws {
        let files = try shippedFiles()
        #expect(files.map { ($0 as NSString).lastPathComponent }.starts(with: ["default.keymap"]))
        #expect(files.contains { $0.hasSuffix("/vim.keymap") })
        for file in files {
            var keymap = Keymap()
            let diagnostics = KeymapFixtures.loader.load(file: file, into: &keymap)
            #expect(diagnostics.map(\.description) == [], "\(file)")
            #expect(!keymap.bindings.isEmpty, "\(file)")
        }
    }

    @Test func theDefaultBindsEveryActionInAValidContext() {
        let (keymap, _) = load("default")
        for action in KeymapFixtures.catalog.actions {
            let reachable = KeymapFixtures.contexts.contains { !keymap.keys(for: action.name, in: $0).isEmpty }
            #expect(reachable, "\(action.name) has no key in default.keymap")
        }
    }

    @Test func theDefaultKeepsTheKeysTheDesignPromises() {
        let (keymap, _) = load("default")
        let expected: [(String, String, String)] = [
            ("review", "a", "accept"), ("review", "x", "reject"), ("review", "e", "edit"), ("review", "f", "flag"),
            ("review", "<Space>", "skip"), ("review", "u", "undo"), ("review", "/", "search"),
            ("adjudicate", "1", "pick-first"), ("home", "<Enter>", "start-review"), ("stats", "q", "back"),
            ("reasons", "q", "cancel"), ("reasons", "<Esc>", "cancel"), ("confirm", "y", "confirm"),
            ("help", "Q", "quit"), ("log", "j", "move-down"),
        ]
        for (context, keys, action) in expected {
            #expect(keymap.lookup(KeymapFixtures.keys(keys), context: context) == .action(action), "\(context) \(keys)")
        }
        for digit in "123456789" {
            #expect(keymap.lookup([.character(digit)], context: "reasons") == .none, "reasons \(digit) is the workbench's")
        }
    }

    @Test func noShippedKeyIsReservedOrADecisionOnEscape() {
        for name in ["default", "vim"] {
            let (keymap, _) = load(name)
            for (context, table) in keymap.bindings {
                for (keys, action) in table {
                    #expect(keys.allSatisfy { $0.reservedReason == nil }, "\(name) \(context)")
                    let primary = KeymapFixtures.catalog.action(named: action)?.isPrimary ?? false
                    #expect(!(primary && keys.contains(.escape)), "\(name) \(context) \(action)")
                }
            }
        }
    }

    @Test func vimAddsItsMotionsOnTopOfTheDefault() {
        let (keymap, _) = load("vim")
        #expect(keymap.lookup([.character("g")], context: "review") == .pending)
        #expect(keymap.lookup(KeymapFixtures.keys("gg"), context: "review") == .action("go-top"))
        #expect(keymap.lookup([.character("G")], context: "home") == .action("go-bottom"))
        #expect(keymap.lookup([.control("d")], context: "log") == .action("page-down"))
        #expect(keymap.lookup([.control("u")], context: "log") == .action("page-up"))
        #expect(keymap.lookup(KeymapFixtures.keys("ZZ"), context: "review") == .action("quit"))
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
    }

    @Test func theUserFolderFollowsXDG() {
        #expect(KeymapLoader.userDirectory(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/h"]) == "/cfg/winnow/keymaps")
        #expect(KeymapLoader.userDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/winnow/keymaps")
        #expect(KeymapLoader.userDirectory(environment: ["HOME": "/h"]) == "/h/.config/winnow/keymaps")
        #expect(KeymapLoader.userDirectory(environment: [:]) == nil)
    }

    @Test func keymapNamesAreListedAndAMisspeltOneGetsTheNearest() throws {
        let user = try TemporaryFolder()
        try user.write("mine.keymap", "source vim.keymap\nbind review y accept\n")
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog, searchDirectories: [user.path, folder])
        #expect(loader.availableNames() == ["mine", "default", "vim"])
        var keymap = Keymap()
        #expect(loader.load(named: "mine", into: &keymap).isEmpty)
        #expect(keymap.lookup(KeymapFixtures.keys("gg"), context: "review") == .action("go-top"))
        #expect(keymap.lookup([.character("y")], context: "review") == .action("accept"))
        #expect(loader.load(named: "vmi", into: &keymap).map(\.description)
            == ["vmi: no keymap by that name (looked in \(user.path), \(folder)); did you mean 'vim'?"])
        #expect(loader.load(named: "./vmi.keymap", into: &keymap).map(\.description)
            == ["./vmi.keymap: cannot read the keymap: no such file"])
        let nowhere = KeymapLoader(catalog: KeymapFixtures.catalog, searchDirectories: [])
        #expect(nowhere.load(named: "vim", into: &keymap).map(\.description)
            == ["vim: no keymap by that name (no keymap folders are configured)"])
    }
}
