import WinnowCore

/// The exact-duplicate gate: a row whose content hash, or whose normalised text, was already
/// seen is a duplicate of the first row that had it.
///
/// The content hash (SHA-256 of canonical JSON) catches byte-for-byte re-imports and the same
/// row under reordered keys; the normalised text catches what the hash cannot: the same
/// conversation with different metadata (another generator run, a new seed id, a timestamp),
/// or differing only in case, whitespace and punctuation. Rows are fed in order; the first one
/// of a kind is kept without a finding and every later one is reported against it.
///
/// Memory is two 16-byte keys per distinct row plus the ids, so a million rows cost tens of MB:
/// content hashes are folded to 128 bits (still far beyond any chance collision) and texts to
/// a 128-bit hash of their normalised words, never stored as strings.
public struct ExactDuplicateDetector: Sendable {
    /// What a duplicate gets: reject by default, since a repeated row only re-weights the mix;
    /// a reviewer can still accept it.
    public var action: GateAction
    var ids: [String] = []
    var clusterOf: [Int32] = []
    var byHash: [Key: Int32] = [:]
    var byText: [Key: Int32] = [:]

    struct Key: Hashable {
        var high: UInt64
        var low: UInt64
    }

    public init(action: GateAction = .reject) {
        self.action = action
    }

    /// Rows seen so far.
    public var count: Int { ids.count }

    /// Records a row and returns its finding if it repeats an earlier one: gate
    /// "exact-duplicate", reason "duplicate", detail `first` (the earliest row it repeats),
    /// `cluster` (the id of the cluster's first row) and `match` ("content-hash" or "text").
    /// `contentHash` is the row's SHA-256 in hex (any other non-empty string works too, compared
    /// as given); `text` is the row's full text.
    public mutating func add(id: String, contentHash: String, text: String) -> GateFinding? {
        add(id: id, keys: RowKeys(contentHash: contentHash, text: text))
    }

    /// `add` with the row's keys computed beforehand (on another thread, or kept from an
    /// earlier run): the same finding.
    public mutating func add(id: String, keys: RowKeys) -> GateFinding? {
        let index = Int32(ids.count)
        ids.append(id)
        let byHashFirst = keys.hash.flatMap { Self.first(in: &byHash, of: $0, else: index) }
        let byTextFirst = keys.text.flatMap { Self.first(in: &byText, of: $0, else: index) }
        guard let first = Self.earlier(byHashFirst, byTextFirst) else {
            clusterOf.append(index)
            return nil
        }
        let cluster = clusterOf[Int(first)]
        clusterOf.append(cluster)
        return GateFinding(
            gate: "exact-duplicate", reason: "duplicate", action: action,
            detail: [
                ("first", .string(ids[Int(first)])),
                ("cluster", .string(ids[Int(cluster)])),
                ("match", .string(byHashFirst == first ? "content-hash" : "text")),
            ])
    }

    /// The row `table` holds for `key`, or nil after recording `index` there: one hash and one
    /// probe (a look-up and then an insert hashed every key twice, a million rows' worth on the
    /// run's one thread). `index` is a new row's, so it is never already in the table.
    @inline(__always)
    static func first(in table: inout [Key: Int32], of key: Key, else index: Int32) -> Int32? {
        var seen: Int32?
        func visit(_ value: inout Int32) { if value != index { seen = value } }
        visit(&table[key, default: index])
        return seen
    }

    /// The smaller of two optional row numbers (nil when both are).
    @inline(__always)
    static func earlier(_ a: Int32?, _ b: Int32?) -> Int32? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    /// Findings for rows given in order, keyed by row id (rows without one are left out).
    public static func findings(
        for rows: [(id: String, contentHash: String, text: String)], action: GateAction = .reject
    ) -> [String: GateFinding] {
        var detector = ExactDuplicateDetector(action: action)
        var result: [String: GateFinding] = [:]
        for row in rows {
            if let finding = detector.add(id: row.id, contentHash: row.contentHash, text: row.text) {
                result[row.id] = finding
            }
        }
        return result
    }

    /// A 64-digit hex content hash folded to 128 bits (all 256 bits take part, so hashes that
    /// share a prefix still differ); other strings are hashed, so that any stable row key works.
    static func key(contentHash: String) -> Key? {
        guard !contentHash.isEmpty else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        var digits = 0
        for byte in contentHash.utf8 {
            guard digits < 64, let value = hexValue(byte) else { return wideHash(contentHash.utf8) }
            words[digits / 16] = words[digits / 16] << 4 | UInt64(value)
            digits += 1
        }
        guard digits == 64 else { return wideHash(contentHash.utf8) }
        return Key(high: words[0] ^ NearDuplicateShingler.fmix(words[2]), low: words[1] ^ NearDuplicateShingler.fmix(words[3]))
    }

    /// The normalised text's key: the same words (lowercased letters and digits, as the
    /// near-duplicate gate sees them) in the same order give the same key, so case, spacing,
    /// punctuation and segment breaks do not matter. Texts without a word have no key: two
    /// empty rows are not duplicates of each other by text (their hashes may still be).
    static func key(text: String) -> Key? {
        var key = TextKeyBuilder()
        NearDuplicateShingler.forEachWord(in: text) { hash, _ in key.add(hash) }
        return key.key
    }

    /// The same key from the text's word hashes, already read (see `NearDuplicateSigner`).
    static func key(wordHashes: [UInt64]) -> Key? {
        var key = TextKeyBuilder()
        for hash in wordHashes { key.add(hash) }
        return key.key
    }

    /// The text key folded a word hash at a time.
    struct TextKeyBuilder {
        var high: UInt64 = 0x243F_6A88_85A3_08D3, low: UInt64 = 0x1319_8A2E_0370_7344
        var words = 0

        @inline(__always)
        mutating func add(_ hash: UInt64) {
            high = NearDuplicateShingler.fmix(high ^ hash) &+ 0x9E37_79B9_7F4A_7C15
            low = NearDuplicateShingler.fmix((low &* 0xFF51_AFD7_ED55_8CCD) ^ ((hash << 17) | (hash >> 47)))
            words += 1
        }

        var key: Key? { words > 0 ? Key(high: high ^ UInt64(words), low: low) : nil }
    }

    static func wideHash(_ bytes: String.UTF8View) -> Key {
        var high = NearDuplicateShingler.fnvBasis, low: UInt64 = 0x8422_2325_CBF2_9CE4
        for byte in bytes {
            high = (high ^ UInt64(byte)) &* NearDuplicateShingler.fnvPrime
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37_79B9
        }
        return Key(high: NearDuplicateShingler.fmix(high), low: NearDuplicateShingler.fmix(low))
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x61...0x66: return byte - 0x61 + 10
        case 0x41...0x46: return byte - 0x41 + 10
        default: return nil
        }
    }
}
