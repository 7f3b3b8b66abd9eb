extension ExactDuplicateDetector {
    /// Room for `rows` rows (a run that feeds a million kept keys would otherwise regrow its
    /// tables twenty times).
    public mutating func reserveCapacity(_ rows: Int) {
        ids.reserveCapacity(rows)
        clusterOf.reserveCapacity(rows)
        byHash.reserveCapacity(rows)
        byText.reserveCapacity(rows)
    }

    /// What the detector compares of a row: its folded content hash and its normalised-text
    /// key. Computing them is the costly part (the text's words); keeping them lets a later
    /// run check new rows against the existing ones without reading those rows again.
    public struct RowKeys: Sendable, Equatable {
        var hash: Key?
        var text: Key?

        public init(contentHash: String, text: String) {
            hash = ExactDuplicateDetector.key(contentHash: contentHash)
            self.text = ExactDuplicateDetector.key(text: text)
        }

        init(contentHash: String, textKey: Key?) {
            hash = ExactDuplicateDetector.key(contentHash: contentHash)
            text = textKey
        }

        /// Keys from a stored content hash and a stored text key (`textKeyBytes`).
        public init(contentHash: String, textKeyBytes: [UInt8]?) {
            hash = ExactDuplicateDetector.key(contentHash: contentHash)
            text = textKeyBytes.flatMap(Key.init(bytes:))
        }

        /// Keys from the content hash's 32 bytes (as the index keeps it; the same key as its hex
        /// form gives) and a stored text key.
        public init(contentHashBytes bytes: UnsafeRawBufferPointer, textKeyBytes: [UInt8]?) {
            if bytes.count == 32 {
                let w = (0..<4).map { UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
                hash = Key(high: w[0] ^ NearDuplicateShingler.fmix(w[2]), low: w[1] ^ NearDuplicateShingler.fmix(w[3]))
            } else {
                hash = nil
            }
            text = textKeyBytes.flatMap(Key.init(bytes:))
        }

        /// The text key as 16 bytes (nil for a text without words), for storing.
        public var textKeyBytes: [UInt8]? { text?.bytes }
    }
}

extension ExactDuplicateDetector.Key {
    var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: high >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
    }

    init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 0..<8 {
            high |= UInt64(bytes[i]) << (8 * i)
            low |= UInt64(bytes[8 + i]) << (8 * i)
        }
        self.init(high: high, low: low)
    }
}
