import Foundation

extension NearDuplicateDetector {
    /// Two rows (by position, first < second) and how many signature positions they agree on.
    struct Pair: Comparable {
        var first: UInt32
        var second: UInt32
        var agreement: UInt16

        static func < (a: Pair, b: Pair) -> Bool {
            (a.first, a.second) < (b.first, b.second)
        }
    }

    /// In a bucket larger than this, each row is compared with the bucket's first
    /// `bucketComparisons` rows only, and stops at `enoughPartners` verified partners. A bucket
    /// of a hundred thousand copies of one short answer ("Yes.", with answer-only comparison)
    /// would otherwise cost billions of comparisons and keep tens of millions of pairs to learn
    /// what the first few already show: they are one cluster. Nearest neighbours inside such a
    /// bucket are then among its first rows. Buckets up to this size compare every pair.
    static let bucketComparisons = 48
    static let enoughPartners = 4

    /// Candidate pairs from LSH banding, each with its signature agreement; pairs below
    /// `minAgreement` are dropped (the verification step). Distinct pairs, sorted.
    ///
    /// Buckets are found by sorting, not by hashing into dictionaries: per band, each row's band
    /// hash and position are packed into one UInt64 (hash in the high bits, position in the low
    /// bits), the array is sorted and runs of equal hash are the buckets. That takes 8 bytes per
    /// row per band (8 MB at a million rows, one band per worker at a time) where a dictionary of
    /// arrays would take several times that, and it lists every bucket's members in position
    /// order, so the pairs do not depend on hash-table iteration order. Dropping the hash's low
    /// bits for the position only merges a few unrelated buckets by chance (about one at a
    /// million rows), which verification then rejects.
    static func candidatePairs(
        _ signatures: NearDuplicateSignatures, banding: NearDuplicateBanding, minAgreement: Int, seed: UInt64,
        parts: Int?
    ) -> [Pair] {
        let n = signatures.count
        guard n > 1 else { return [] }
        let indexBits = max(1, Int.bitWidth - (n - 1).leadingZeroBitCount)
        precondition(indexBits <= 32, "more than 2^32 rows")
        let slots = NearDuplicateSlots<[Pair]>(count: banding.bands)
        signatures.values.withUnsafeBufferPointer { values in
            signatures.isEmpty.withUnsafeBufferPointer { empty in
                let shared = NearDuplicateBandInput(values: values, empty: empty)
                let p = signatures.permutations
                let work = { @Sendable (band: Int) in
                    slots.set(band, bandPairs(
                        shared, band: band, rows: banding.rows, permutations: p, indexBits: indexBits,
                        minAgreement: minAgreement, seed: seed))
                }
                if parts == 1 || banding.bands == 1 {
                    for band in 0..<banding.bands { work(band) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: banding.bands, execute: work)
                }
            }
        }
        var all: [Pair] = []
        for band in 0..<banding.bands { all += slots.take(band) ?? [] }
        all.sort()
        var distinct: [Pair] = []
        distinct.reserveCapacity(all.count)
        for pair in all where distinct.last.map({ $0.first != pair.first || $0.second != pair.second }) ?? true {
            distinct.append(pair)
        }
        return distinct
    }

    /// The pairs of one band.
    static func bandPairs(
        _ input: NearDuplicateBandInput, band: Int, rows: Int, permutations: Int, indexBits: Int, minAgreement: Int,
        seed: UInt64
    ) -> [Pair] {
        let n = input.empty.count
        let indexMask: UInt64 = (1 << UInt64(indexBits)) - 1
        let base = input.values.baseAddress!
        var keys: [UInt64] = []
        keys.reserveCapacity(n)
        let bandSeed = Self.bandSeed(seed, band)
        for row in 0..<n where !input.empty[row] {
            let h = bandHash(base + row * permutations + band * rows, rows: rows, bandSeed: bandSeed)
            keys.append((h << UInt64(indexBits)) | UInt64(row))
        }
        sortBandKeys(&keys)
        var pairs: [Pair] = []
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] >> UInt64(indexBits) == keys[start] >> UInt64(indexBits) { end += 1 }
            if end - start > 1 {
                let large = end - start > bucketComparisons
                for j in (start + 1)..<end {
                    let second = Int(keys[j] & indexMask)
                    var partners = 0
                    for i in start..<min(j, start + bucketComparisons) {
                        let first = Int(keys[i] & indexMask)
                        let same = NearDuplicateSignatures.agreement(
                            base + first * permutations, base + second * permutations, permutations)
                        if same >= minAgreement {
                            pairs.append(Pair(first: UInt32(first), second: UInt32(second), agreement: UInt16(same)))
                            partners += 1
                            if large && partners == enoughPartners { break }
                        }
                    }
                }
            }
            start = end
        }
        return pairs
    }
}

extension NearDuplicateDetector {
    /// Sorts a band's keys: by their top 16 bits first (one counting pass, one scattering pass;
    /// those bits are the band hash's, evenly spread), then each bucket alone, by insertion when
    /// it is small. A comparison sort of a million keys per band was most of the clustering's
    /// time. A big bucket (rows that share a band: copies of one text) is sorted by the standard
    /// sort, so no input makes this quadratic. The keys are distinct (each ends in its row's
    /// position), so the order is the one `sort()` gives.
    static func sortBandKeys(_ keys: inout [UInt64]) {
        let n = keys.count
        guard n > 1 << 12 else {
            keys.sort()
            return
        }
        let bits = 16, shift = UInt64(64 - bits)
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        for key in keys { starts[Int(key >> shift) + 1] += 1 }
        for b in 0..<(1 << bits) { starts[b + 1] += starts[b] }
        var next = starts
        var sorted = [UInt64](repeating: 0, count: n)
        sorted.withUnsafeMutableBufferPointer { out in
            for key in keys {
                let b = Int(key >> shift)
                out[next[b]] = key
                next[b] += 1
            }
            for b in 0..<(1 << bits) {
                let lower = starts[b], upper = starts[b + 1]
                guard upper - lower > 1 else { continue }
                if upper - lower > 32 {
                    out[lower..<upper].sort()
                    continue
                }
                for i in (lower + 1)..<upper {
                    let key = out[i]
                    var j = i
                    while j > lower && out[j - 1] > key {
                        out[j] = out[j - 1]
                        j -= 1
                    }
                    out[j] = key
                }
            }
        }
        keys = sorted
    }

    static func bandSeed(_ seed: UInt64, _ band: Int) -> UInt64 {
        NearDuplicateShingler.fmix(seed ^ (UInt64(band) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The hash of one band of a signature (`rows` values from `values`); rows whose hashes
    /// agree in a band are candidates.
    @inline(__always)
    static func bandHash(_ values: UnsafePointer<UInt32>, rows: Int, bandSeed: UInt64) -> UInt64 {
        var h = bandSeed
        for k in 0..<rows {
            h = ((h << 29) | (h >> 35)) ^ UInt64(values[k])
            h = h &* 0xC4CE_B9FE_1A85_EC53
        }
        return NearDuplicateShingler.fmix(h)
    }
}

/// What the band workers read: the signatures and the empty-row flags.
struct NearDuplicateBandInput: @unchecked Sendable {
    let values: UnsafeBufferPointer<UInt32>
    let empty: UnsafeBufferPointer<Bool>
}

/// One result slot per worker, each written by its worker only and read after all have finished.
final class NearDuplicateSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    func take(_ index: Int) -> T? {
        lock.lock()
        defer { lock.unlock() }
        let value = slots[index]
        slots[index] = nil
        return value
    }
}
