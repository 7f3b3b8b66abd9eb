import CZlib
import Foundation

/// A file being imported, read in large chunks, gunzipped on the fly when it starts with the
/// gzip magic bytes (so `test.jsonl.gz` imports as it ships). Never holds the whole file.
final class InputFile {
    let path: String
    let isGzip: Bool
    /// Size on disk, for the progress bar.
    let fileSize: Int64
    private let handle: UnsafeMutablePointer<FILE>
    private var stream = z_stream()
    private var compressed: [UInt8]
    private var streamEnded = false
    private var atEOF = false
    /// A gzip failure met after some content was produced: thrown by the next read.
    private var pendingFailure: WorkspaceError?
    /// Compressed bytes consumed so far (plain files: bytes read), for the progress bar.
    private(set) var bytesConsumed: Int64 = 0

    static let chunkSize = 4 << 20

    init(path: String) throws {
        self.path = path
        guard let handle = fopen(path, "rb") else {
            throw WorkspaceError.io(path: path, action: "open it", errno: errno)
        }
        self.handle = handle
        var info = stat()
        if fstat(fileno(handle), &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                fclose(handle)
                throw WorkspaceError.input(path: path, reason: "is a directory, not a file of rows")
            }
            fileSize = Int64(info.st_size)
        } else {
            fileSize = 0
        }
        var magic = [UInt8](repeating: 0, count: 2)
        let n = fread(&magic, 1, 2, handle)
        isGzip = n == 2 && magic[0] == 0x1F && magic[1] == 0x8B
        rewind(handle)
        compressed = isGzip ? [UInt8](repeating: 0, count: Self.chunkSize) : []
        if isGzip {
            // 15 + 32: the largest window, and let zlib read the gzip (or zlib) header itself.
            let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                fclose(handle)
                throw WorkspaceError.input(path: path, reason: "could not start gzip decompression (zlib \(status))")
            }
        }
    }

    deinit {
        if isGzip { inflateEnd(&stream) }
        fclose(handle)
    }

    /// Fills `buffer` from `start` on with up to `count` bytes of (decompressed) content; 0 at the
    /// end of the file. A corrupt gzip stream throws after everything before it was returned.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        if !isGzip {
            let n = fread(buffer, 1, count, handle)
            if n == 0 && ferror(handle) != 0 {
                throw WorkspaceError.io(path: path, action: "read it", errno: errno)
            }
            bytesConsumed += Int64(n)
            return n
        }
        if let failure = pendingFailure { throw failure }
        stream.next_out = buffer
        stream.avail_out = UInt32(count)
        // A failure after some content came out of this call is kept for the next call, so
        // the content before it is returned first.
        func fail(_ error: WorkspaceError) throws -> Int {
            let produced = count - Int(stream.avail_out)
            guard produced > 0 else { throw error }
            pendingFailure = error
            return produced
        }
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                if atEOF { break }
                let n = compressed.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.chunkSize, handle) }
                if n == 0 {
                    atEOF = true
                    if ferror(handle) != 0 { return try fail(WorkspaceError.io(path: path, action: "read it", errno: errno)) }
                    if !streamEnded {
                        return try fail(WorkspaceError.input(path: path, reason: "the gzip data ends early (truncated file)"))
                    }
                    break
                }
                bytesConsumed += Int64(n)
                compressed.withUnsafeMutableBufferPointer { stream.next_in = $0.baseAddress }
                stream.avail_in = UInt32(n)
            }
            if streamEnded {
                // Another gzip member follows (concatenated .gz files are valid gzip).
                if inflateReset(&stream) != Z_OK { break }
                streamEnded = false
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                streamEnded = true
                if stream.avail_in == 0 && feof(handle) != 0 { atEOF = true }
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return try fail(WorkspaceError.input(
                    path: path, reason: "corrupt gzip data near compressed byte \(bytesConsumed - Int64(stream.avail_in)): \(detail)"))
            }
        }
        return count - Int(stream.avail_out)
    }
}
