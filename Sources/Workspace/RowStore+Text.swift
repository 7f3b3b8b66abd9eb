import Foundation
import WinnowCore

extension RowStore {
    /// The readable text of row bytes that came from `source` (or an edit of such a row),
    /// recognised with that source's import options. For callers that read bytes themselves
    /// (the mixer reads from many threads, each with its own store).
    public func text(of bytes: [UInt8], source: String, shape: RowShape, id: String) throws -> RowText {
        try bytes.withUnsafeBufferPointer { try text(of: $0, source: source, shape: shape, id: id) }
    }

    /// The same, for bytes in a buffer the caller holds (a block of rows read at once).
    func text(of bytes: UnsafeBufferPointer<UInt8>, source: String, shape: RowShape, id: String) throws -> RowText {
        try parsed(bytes, source: source, id: id) { recognizer, tape, buffer in recognizer.text(of: shape, tape, source: buffer) }
    }

    /// A chat row's messages as (role, content byte range in `bytes`) when every content can be
    /// copied as it stands (see `RowRecognizer.rawChatTurns`); nil when the row must be decoded.
    public func rawChatTurns(of bytes: [UInt8], source: String, id: String) throws -> [(role: String, content: Range<Int>)]? {
        try bytes.withUnsafeBufferPointer { bytes in
            try parsed(bytes, source: source, id: id) { recognizer, tape, buffer in recognizer.rawChatTurns(tape, source: buffer) }
        }
    }

    /// Parses `bytes` into the store's reused tape and hands it to `body` with the source's
    /// recognizer.
    private func parsed<T>(_ buffer: UnsafeBufferPointer<UInt8>, source: String, id: String,
                           _ body: (RowRecognizer, JSONTape, UnsafeBufferPointer<UInt8>) -> T) throws -> T {
        let recognizer = try recognizer(for: source)
        var tape = scratchTape
        scratchTape = JSONTape()  // moved out and back, so the buffers are not copied on write
        defer { scratchTape = tape }
        do throws(JSONSyntaxError) { try tape.parse(buffer) } catch {
            throw WorkspaceError.index(path: index.path, reason: "row \(id) no longer parses: \(error.reason)")
        }
        return body(recognizer, tape, buffer)
    }
}
