import Foundation

/// The files winnow ships, compiled into the binary: the keymaps (`Keymaps/*.keymap`) and the
/// demo's data (`SampleData/`). A binary copied alone to `/usr/local/bin`, or run from any
/// folder, has no checkout beside it to find them in; before, `winnow review` then had no
/// keymap at all and `winnow demo` no data.
///
/// Files on disk still win where a person put them (see `KeymapLoader.searchDirectories` and
/// `winnow demo --sample-data`); these are the last resort. The contents come from
/// `ShippedFiles+Contents.swift`, which `Scripts/embed-shipped-files` writes and
/// `ShippedFilesTests` checks against the folders, so the copy cannot drift from the source.
public enum ShippedFiles {
    public struct File: Sendable, Equatable {
        /// Relative to the folder asked for (`default.keymap`, `eval/heldout-eval.jsonl`).
        public let path: String
        public let bytes: [UInt8]
    }

    /// Every embedded file with its repository path (`Keymaps/default.keymap`), in path order.
    public static var all: [File] { files(under: "") }

    /// The keymaps by file name (`default.keymap` → its bytes).
    public static let keymaps: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: files(under: "Keymaps/").map { ($0.path, $0.bytes) })

    /// The demo's files, paths relative to `SampleData/`.
    public static var sampleData: [File] { files(under: "SampleData/") }

    /// The files whose repository path starts with `prefix`, the prefix removed; decoded on
    /// each call, and only those (the review screen needs the keymaps, never the 180 KB demo).
    public static func files(under prefix: String) -> [File] {
        encoded.filter { $0.path.hasPrefix(prefix) }.map { entry in
            // The script writes base64 and the tests decode every entry, so this cannot fail
            // in a binary whose tests passed; if it ever did, stopping beats running without
            // the file.
            guard let data = Data(base64Encoded: entry.base64, options: .ignoreUnknownCharacters) else {
                preconditionFailure("ShippedFiles+Contents.swift: \(entry.path) is not valid base64; run Scripts/embed-shipped-files")
            }
            return File(path: String(entry.path.dropFirst(prefix.count)), bytes: Array(data))
        }
    }
}
