import Foundation
import WinnowCore

extension RowStore {
    /// The readable text of row bytes that came from `source` (or an edit of such a row),
    /// recognised with that source's import options. For callers that read bytes themselves
    /// (the mixer reads from many threads, each with its own store).
    public func text(of bytes: [UInt8], source: String, shape: RowShape, id: String) throws -> RowText {
        let recognizer = try recognizer(for: source)
        var tape = scratchTape
        scratchTape = JSONTape()  // moved out and back, so the buffers are not copied on write
        defer { scratchTape = tape }
        var result = RowText(segments: [])
        try bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONSyntaxError) { try tape.parse(buffer) } catch {
                throw WorkspaceError.index(path: index.path, reason: "row \(id) no longer parses: \(error.reason)")
            }
            result = recognizer.text(of: shape, tape, source: buffer)
        }
        return result
    }
}
