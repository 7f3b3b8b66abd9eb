import Crypto

/// A SHA-256 digest as 32 bytes in plain values: the import keeps a million of them on the way
/// into the index, where a 64-character hex `String` each cost an allocation and a parse back.
public struct Digest: Sendable, Hashable {
    public var words: (UInt64, UInt64, UInt64, UInt64)

    public init(_ digest: SHA256.Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in digest.withUnsafeBytes { out.copyMemory(from: $0) } }
        self.words = words
    }

    /// The digest of raw bytes (a row's canonical form).
    public init(of buffer: UnsafeBufferPointer<UInt8>) {
        self.init(SHA256.hash(data: UnsafeRawBufferPointer(buffer)))
    }

    /// From 32 stored bytes (the index keeps digests as blobs); nil for any other length.
    ///
    /// The raw-buffer form is what a scan of the index calls once a row: the generic one below,
    /// called from another module, runs unspecialised (a metadata look-up and an iterator per
    /// byte), which was 4 % of a million-row gate run.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        self.words = words
    }

    /// From 32 bytes in any collection; nil for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            for (i, byte) in bytes.enumerated() { out[i] = byte }
        }
        self.words = words
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = words
        return try Swift.withUnsafeBytes(of: &copy, body)
    }

    /// Lowercase hex, as winnow prints and logs every hash.
    public var hex: String {
        withUnsafeBytes { bytes in
            String(unsafeUninitializedCapacity: 64) { out in
                for (i, byte) in bytes.enumerated() {
                    out[2 * i] = CanonicalJSON.hexDigits[Int(byte >> 4)]
                    out[2 * i + 1] = CanonicalJSON.hexDigits[Int(byte & 0xF)]
                }
                return 64
            }
        }
    }

    public static func == (a: Digest, b: Digest) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}
