import Foundation

/// Near duplicates of rows added to a corpus the gate has already seen, without the existing
/// rows' signatures (512 bytes a row) or texts: they are known by their band keys (4 bytes per
/// band, kept from earlier runs), and only the few that share a band with a new row get their
/// signature computed again, from their text, to verify the candidate.
///
/// The pairs are the ones a whole run over old and new rows would find with a new row in them:
/// the same buckets (rows whose band hashes agree), the same order inside a bucket (by
/// position), the same limits on large buckets (compare with the first `bucketComparisons`
/// members, stop at `enoughPartners` when the bucket is large) and the same verification. Two
/// differences, both at the margins: pairs between existing rows are not revisited (a bucket
/// that grows past the large-bucket limit keeps the pairs its first rows already had), and
/// buckets are matched on 32 bits of the band hash, where a whole run uses the bits its row
/// numbers leave free (a chance merge of two buckets, which verification rejects either way).
public struct NearDuplicateIncrement {
    var detector: NearDuplicateDetector
    let positions: [Int64]
    /// Per band, the buckets new rows fall in: band key -> existing members, in order.
    var buckets: [[UInt32: [Int64]]]
    /// Per band, band key -> the new rows in it (by index in `detector`), in order.
    var newMembers: [[UInt32: [Int]]]

    /// A verified pair by the rows' positions (row numbers), first < second.
    public struct Pair: Sendable, Equatable, Comparable {
        public var first: Int64
        public var second: Int64
        public var agreement: Int

        public static func < (a: Pair, b: Pair) -> Bool { (a.first, a.second) < (b.first, b.second) }
    }

    /// The band keys of the detector's rows `range` (in the order added): 4 bytes per band,
    /// little-endian, nil for a row without words (it is never a candidate).
    public static func bandKeyBytes(_ detector: inout NearDuplicateDetector, rows range: Range<Int>) -> [[UInt8]?] {
        detector.flush()
        let signatures = detector.signatures, banding = detector.banding, seed = detector.options.seed
        let seeds = (0..<banding.bands).map { NearDuplicateDetector.bandSeed(seed, $0) }
        var result: [[UInt8]?] = []
        result.reserveCapacity(range.count)
        signatures.values.withUnsafeBufferPointer { values in
            for row in range {
                guard !signatures.isEmpty[row] else {
                    result.append(nil)
                    continue
                }
                var bytes = [UInt8](repeating: 0, count: banding.bands * 4)
                for band in 0..<banding.bands {
                    let h = NearDuplicateDetector.bandHash(
                        values.baseAddress! + row * signatures.permutations + band * banding.rows, rows: banding.rows,
                        bandSeed: seeds[band])
                    let key = UInt32(truncatingIfNeeded: h >> 32)
                    for b in 0..<4 { bytes[band * 4 + b] = UInt8(truncatingIfNeeded: key >> (8 * b)) }
                }
                result.append(bytes)
            }
        }
        return result
    }

    static func key(_ bytes: [UInt8], band: Int) -> UInt32 {
        var key: UInt32 = 0
        for b in 0..<4 { key |= UInt32(bytes[band * 4 + b]) << (8 * b) }
        return key
    }

    /// Starts an increment: `detector` holds the new rows (in order, at `positions`, all after
    /// every existing row). Then `visit` every existing row, then ask for the `pairs`.
    public init(new detector: NearDuplicateDetector, positions: [Int64]) {
        precondition(positions.count == detector.count, "one position per new row")
        self.detector = detector
        self.positions = positions
        let bands = detector.banding.bands
        buckets = Array(repeating: [:], count: bands)
        newMembers = Array(repeating: [:], count: bands)
        for (row, keys) in Self.bandKeyBytes(&self.detector, rows: 0..<detector.count).enumerated() {
            guard let keys else { continue }
            for band in 0..<bands {
                let k = Self.key(keys, band: band)
                newMembers[band][k, default: []].append(row)
                buckets[band][k] = []
            }
        }
    }

    /// An existing row, in order: its position and band keys (nil for a row without words).
    public mutating func visit(position: Int64, bandKeys keys: UnsafeRawBufferPointer?) {
        guard let keys, keys.count == buckets.count * 4 else { return }
        for band in 0..<buckets.count {
            let k = keys.loadUnaligned(fromByteOffset: band * 4, as: UInt32.self).littleEndian
            if buckets[band][k] != nil { buckets[band][k]!.append(position) }
        }
    }

    /// Verified pairs with at least one new row. `texts` gives the compared text (see
    /// `NearDuplicateDetector.comparedText`) of the existing rows that are candidates.
    public mutating func pairs(texts: ([Int64]) throws -> [Int64: String]) throws -> [Pair] {
        let bands = buckets.count
        // Existing rows a new row is compared with: the first members of each bucket.
        var needed = Set<Int64>()
        for band in 0..<bands {
            for (_, members) in buckets[band] { needed.formUnion(members.prefix(NearDuplicateDetector.bucketComparisons)) }
        }
        let order = needed.sorted()
        let found = try texts(order)
        var known = NearDuplicateDetector(options: detector.options)
        var slot: [Int64: Int] = [:]
        for position in order {
            guard let text = found[position] else { continue }
            slot[position] = known.count
            known.add(id: String(position), text: text)
        }
        known.flush()
        detector.flush()

        let minAgreement = detector.options.verifyCandidates ? NearDuplicateDetector.minimumAgreement(detector.options) : 0
        let p = detector.options.permutations
        var pairs: [Pair] = []
        detector.signatures.values.withUnsafeBufferPointer { newValues in
            known.signatures.values.withUnsafeBufferPointer { oldValues in
                for band in 0..<bands {
                    for (k, fresh) in newMembers[band] {
                        let old = buckets[band][k] ?? []
                        let large = old.count + fresh.count > NearDuplicateDetector.bucketComparisons
                        for (offset, row) in fresh.enumerated() {
                            let index = old.count + offset  // this row's place in the bucket
                            let second = newValues.baseAddress! + row * p
                            var partners = 0
                            for i in 0..<min(index, NearDuplicateDetector.bucketComparisons) {
                                let first: UnsafePointer<UInt32>, firstPosition: Int64
                                if i < old.count {
                                    guard let s = slot[old[i]] else { continue }
                                    first = oldValues.baseAddress! + s * p
                                    firstPosition = old[i]
                                } else {
                                    first = newValues.baseAddress! + fresh[i - old.count] * p
                                    firstPosition = positions[fresh[i - old.count]]
                                }
                                let same = NearDuplicateSignatures.agreement(first, second, p)
                                if same >= minAgreement {
                                    pairs.append(Pair(first: firstPosition, second: positions[row], agreement: same))
                                    partners += 1
                                    if large && partners == NearDuplicateDetector.enoughPartners { break }
                                }
                            }
                        }
                    }
                }
            }
        }
        pairs.sort()
        var distinct: [Pair] = []
        for pair in pairs where distinct.last.map({ $0.first != pair.first || $0.second != pair.second }) ?? true {
            distinct.append(pair)
        }
        return distinct
    }
}
