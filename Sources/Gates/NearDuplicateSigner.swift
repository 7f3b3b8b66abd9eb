import WinnowCore

/// One row's words, read once for both duplicate gates: the exact-duplicate gate's text key and
/// the near-duplicate gate's MinHash signature come from the same word hashes, so a gate run
/// scans each row's text for words once instead of twice, and the signature is computed on the
/// worker that already holds the text rather than in a second parallel pass over kept copies.
///
/// Made once per worker (it keeps a scratch word buffer); the values are exactly those
/// `ExactDuplicateDetector.key(text:)` and `NearDuplicateDetector.add(id:text:)` compute.
public struct NearDuplicateSigner {
    private var shingler = NearDuplicateShingler()
    /// Scratch for the shingle hashes of the row being signed.
    private var shingles: [UInt64] = []
    private let shingleWords: Int
    private let multipliers: [UInt64]
    private let offsets: [UInt64]

    public init(options: NearDuplicateOptions) {
        let family = NearDuplicateSignatures(permutations: options.permutations, shingleWords: options.shingleWords, seed: options.seed)
        shingleWords = family.shingleWords
        multipliers = family.multipliers
        offsets = family.offsets
    }

    /// Reads the words of `text` (replacing the last text's).
    public mutating func tokenize(_ text: String) { shingler.tokenize(text) }

    /// Reads the words of the part of a row the gate compares: the same words as
    /// `tokenize(NearDuplicateDetector.comparedText(of: text, part))`, read segment by segment
    /// (every row's joined text was a copy of it, made only to be scanned).
    public mutating func tokenize(_ text: RowText, _ part: NearDuplicateOptions.TextPart) {
        switch part {
        case .full: shingler.tokenize(text.segments.lazy.map(\.text))
        case .answer: shingler.tokenize(text.segments.lazy.filter(\.isAnswer).map(\.text))
        }
    }

    /// The exact-duplicate keys of the last text tokenised (which must be the row's full text).
    public func exactKeys(contentHash: String) -> ExactDuplicateDetector.RowKeys {
        ExactDuplicateDetector.RowKeys(contentHash: contentHash, wordHashes: shingler.words)
    }

    /// The MinHash signature of the last text tokenised.
    public mutating func signature() -> NearDuplicateSignature {
        var values = [UInt32](repeating: NearDuplicateSignatures.unset, count: multipliers.count)
        var scratch = shingles
        shingles = []  // keeps the buffer uniquely referenced while it is filled
        values.withUnsafeMutableBufferPointer { out in
            multipliers.withUnsafeBufferPointer { a in
                offsets.withUnsafeBufferPointer { b in
                    NearDuplicateSignatures.minHash(shingler, size: shingleWords, a: a, b: b, shingles: &scratch, into: out.baseAddress!)
                }
            }
        }
        shingles = scratch
        return NearDuplicateSignature(values: values, isEmpty: shingler.words.isEmpty)
    }
}

/// A row's MinHash signature, computed off the detector (see `NearDuplicateSigner`).
public struct NearDuplicateSignature: Sendable, Equatable {
    var values: [UInt32]
    var isEmpty: Bool
}

extension ExactDuplicateDetector.RowKeys {
    /// Keys from the content hash and the text's word hashes (as `NearDuplicateShingler` reads
    /// them): the same text key `init(contentHash:text:)` computes from the text.
    init(contentHash: String, wordHashes: [UInt64]) {
        self.init(contentHash: contentHash, textKey: ExactDuplicateDetector.key(wordHashes: wordHashes))
    }
}
