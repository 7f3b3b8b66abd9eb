import Crypto
import Foundation
import WinnowCore
import Workspace

/// Where each row stands in the queue, from the config: critical slices first by priority,
/// then the pseudo-random order hash(seed, row id) — never file order, which would review one
/// generator before the others. The same hash decides the review sample of non-critical slices
/// (key < rate) and which critical rows go to a second reviewer, so samples are stable across
/// restarts, reviewers and re-imports, and do not depend on which rows arrived first.
struct QueuePlan {
    let config: WorkspaceConfig
    private let seed: [UInt8]
    /// What placing a row needs of its slice, looked up once per slice rather than per row
    /// (a million look-ups through the config's list of slices cost a tenth of a plan).
    private let slices: [String: Rule]
    private let unconfigured: Rule
    private let overlapShare: Double

    private struct Rule {
        var rank: Int
        var critical: Bool
        var rate: Double
    }

    init(config: WorkspaceConfig) {
        self.config = config
        seed = Array(config.seed.utf8) + [0]
        overlapShare = config.review.overlapShare
        unconfigured = Rule(rank: Int.max / 4, critical: false, rate: config.slice(named: "general")?.reviewRate ?? 0.05)
        var slices: [String: Rule] = [:]
        for slice in config.slices where slices[slice.name] == nil {
            slices[slice.name] = Rule(rank: slice.priority, critical: slice.critical, rate: slice.reviewRate)
        }
        self.slices = slices
    }

    /// A fingerprint of the settings the plan depends on; the plan is rebuilt when it changes.
    var fingerprint: String {
        let slices = config.slices.map { "\($0.name):\($0.priority):\($0.critical):\($0.reviewRate)" }.joined(separator: ",")
        let policies = flagPolicies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return ContentHash.hex(Array("\(config.seed)|\(config.review.overlapShare)|\(slices)|\(policies)".utf8))
    }

    /// `[gates.on_flag]` as the index stores it: gate → policy, for the gates not on review.
    var flagPolicies: [String: String] {
        config.gates.onFlag.filter { $0.value != .review }.mapValues(\.rawValue)
    }

    /// Three independent draws in [0, 1) from one SHA-256 of (seed, id): the sample, the
    /// overlap and the order each read their own 8 bytes of the digest, so planning a million
    /// rows costs one hash per row, and none of the three depends on the others.
    static func draws(seed: String, id: String) -> (sample: Double, overlap: Double, order: Double) {
        var id = id
        return id.withUTF8 { draws(seed: Array(seed.utf8) + [0], id: UnsafeRawBufferPointer($0)) }
    }

    /// `draws` from the id's bytes and the seed's bytes with the 0 that separates them.
    static func draws(seed: [UInt8], id: UnsafeRawBufferPointer) -> (sample: Double, overlap: Double, order: Double) {
        var hasher = SHA256()
        seed.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: id)
        return hasher.finalize().withUnsafeBytes { digest in
            func unit(_ offset: Int) -> Double {
                var value: UInt64 = 0
                for byte in digest[offset..<(offset + 8)] { value = value << 8 | UInt64(byte) }
                return Double(value >> 11) / Double(1 << 53)
            }
            return (unit(0), unit(8), unit(16))
        }
    }

    func entry(id: String, slice: String?) -> (rank: Int, sampled: Bool, overlap: Bool, key: Int64) {
        var id = id
        return id.withUTF8 { entry(id: UnsafeRawBufferPointer($0), slice: slice) }
    }

    func entry(id: UnsafeRawBufferPointer, slice: String?) -> (rank: Int, sampled: Bool, overlap: Bool, key: Int64) {
        let rule = slice.flatMap { slices[$0] } ?? unconfigured
        let draw = Self.draws(seed: seed, id: id)
        let sampled = rule.critical || draw.sample < rule.rate
        let overlap = rule.critical && draw.overlap < overlapShare
        // A 62-bit ordering key (SQLite integers are signed).
        return (rule.rank, sampled, overlap, Int64(draw.order * Double(Int64.max / 2)))
    }

    /// A row's place as it is now: a flagged row goes to a reviewer whether or not the sample
    /// drew it; a decided row is closed here and given the full rule by the index.
    func place(_ row: RowIndex.UnplannedRow) -> RowIndex.QueuePlace {
        let e = entry(id: row.id, slice: row.slice)
        return .init(rank: e.rank, sampled: e.sampled, overlap: e.overlap, key: e.key, flagged: row.flagged,
                     open: (e.sampled || row.flagged) && row.pending)
    }

    /// Places every row the queue has not seen, or all of them when the settings changed.
    /// Looks first and writes only when there is something to plan: a command that only reads
    /// then never writes the index (see RowIndex+ReadOnly), and needs no write lock either.
    func refresh(_ index: RowIndex) throws {
        guard let build = try QueuePlanBuild(plan: self, index: index) else { return }
        while try !build.step(rows: QueuePlanBuild.wholeBatch) {}
    }
}
