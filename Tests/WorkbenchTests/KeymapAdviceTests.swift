import Foundation
import Keymap
import Testing
import TestSupport
@testable import Workbench

/// What `winnow review` says when the keymap asked for cannot be used (issue 12, item 1: the
/// advice "start with --keymap default" failed the same way when no keymap could be found),
/// and that the compiled-in keymaps hold up against the real action registry.
@Suite struct KeymapAdviceTests {
    /// The real loader with nothing on disk but `files` in a user folder.
    func loader(_ files: [String: String] = [:]) throws -> (KeymapLoader, String) {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-advice-\(UUID().uuidString)").path
        for (name, text) in files {
            try FileManager.default.createDirectory(atPath: config + "/winnow/keymaps", withIntermediateDirectories: true)
            try text.write(toFile: config + "/winnow/keymaps/" + name, atomically: true, encoding: .utf8)
        }
        return (KeymapLoader.standard(catalog: Action.catalog, environment: ["XDG_CONFIG_HOME": config]), config)
    }

    func message(_ name: String?, _ loader: KeymapLoader) -> String? {
        do {
            _ = try WorkbenchLauncher.keymap(named: name, loader: loader)
            return nil
        } catch let error as WorkbenchSetupError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func theCompiledInKeymapsLoadAgainstTheRealRegistry() throws {
        let (loader, config) = try loader()
        defer { try? FileManager.default.removeItem(atPath: config) }
        for name in [nil, "vim", "(built-in)/default.keymap"] {
            #expect(message(name, loader) == nil, "\(name ?? "no --keymap")")
        }
        let keymap = try WorkbenchLauncher.keymap(named: nil, loader: loader)
        for action in Action.allCases {
            #expect(action.contexts.contains { !keymap.keys(for: action.name, in: $0).isEmpty }, "\(action.name)")
        }
    }

    @Test func anUnknownNameIsAdvisedADefaultThatLoads() throws {
        let (loader, config) = try loader()
        defer { try? FileManager.default.removeItem(atPath: config) }
        let text = try #require(message("emacs", loader))
        #expect(text.contains("emacs: no keymap by that name (looked in \(config)/winnow/keymaps (no such folder), "), "\(text)")
        #expect(text.contains("the built-in keymaps (default, vim))"), "\(text)")
        #expect(text.hasSuffix("the keymap has problems (above); fix them, or start with --keymap default"), "\(text)")
    }

    @Test func aBrokenOwnDefaultIsAdvisedTheBuiltInOne() throws {
        let (loader, config) = try loader(["default.keymap": "bind review a acept\n"])
        defer { try? FileManager.default.removeItem(atPath: config) }
        let own = config + "/winnow/keymaps/default.keymap"
        let text = try #require(message(nil, loader))
        #expect(text == "\(own):1: unknown action 'acept' (did you mean 'accept'?)\n"
            + "the keymap has problems (above); fix \(own), or move it aside to use the built-in one, "
            + "or start with --keymap '(built-in)/default.keymap'")
        // vim sources the default beside it, the built-in one, so it still loads.
        #expect(message("vim", loader) == nil)
        let broken = try self.loader(["default.keymap": "bind review a acept\n", "mine.keymap": "bind review b flagg\n"])
        defer { try? FileManager.default.removeItem(atPath: broken.1) }
        #expect(message("mine", broken.0)?.hasSuffix("fix them, or start with --keymap '(built-in)/default.keymap'") == true)
    }
}

/// Keymaps in the folder older winnows read are not read any more: the session does not start
/// until they are moved, rather than review with keys the reviewer did not choose.
@Suite struct LegacyKeymapFolderTests {
    @Test func aKeymapLeftInTheOldFolderStopsTheSessionAndSaysWhere() throws {
        let tmp = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: tmp.file("winnow"), withIntermediateDirectories: true)
        try "bind review z accept\n".write(toFile: tmp.file("winnow/default.keymap"), atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": tmp.path, "HOME": tmp.path]
        #expect(KeymapLoader.legacyUserKeymaps(environment: environment).map { ($0 as NSString).lastPathComponent } == ["default.keymap"])
        do {
            _ = try WorkbenchLauncher.keymap(named: nil, environment: environment)
            Issue.record("a keymap in the old folder was silently ignored")
        } catch let error as WorkbenchSetupError {
            #expect(error.message.contains("default.keymap: not read any more") && error.message.contains("winnow/keymaps/"), "\(error.message)")
        }
        // Moved into the new folder, it is read.
        try FileManager.default.createDirectory(atPath: tmp.file("winnow/keymaps"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: tmp.file("winnow/default.keymap"), toPath: tmp.file("winnow/keymaps/default.keymap"))
        #expect(KeymapLoader.legacyUserKeymaps(environment: environment).isEmpty)
    }
}
