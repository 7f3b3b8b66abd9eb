import Foundation
import Keymap
import TerminalCore
import Testing

/// `source`, files on disk, and `resolve`: paths, cycles, missing and unreadable files.
@Suite struct KeymapSourceTests {
    private func load(_ path: String, loader: KeymapLoader = KeymapFixtures.loader) -> (Keymap, [String]) {
        var keymap = Keymap()
        let diagnostics = loader.load(file: path, into: &keymap)
        return (keymap, diagnostics.map(\.description))
    }

    @Test func sourceAppliesTheOtherFileWhereItStands() throws {
        let folder = try TemporaryFolder()
        try folder.write("base.keymap", "bind review a accept\nbind review x reject\n")
        let top = try folder.write("top.keymap", "bind review a flag\nsource base.keymap\nunbind review x\n")
        let (keymap, diagnostics) = load(top)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(keymap.lookup([.character("x")], context: "review") == .none)
        #expect(keymap.origins["review"]?[[.character("a")]] == folder.path + "/base.keymap:1")
    }

    @Test func sourceIsRelativeToTheIncludingFilesFolder() throws {
        let folder = try TemporaryFolder()
        try folder.write("parts/decisions.keymap", "bind review a accept\nsource ../more/skip.keymap\n")
        try folder.write("more/skip.keymap", "bind review <Space> skip\n")
        let top = try folder.write("top.keymap", "source parts/decisions.keymap\n")
        let (keymap, diagnostics) = load(top)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
        #expect(keymap.lookup([.character(" ")], context: "review") == .action("skip"))
    }

    @Test func diagnosticsInASourcedFileNameThatFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("inner.keymap", "\n\nbind review a acept\n")
        let top = try folder.write("top.keymap", "source inner.keymap\nbind review x reject\n")
        let (keymap, diagnostics) = load(top)
        #expect(diagnostics == ["\(folder.path)/inner.keymap:3: unknown action 'acept' (did you mean 'accept'?)"])
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
    }

    @Test func aMissingSourceIsReportedAtTheSourceLine() throws {
        let folder = try TemporaryFolder()
        let top = try folder.write("top.keymap", "# first\nsource nowhere/else.keymap\nbind review a accept\n")
        let (keymap, diagnostics) = load(top)
        #expect(diagnostics == ["\(top):2: cannot source 'nowhere/else.keymap': no such file"])
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
    }

    @Test func aBareSourceNameFallsBackToTheSearchFolders() throws {
        let shipped = try TemporaryFolder(), user = try TemporaryFolder()
        try shipped.write("default.keymap", "bind review a accept\nbind review x reject\n")
        // The user's default.keymap extends the shipped one of the same name instead of itself.
        let mine = try user.write("default.keymap", "source default.keymap\nbind review a flag\n")
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog, searchDirectories: [user.path, shipped.path])
        #expect(loader.resolve("default") == mine)
        let (keymap, diagnostics) = load(mine, loader: loader)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("flag"))
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
        let missing = try user.write("other.keymap", "source nothing.keymap\n")
        #expect(load(missing, loader: loader).1 == [
            "\(missing):1: cannot source 'nothing.keymap': no such file "
                + "(looked in \(user.path)/nothing.keymap, \(shipped.path)/nothing.keymap)",
        ])
    }

    @Test func cyclesAreReportedNotFollowed() throws {
        let folder = try TemporaryFolder()
        let a = try folder.write("a.keymap", "bind review a accept\nsource b.keymap\n")
        try folder.write("b.keymap", "bind review x reject\nsource ./a.keymap\n")
        let (keymap, diagnostics) = load(a)
        #expect(diagnostics == [
            "\(folder.path)/b.keymap:2: source cycle: a.keymap → b.keymap → a.keymap (each file may be read once per chain)",
        ])
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
        let me = try folder.write("me.keymap", "source me.keymap\n")
        #expect(load(me).1 == ["\(me):1: source cycle: me.keymap → me.keymap (each file may be read once per chain)"])
    }

    @Test func theSameFileMayBeSourcedTwiceInARow() throws {
        let folder = try TemporaryFolder()
        try folder.write("base.keymap", "bind review a accept\n")
        let top = try folder.write("top.keymap", "source base.keymap\nunbind review a\nsource base.keymap\n")
        let (keymap, diagnostics) = load(top)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
    }

    @Test func unreadableFilesAreDiagnosed() throws {
        let folder = try TemporaryFolder()
        #expect(load(folder.path + "/absent.keymap").1 == ["\(folder.path)/absent.keymap: cannot read the keymap: no such file"])
        #expect(load(folder.path).1 == ["\(folder.path): cannot read the keymap: it is a folder, not a keymap file"])
        let top = try folder.write("top.keymap", "source /dev/null\nsource ..\n")
        #expect(load(top).1 == [
            "\(top):1: cannot source '/dev/null': not a regular file",
            "\(top):2: cannot source '..': it is a folder, not a keymap file",
        ])
    }

    @Test func invalidUTF8IsReportedPerLine() throws {
        let folder = try TemporaryFolder()
        let bytes = Array("bind review a accept\n".utf8) + [0x62, 0xFF, 0xFE, 0x0A] + Array("bind review x reject\n".utf8)
        let file = try folder.write("bad.keymap", bytes: bytes)
        let (keymap, diagnostics) = load(file)
        #expect(diagnostics == ["\(file):2: this line is not valid UTF-8 (keymap files are UTF-8 text)"])
        #expect(keymap.lookup([.character("x")], context: "review") == .action("reject"))
    }

    @Test func tildeMeansHome() throws {
        let name = ".winnow-keymap-test-\(UUID().uuidString).keymap"
        guard let home = ProcessInfo.processInfo.environment["HOME"], home.hasPrefix("/"),
              FileManager.default.createFile(atPath: home + "/" + name, contents: Data("bind review a accept\n".utf8))
        else { return }  // no home, or a read-only one: nothing to check against
        defer { try? FileManager.default.removeItem(atPath: home + "/" + name) }
        #expect(KeymapFixtures.loader.resolve("~/" + name) == home + "/" + name)
        let (keymap, diagnostics) = KeymapFixtures.apply("source ~/" + name)
        #expect(diagnostics.isEmpty)
        #expect(keymap.lookup([.character("a")], context: "review") == .action("accept"))
    }

    @Test func resolveTakesPathsAsTheyAreAndNamesFromTheSearchFolders() throws {
        let first = try TemporaryFolder(), second = try TemporaryFolder()
        let vim = try second.write("vim.keymap", "")
        try first.write("vim.txt", "")
        let loader = KeymapLoader(catalog: KeymapFixtures.catalog, searchDirectories: [first.path, second.path])
        #expect(loader.resolve("vim") == vim)
        #expect(loader.resolve("emacs") == nil)
        #expect(loader.resolve("") == nil)
        #expect(loader.resolve(vim) == vim)
        #expect(loader.resolve(second.path + "/absent.keymap") == nil)
        #expect(loader.resolve(second.path) == nil)
        let vimInFirst = try first.write("vim.keymap", "")
        #expect(loader.resolve("vim") == vimInFirst)
        // A name ending in .keymap is a path relative to the current folder, not a search.
        #expect(loader.resolve("vim.keymap") == nil || FileManager.default.fileExists(atPath: "vim.keymap"))
    }
}
