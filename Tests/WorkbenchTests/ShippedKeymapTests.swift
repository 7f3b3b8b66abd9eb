import Foundation
import Keymap
import TerminalCore
import Testing
@testable import Workbench

/// The keymaps that ship, the action registry and the README's key table must agree: a key a
/// reviewer reads about is a key that does that.
@Suite struct ShippedKeymapTests {
    static let repository = WorkbenchFixture.repository

    @Test func everyShippedKeymapLoadsWithoutDiagnostics() throws {
        let folder = Self.repository + "/Keymaps"
        let loader = KeymapLoader(catalog: Action.catalog, searchDirectories: [folder])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".keymap") }
        #expect(files.contains("default.keymap") && files.contains("vim.keymap"))
        for file in files {
            var keymap = Keymap()
            #expect(loader.load(file: folder + "/" + file, into: &keymap).map(\.description) == [], "\(file)")
        }
    }

    @Test func defaultKeymapBindsEveryAction() throws {
        let keymap = try WorkbenchFixture.defaultKeymap()
        for action in Action.allCases {
            let bound = action.contexts.contains { !keymap.keys(for: action.name, in: $0).isEmpty }
            #expect(bound, "\(action.name) has no key in default.keymap")
        }
    }

    @Test func noDecisionSitsOnAKeyTheTerminalOwns() throws {
        for name in ["default", "vim"] {
            var keymap = Keymap()
            _ = KeymapLoader(catalog: Action.catalog, searchDirectories: [Self.repository + "/Keymaps"]).load(named: name, into: &keymap)
            for (_, table) in keymap.bindings {
                for (keys, action) in table {
                    #expect(!keys.contains { $0.isReservedForTerminal && (Action(rawValue: action)?.isPrimary ?? false) }, "\(name): \(action)")
                }
            }
        }
    }

    /// The README's key table is `| keys | action | screens | what it does |` rows between
    /// markers; it must list exactly what default.keymap binds.
    @Test func readmeKeyTableMatchesTheDefaultKeymap() throws {
        let readme = try String(contentsOfFile: Self.repository + "/README.md", encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- keys:start -->"), "README.md needs the key table markers")
        let end = try #require(readme.range(of: "<!-- keys:end -->"))
        var documented: [String: Set<String>] = [:]
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let keys = cells[0].split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            let action = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented[action, default: []].formUnion(keys)
        }
        let keymap = try WorkbenchFixture.defaultKeymap()
        var bound: [String: Set<String>] = [:]
        for (_, table) in keymap.bindings {
            for (keys, action) in table { bound[action, default: []].insert(KeyNotation.name(keys)) }
        }
        #expect(documented == bound, "README key table and Keymaps/default.keymap disagree")
    }

    /// The README's table as it should read, printed when the test above fails.
    static func readmeTable(_ keymap: Keymap) -> String {
        var rows: [String] = []
        for action in Action.allCases {
            var keys: [String] = []
            var screens: [String] = []
            for context in Action.contexts {
                let here = keymap.bindings[context]?.filter { $0.value == action.name }.map { KeyNotation.name($0.key) } ?? []
                if !here.isEmpty { screens.append(context) }
                keys += here
            }
            guard !keys.isEmpty else { continue }
            rows.append("| \(Set(keys).sorted().map { "`\($0)`" }.joined(separator: " ")) | `\(action.name)` | \(screens.joined(separator: ", ")) | \(action.summary) |")
        }
        return rows.joined(separator: "\n")
    }

    @Test func printTableForReadme() throws {
        if ProcessInfo.processInfo.environment["WINNOW_PRINT_KEY_TABLE"] == "1" {
            print(Self.readmeTable(try WorkbenchFixture.defaultKeymap()))
        }
    }
}
