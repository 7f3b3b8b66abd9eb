import Foundation
import GRDB
import WinnowCore

/// The rows reviewers decided in one stored source, as its current options read them: what a
/// reread checks each decided row against (see `Importer.reread`). Only rows with a standing
/// decision are read, so a reread of a source nobody reviewed reads nothing more.
final class DecidedTexts {
    private let recognizer: RowRecognizer
    /// Decided rows by their record's offset: the record's length, the shape it was read as, its
    /// slice, and whether a standing decision is an edit.
    private let rows: [Int64: (length: Int, shape: RowShape, slice: String?, edited: Bool)]
    private let descriptor: Int32
    private let display: String

    /// `options`: the source's import options as recorded before this reread, read the way
    /// every reviewer saw its rows (`RowStore.recognizer(options:)`).
    init(source: Int64, options: JSONValue, stored: String, display: String, in db: Database) throws {
        recognizer = RowStore.recognizer(options: options)
        var rows: [Int64: (length: Int, shape: RowShape, slice: String?, edited: Bool)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT r.offset, r.length, r.shape, r.slice,
                   EXISTS (SELECT 1 FROM decisions d WHERE d.n = r.n AND d.standing = 1 AND d.action = 'edit') AS edited
            FROM rows r WHERE r.source = ? AND EXISTS (SELECT 1 FROM decisions d WHERE d.n = r.n AND d.standing = 1)
            """, arguments: [source]) {
            rows[row["offset"]] = (row["length"], RowShape(rawValue: row["shape"]) ?? .chat, row["slice"], row["edited"])
        }
        self.rows = rows
        self.display = display
        descriptor = rows.isEmpty ? -1 : open(stored, O_RDONLY | O_CLOEXEC)
        if !rows.isEmpty && descriptor < 0 { throw WorkspaceError.io(path: display, action: "open it", errno: errno) }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Whether the record at `offset` is a decided row's (the only rows `setsAside` reads).
    func covers(_ offset: Int64) -> Bool { rows[offset] != nil }

    /// Whether the decisions on the row whose record starts at `offset` no longer stand once it
    /// is read with `recognizer` (as `shape`, in `slice`): its text is another, or it moved to
    /// another slice (a decision counts only in the slice it was made in), or it was edited (an
    /// edit's replacement row is read with the source's options too, so new options may make it
    /// say something its editor did not write). False for a row nobody decided.
    func setsAside(at offset: Int64, shape: RowShape?, slice: String?, with recognizer: RowRecognizer) throws -> Bool {
        guard let row = rows[offset] else { return false }
        if row.edited || row.slice != slice { return true }
        guard let shape else { return true }
        var bytes = [UInt8](repeating: 0, count: row.length)
        let read = bytes.withUnsafeMutableBytes { RowStore.readFully($0, from: descriptor, at: offset) }
        switch read {
        case .read: break
        case .failed(let code): throw WorkspaceError.io(path: display, action: "read it", errno: code)
        case .pastTheEnd: throw WorkspaceError.index(path: display, reason: "a decided row at byte \(offset) is past the end of the source")
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do throws(JSONSyntaxError) { try tape.parse(buffer) } catch {
                throw WorkspaceError.index(path: display, reason: "a decided row at byte \(offset) no longer parses: \(error.reason)")
            }
            return recognizer.text(of: shape, tape, source: buffer) != self.recognizer.text(of: row.shape, tape, source: buffer)
        }
    }
}
