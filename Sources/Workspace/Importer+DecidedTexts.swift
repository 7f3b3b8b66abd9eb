import Foundation
import GRDB
import WinnowCore

/// The texts reviewers decided in one stored source, as its current options read them: what a
/// reread compares each decided row's new text with (see `Importer.reread`). Only rows with a
/// standing decision are read, so a reread of a source nobody reviewed reads nothing more.
final class DecidedTexts {
    private let recognizer: RowRecognizer
    /// Decided rows by their record's offset: the record's length and the shape it was read as.
    private let rows: [Int64: (length: Int, shape: RowShape)]
    private let descriptor: Int32
    private let display: String

    init(source: Int64, stored: String, display: String, in db: Database) throws {
        let options = try String.fetchOne(db, sql: "SELECT options FROM sources WHERE id = ?", arguments: [source])
        recognizer = try options.map { try JSONValue.parse($0) }.flatMap { ImportOptions.replaying($0)?.0 } ?? RowRecognizer()
        var rows: [Int64: (length: Int, shape: RowShape)] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT r.offset, r.length, r.shape FROM rows r
            WHERE r.source = ? AND EXISTS (SELECT 1 FROM decisions d WHERE d.n = r.n AND d.standing = 1)
            """, arguments: [source]) {
            rows[row["offset"]] = (row["length"], RowShape(rawValue: row["shape"]) ?? .chat)
        }
        self.rows = rows
        self.display = display
        descriptor = rows.isEmpty ? -1 : open(stored, O_RDONLY | O_CLOEXEC)
        if !rows.isEmpty && descriptor < 0 { throw WorkspaceError.io(path: display, action: "open it", errno: errno) }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Whether the decided row whose record starts at `offset` reads as another text with
    /// `recognizer` (as `shape`); false for a row nobody decided.
    func changes(at offset: Int64, to shape: RowShape?, with recognizer: RowRecognizer) throws -> Bool {
        guard let row = rows[offset] else { return false }
        var bytes = [UInt8](repeating: 0, count: row.length)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, row.length, off_t(offset)) }
        guard got == row.length else { throw WorkspaceError.io(path: display, action: "read it", errno: got < 0 ? errno : EIO) }
        return try bytes.withUnsafeBufferPointer { buffer in
            var tape = JSONTape()
            do throws(JSONSyntaxError) { try tape.parse(buffer) } catch {
                throw WorkspaceError.input(path: display, reason: "a decided row at byte \(offset) no longer parses: \(error.reason)")
            }
            let before = self.recognizer.text(of: row.shape, tape, source: buffer)
            guard let shape else { return true }
            return recognizer.text(of: shape, tape, source: buffer) != before
        }
    }
}
