import Foundation
import Keymap
import TerminalCore

/// What the keymap tests load against. The test target cannot import Workbench, so this lists the
/// same names, contexts and primary decisions as `Sources/Workbench/Action.swift` does today; the
/// workbench's own tests check the shipped keymaps against the real registry.
enum KeymapFixtures {
    static let contexts = ["global", "home", "review", "reasons", "adjudicate", "confirm", "help", "stats", "log"]

    static let catalog: KeymapCatalog = {
        let global: Set<String> = ["global"]
        let decisions: Set<String> = ["review", "adjudicate"]
        let actions: [(String, Set<String>, Bool)] = [
            ("quit", global, false), ("back", global, false), ("help", global, false),
            ("go-home", global, false), ("show-stats", global, false), ("show-log", global, false),
            ("redraw", global, false), ("move-down", global, false), ("move-up", global, false),
            ("page-down", global, false), ("page-up", global, false), ("go-top", global, false),
            ("go-bottom", global, false), ("command-line", global, false),
            ("start-review", ["home"], false), ("review-all", ["home"], false),
            ("start-adjudication", ["home"], false),
            ("accept", decisions, true), ("reject", decisions, true), ("edit", decisions, true),
            ("flag", decisions, true), ("skip", decisions, true), ("undo", decisions, true),
            ("swap-pair", decisions, true), ("both-bad", decisions, true), ("back-to-skipped", decisions, false),
            ("toggle-context", decisions, false), ("previous-row", decisions, false),
            ("open-neighbour", ["review"], false), ("search", ["review"], false),
            ("search-next", ["review"], false), ("search-previous", ["review"], false),
            ("add-note", ["reasons"], false),
            ("pick-first", ["adjudicate"], true), ("pick-second", ["adjudicate"], true),
            ("confirm", ["confirm", "reasons"], true), ("cancel", ["confirm", "reasons"], false),
            ("edit-again", ["confirm", "reasons"], false),
        ]
        let digits = KeymapCatalog.ScreenKeys(keys: Set("123456789".map { Key.character($0) }),
                                              why: "the digits pick a reason code on this screen")
        return KeymapCatalog(contexts: contexts, actions: actions.map {
            KeymapCatalog.Action(name: $0.0, contexts: $0.1, isPrimary: $0.2)
        }, screenKeys: ["reasons": digits])
    }()

    static let loader = KeymapLoader(catalog: catalog, searchDirectories: [])

    /// Applies `text` as `t.keymap` to an empty keymap.
    static func apply(_ text: String, loader: KeymapLoader = loader) -> (Keymap, [String]) {
        var keymap = Keymap()
        let diagnostics = loader.apply(text: text, file: "t.keymap", into: &keymap)
        return (keymap, diagnostics.map(\.description))
    }

    static func keys(_ text: String) -> [Key] {
        (try? KeyNotation.parse(text)) ?? []
    }

    /// One spelling of a path (absolute, symlinks resolved), to compare folders found two ways.
    static func real(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The repository's `Keymaps/` folder, found from this file's path.
    static var shippedFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Keymaps")
    }
}

/// A fresh folder under the temporary directory, removed when the test is done with it.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("winnow-keymap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` (or raw bytes) to `name` inside the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}
