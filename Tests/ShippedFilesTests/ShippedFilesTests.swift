import Foundation
import ShippedFiles
import Testing

/// The files compiled into winnow are exactly the ones in the repository: the same names, the
/// same bytes. This is what keeps `ShippedFiles+Contents.swift` (written by
/// `Scripts/embed-shipped-files`) from drifting when someone edits a keymap or the sample.
@Suite struct ShippedFilesTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let regenerate = "run Scripts/embed-shipped-files and commit Sources/ShippedFiles/ShippedFiles+Contents.swift"

    /// What the script embeds: `Keymaps/*.keymap` (not deeper) and every file under
    /// `SampleData/` whose name does not start with a dot.
    static func filesOnDisk() throws -> [String] {
        let fm = FileManager.default
        var found = try fm.contentsOfDirectory(atPath: root + "/Keymaps")
            .filter { $0.hasSuffix(".keymap") }.map { "Keymaps/" + $0 }
        let walker = try #require(fm.enumerator(atPath: root + "/SampleData"))
        while let relative = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            let path = root + "/SampleData/" + relative
            guard fm.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            guard !(relative as NSString).lastPathComponent.hasPrefix(".") else { continue }
            found.append("SampleData/" + relative)
        }
        // The script sorts with LC_ALL=C: by bytes.
        return found.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    @Test func theEmbeddedFilesAreTheRepositorysFilesByteForByte() throws {
        let embedded = ShippedFiles.all
        let onDisk = try Self.filesOnDisk()
        #expect(embedded.map(\.path) == onDisk, "the embedded files are not the repository's: \(Self.regenerate)")
        for file in embedded where onDisk.contains(file.path) {
            let bytes = try #require(FileManager.default.contents(atPath: Self.root + "/" + file.path))
            #expect(file.bytes == Array(bytes), "\(file.path) differs from the embedded copy: \(Self.regenerate)")
        }
    }

    @Test func theKeymapsAndTheSampleAreThere() {
        #expect(ShippedFiles.keymaps.keys.sorted() == ["default.keymap", "vim.keymap"])
        let sample = ShippedFiles.sampleData.map(\.path)
        for name in ["support-chat.jsonl", "instructions-alpaca.jsonl", "preferences.jsonl", "malformed.jsonl",
                     "eval/heldout-eval.jsonl", "mix-spec.toml"] {
            #expect(sample.contains(name), "\(name)")
        }
        // The deliberately broken file survives embedding: invalid UTF-8, a NUL and a CR.
        let malformed = ShippedFiles.sampleData.first { $0.path == "malformed.jsonl" }?.bytes ?? []
        #expect(malformed.contains(0) && malformed.contains(0x0D))
        #expect(String(validating: malformed, as: UTF8.self) == nil)
    }
}
