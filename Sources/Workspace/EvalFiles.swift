import Foundation
import Gates
import WinnowCore

/// Reads the eval files `[gates] eval_files` names into a contamination index, with the same
/// file reading `winnow import` uses (`InputFile`: gzip is decompressed whatever the name, so
/// hh-rlhf's `test.jsonl.gz` is read as it ships). The layout comes from the name without `.gz`:
/// `.csv`/`.tsv` are tables, anything else JSON (see `ContaminationIndex.evalItems`).
///
/// An entry may name a folder: every `.jsonl`, `.json`, `.csv` and `.tsv` file under it (each
/// optionally `.gz`) is read, in path order, so MMLU's 171 CSV files are one entry. Other files
/// in it (a README) are named in one warning, never read as eval data.
///
/// Every problem that makes a file useless (missing, unreadable, corrupt gzip, no item at all)
/// throws naming the file as configured; bad lines in a usable file come back as warnings.
enum EvalFiles {
    static let extensions = [".jsonl", ".json", ".csv", ".tsv"]

    static func isEvalFile(_ name: String) -> Bool {
        var lower = name.lowercased()
        if lower.hasSuffix(".gz") { lower.removeLast(3) }
        return extensions.contains { lower.hasSuffix($0) }
    }

    /// The index over every configured file, and the warnings to show.
    /// `contentHash` covers every file's name and bytes: the gates' config hash includes it, so
    /// an eval file edited without a config change still makes the next run a whole one.
    static func load(_ files: [String], root: String, settings: GateSettings) throws(ContaminationError)
        -> (index: ContaminationIndex, warnings: [String], contentHash: String)
    {
        var items: [ContaminationIndex.EvalItem] = []
        var warnings: [String] = []
        var hash = StreamingHash()
        for file in files {
            let path = file.hasPrefix("/") ? file : root + "/" + file
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .unreadable(file: file, reason: "no such file")
            }
            var members: [(path: String, name: String)] = [(path, file)]
            if isDirectory.boolValue {
                let listed = try folder(path, name: file)
                members = listed.files
                if !listed.skipped.isEmpty {
                    warnings.append("\(file): not read (not .jsonl, .json, .csv or .tsv): \(listed.skipped.joined(separator: ", "))")
                }
            }
            for member in members {
                let bytes = try read(member.path, name: member.name)
                hash.update(Array(member.name.utf8) + [0] + Array(ContentHash.hex(bytes).utf8))
                let loaded = try ContaminationIndex.evalItems(in: bytes, name: member.name)
                items += loaded.items
                warnings += loaded.warnings.map(\.description)
            }
        }
        let index = ContaminationIndex(
            items: items, n: settings.contaminationNgram, minimumWords: settings.contaminationMinimumWords,
            exactMinimumWords: settings.contaminationExactMinimumWords)
        return (index, warnings, hash.finalizeHex())
    }

    /// The eval files under a folder (recursively, sorted), and the names of the other files.
    static func folder(_ path: String, name: String) throws(ContaminationError) -> (files: [(path: String, name: String)], skipped: [String]) {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else {
            throw .unreadable(file: name, reason: "cannot list the folder")
        }
        var files: [(String, String)] = []
        var skipped: [String] = []
        var relatives: [String] = []
        while let relative = enumerator.nextObject() as? String { relatives.append(relative) }
        for relative in relatives.sorted() {
            let full = path + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let base = (relative as NSString).lastPathComponent
            if base.hasPrefix(".") { continue }
            if isEvalFile(base) {
                files.append((full, (name.hasSuffix("/") ? name : name + "/") + relative))
            } else {
                skipped.append(relative)
            }
        }
        guard !files.isEmpty else {
            throw .noItems(file: name, reason: "the folder holds no .jsonl, .json, .csv or .tsv file")
        }
        return (files, skipped)
    }

    /// A file's whole content, decompressed when it is gzip.
    static func read(_ path: String, name: String) throws(ContaminationError) -> [UInt8] {
        do {
            let input = try InputFile(path: path)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(min(input.fileSize, 1 << 28)))
            let chunk = 1 << 20
            var buffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let n = try buffer.withUnsafeMutableBufferPointer { try input.read(into: $0.baseAddress!, count: chunk) }
                if n == 0 { break }
                bytes += buffer[0..<n]
            }
            return bytes
        } catch let error as WorkspaceError {
            throw .unreadable(file: name, reason: reason(error, path: path))
        } catch {
            throw .unreadable(file: name, reason: "\(error)")
        }
    }

    /// A workspace error's message without its path prefix (the message names the file itself).
    static func reason(_ error: WorkspaceError, path: String) -> String {
        let message = error.message
        return message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }
}
