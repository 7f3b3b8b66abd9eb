import CMinHash
import Foundation

/// MinHash signatures of many rows, stored flat: row i's values are
/// `values[i * permutations ..< (i + 1) * permutations]`.
///
/// A million rows at 128 permutations is 512 MB as `[UInt32]`; an array of arrays would add a
/// heap object and 32 bytes of header per row and scatter rows across memory. Signatures are
/// computed a batch at a time on all cores (each worker writes only its own rows' slots), so the
/// texts of at most one batch are alive at once, and the values depend only on each row's text
/// and the seed, never on which thread computed them or how rows were batched.
struct NearDuplicateSignatures {
    let permutations: Int
    let shingleWords: Int
    /// The permutation family: value p of a shingle is the high 32 bits of a[p]*x + b[p] mod 2^64,
    /// where x is the low 32 bits of the shingle's (well-mixed) hash and a[p], b[p] are random
    /// 64-bit numbers: Dietzfelbinger's multiply-add-shift scheme, strongly universal for 32-bit
    /// keys, and cheaper than "mod prime" (no division, and a 32-bit key needs two 32x32
    /// multiplies instead of three, which matters in the one loop that runs 128 times per
    /// shingle). 32-bit shingle keys, as datasketch uses, collide across two 100-shingle rows
    /// with odds of about 1 in 400,000, far below the estimator's own noise.
    let multipliers: [UInt64]
    let offsets: [UInt64]
    private(set) var values: [UInt32] = []
    /// Rows without a single word: their signature stays all `unset` and they are never
    /// candidates (an empty text is not a near duplicate of another empty text; the exact
    /// duplicate gate sees those).
    private(set) var isEmpty: [Bool] = []

    /// Values are compared as signed 32-bit numbers: the hardware baseline (SSE2) has no
    /// unsigned 32-bit minimum, and emulating one costs two extra operations per value in the
    /// hottest loop. A signed order is just another fixed bijection on the hash values, so the
    /// estimate is unchanged; a fresh signature starts at the largest signed value.
    static let unset = UInt32(Int32.max)

    init(permutations: Int, shingleWords: Int, seed: UInt64) {
        self.permutations = permutations
        self.shingleWords = shingleWords
        var state = seed
        var a: [UInt64] = [], b: [UInt64] = []
        for _ in 0..<permutations {
            a.append(Self.splitMix(&state) | 1)
            b.append(Self.splitMix(&state))
        }
        multipliers = a
        offsets = b
    }

    var count: Int { isEmpty.count }

    mutating func reserve(_ rows: Int) {
        values.reserveCapacity(rows * permutations)
        isEmpty.reserveCapacity(rows)
    }

    /// Appends the signatures of `texts`, computed in parallel over `parts` slices.
    mutating func append(_ texts: [String], parts requested: Int? = nil) {
        guard !texts.isEmpty else { return }
        let first = count
        let p = permutations
        values.append(contentsOf: repeatElement(Self.unset, count: texts.count * p))
        isEmpty.append(contentsOf: repeatElement(false, count: texts.count))
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let parts = max(1, min(requested ?? cores * 4, texts.count / 64 + 1))
        let a = multipliers, b = offsets, size = shingleWords
        values.withUnsafeMutableBufferPointer { valueBuffer in
            isEmpty.withUnsafeMutableBufferPointer { emptyBuffer in
                texts.withUnsafeBufferPointer { textBuffer in
                    let shared = NearDuplicateShared(
                        values: valueBuffer.baseAddress! + first * p, empty: emptyBuffer.baseAddress! + first,
                        texts: textBuffer)
                    let work = { @Sendable (part: Int) in
                        let lower = shared.texts.count * part / parts, upper = shared.texts.count * (part + 1) / parts
                        var shingler = NearDuplicateShingler()
                        var shingles: [UInt64] = []
                        a.withUnsafeBufferPointer { a in
                            b.withUnsafeBufferPointer { b in
                                for row in lower..<upper {
                                    shingler.tokenize(shared.texts[row])
                                    shared.empty[row] = shingler.words.isEmpty
                                    Self.minHash(shingler, size: size, a: a, b: b, shingles: &shingles, into: shared.values + row * a.count)
                                }
                            }
                        }
                    }
                    if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
                }
            }
        }
    }

    /// Appends one row's signature, computed elsewhere with the same family.
    mutating func append(_ signature: NearDuplicateSignature) {
        values.append(contentsOf: signature.values)
        isEmpty.append(signature.isEmpty)
    }

    /// Lowers `signature[p]` to the minimum over the text's shingles of permutation p.
    ///
    /// The shingles' hashes are gathered first (`shingles` is the caller's scratch buffer) and
    /// handed to `winnow_minhash`, a C loop compiled for AVX-512, AVX2 and the baseline and
    /// picked by CPU: with the shingles in an array it keeps a block of minima in registers for
    /// the whole row instead of loading and storing all 128 values per shingle, and the wide
    /// units have the 64-bit multiply and 32-bit minimum the baseline lacks. The values are
    /// exactly `minHashReference`'s (a test holds them together).
    @inline(__always)
    static func minHash(
        _ shingler: NearDuplicateShingler, size: Int, a: UnsafeBufferPointer<UInt64>, b: UnsafeBufferPointer<UInt64>,
        shingles: inout [UInt64], into signature: UnsafeMutablePointer<UInt32>
    ) {
        shingles.removeAll(keepingCapacity: true)
        shingler.forEachShingle(size: size) { shingles.append($0) }
        guard !shingles.isEmpty else { return }
        shingles.withUnsafeBufferPointer { x in
            signature.withMemoryRebound(to: Int32.self, capacity: a.count) { out in
                winnow_minhash(x.baseAddress!, x.count, a.baseAddress!, b.baseAddress!, a.count, out)
            }
        }
    }

    /// The family written out one value at a time: what `winnow_minhash` must compute.
    static func minHashReference(
        shingles: [UInt64], a: [UInt64], b: [UInt64], into signature: inout [UInt32]
    ) {
        for shingle in shingles {
            let x = UInt64(UInt32(truncatingIfNeeded: shingle))
            for k in a.indices {
                let value = Int32(truncatingIfNeeded: (a[k] &* x &+ b[k]) >> 32)
                signature[k] = UInt32(bitPattern: min(Int32(bitPattern: signature[k]), value))
            }
        }
    }

    /// A row's signature (for tests and for callers comparing two rows).
    func signature(_ row: Int) -> ArraySlice<UInt32> {
        values[(row * permutations)..<((row + 1) * permutations)]
    }

    /// How many positions of two rows' signatures agree; divided by `permutations` this is
    /// the estimated Jaccard similarity. Kept as a count so comparisons are exact integers.
    func agreement(_ i: Int, _ j: Int) -> Int {
        values.withUnsafeBufferPointer { Self.agreement($0.baseAddress! + i * permutations, $0.baseAddress! + j * permutations, permutations) }
    }

    @inline(__always)
    static func agreement(_ x: UnsafePointer<UInt32>, _ y: UnsafePointer<UInt32>, _ count: Int) -> Int {
        var same = 0
        for k in 0..<count where x[k] == y[k] { same += 1 }
        return same
    }

    /// SplitMix64: a tiny, well-mixed generator for the permutation coefficients.
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The buffers the workers of one batch share; each worker writes only its own rows.
struct NearDuplicateShared: @unchecked Sendable {
    let values: UnsafeMutablePointer<UInt32>
    let empty: UnsafeMutablePointer<Bool>
    let texts: UnsafeBufferPointer<String>
}
