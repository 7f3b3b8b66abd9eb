import Foundation
import GRDB
import ProvenanceLog
import WinnowCore
import Workspace

/// How an eligible row earned its place; the report's composition columns.
public enum MixKind: String, Sendable, CaseIterable {
    case human
    case accepted = "synthetic-accepted"
    case edited = "synthetic-edited"
    case trusted = "synthetic-unreviewed-trusted"

    public var isHuman: Bool { self == .human }
}

/// One eligible row: where its bytes are, what it counts as, and its two draws from
/// hash(seed, row id) (selection order and output order).
struct MixCandidate {
    var n: Int64
    var id: String
    var slice: Int32
    var kind: MixKind
    var source: Int32
    var offset: Int64
    var length: Int32
    var shape: RowShape
    var generator: String?
    var template: String?
    var seed: String?
    var copies: Int
    /// Near-duplicate cluster name, if the gate put the row in one (train/eval split).
    var cluster: String?
}

/// The rows a mix may draw from, and every row it may not with the reason, read from the index
/// (which is the log replayed). Eligible: human rows; synthetic rows accepted or edited (the edit
/// replaces the row); unreviewed synthetic rows of non-critical slices whose slice and generator
/// the sampled review trusts. Never: rejected, gate-rejected, contaminated, retracted, waiting
/// for adjudication or an expert.
struct MixPool {
    var rows: [MixCandidate] = []
    var excluded: [String: Int] = [:]
    var sliceNames: [String] = []
    var critical: [Bool] = []
    /// Index `sources.id` → (sha, file).
    var sources: [Int32: (sha: String, file: String)] = [:]
    /// Edited rows: the new row and who edited it, by row number.
    var edits: [Int64: (row: JSONValue, reviewer: String, seq: Int)] = [:]
    var trust: MixTrust

    static func load(index: RowIndex, config: WorkspaceConfig, spec: MixSpec, logPath: String, displayLog: String) throws -> MixPool {
        let trust = try MixTrust.measure(index: index, config: config, threshold: spec.unreviewedMaxRejectRate)
        var pool = MixPool(trust: trust)
        var sliceIndex: [String: Int32] = [:]
        func slice(_ name: String) -> Int32 {
            if let known = sliceIndex[name] { return known }
            let i = Int32(pool.sliceNames.count)
            sliceIndex[name] = i
            pool.sliceNames.append(name)
            pool.critical.append(config.slice(named: name)?.critical ?? false)
            return i
        }
        let weighting = try MixWeighting(spec: spec, index: index)
        try index.read { db in
            for s in try Row.fetchAll(db, sql: "SELECT id, sha, file FROM sources") {
                pool.sources[Int32(s["id"] as Int64)] = (s["sha"], s["file"])
            }
            let contaminated = Set(try Int64.fetchAll(db, sql: "SELECT n FROM flags WHERE gate = 'contamination' AND action IN ('reject', 'flag')"))
            var clusters: [Int64: String] = [:]
            if spec.evalFraction != nil {
                for r in try Row.fetchAll(db, sql: "SELECT n, json_extract(detail, '$.matches[0].cluster') AS c FROM flags WHERE gate = 'near-duplicate'") {
                    if let c = r["c"] as String? { clusters[r["n"]] = c }
                }
            }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT n, id, source, offset, length, shape, origin, generator, slice, state, template, seed FROM rows ORDER BY n
                """)
            while let r = try cursor.next() {
                let n: Int64 = r[0], state: String = r[9], origin: String = r[6]
                let sliceName: String = r[8] ?? "(none)"
                let generator: String? = r[7]
                if contaminated.contains(n) { pool.excluded["contaminated", default: 0] += 1; continue }
                let kind: MixKind
                switch (origin, state) {
                case (_, "rejected"): pool.excluded["rejected by a reviewer", default: 0] += 1; continue
                case (_, "gate-rejected"): pool.excluded["rejected by a gate", default: 0] += 1; continue
                case (_, "retracted"): pool.excluded["retracted (rollback)", default: 0] += 1; continue
                case (_, "adjudication"): pool.excluded["reviewers disagree, not adjudicated", default: 0] += 1; continue
                case (_, "flagged"): pool.excluded["flagged for an expert", default: 0] += 1; continue
                case ("human", _): kind = .human
                case ("synthetic", "accepted"): kind = .accepted
                case ("synthetic", "edited"): kind = .edited
                case ("synthetic", "pending"):
                    if let reason = trust.distrust(slice: sliceName, critical: config.slice(named: sliceName)?.critical ?? false,
                                                   generator: generator) {
                        pool.excluded[reason, default: 0] += 1
                        continue
                    }
                    kind = .trusted
                case ("synthetic", _): pool.excluded["synthetic, state \(state)", default: 0] += 1; continue
                default: pool.excluded["origin unknown (neither human nor synthetic)", default: 0] += 1; continue
                }
                let id: String = r[1], source = Int32(r[2] as Int64)
                let copies = weighting.copies(id: id, origin: origin, source: source, seed: spec.seed)
                if copies == 0 { pool.excluded["weight 0 in the spec", default: 0] += 1; continue }
                let shape = RowShape(rawValue: r[5]) ?? .chat
                guard spec.format.accepts(shape) else {
                    pool.excluded["\(shape.rawValue) rows have no \(spec.format.rawValue) form", default: 0] += 1
                    continue
                }
                pool.rows.append(MixCandidate(
                    n: n, id: id, slice: slice(sliceName), kind: kind, source: source, offset: r[3],
                    length: Int32(r[4] as Int64), shape: shape, generator: generator, template: r[10], seed: r[11],
                    copies: copies, cluster: clusters[n]))
            }
        }
        pool.edits = try Self.edits(index: index, logPath: logPath, displayLog: displayLog)
        return pool
    }

    /// The standing edit of each edited row (the latest), read back from the log: the index
    /// keeps which decision stands, the log keeps the new row.
    static func edits(index: RowIndex, logPath: String, displayLog: String) throws -> [Int64: (row: JSONValue, reviewer: String, seq: Int)] {
        let wanted = try index.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.n, MAX(d.seq) AS seq FROM decisions d JOIN rows r ON r.n = d.n
                WHERE d.standing = 1 AND d.action = 'edit' AND r.state = 'edited' GROUP BY d.n
                """)
        }
        guard !wanted.isEmpty else { return [:] }
        var bySeq: [Int: Int64] = [:]
        for w in wanted { bySeq[w["seq"]] = w["n"] }
        var result: [Int64: (row: JSONValue, reviewer: String, seq: Int)] = [:]
        let reader = try LogReader(path: logPath, displayPath: displayLog)
        while let entry = try reader.next() {
            guard let n = bySeq[entry.seq] else { continue }
            let payload = try entry.payload(DecisionPayload.self)
            if let newRow = payload.newRow { result[n] = (newRow, entry.actor.user, entry.seq) }
            if result.count == bySeq.count { break }
        }
        return result
    }
}

/// Copies per row from the spec's weights, capped by `max_repeats`.
struct MixWeighting {
    let origins: [String: Double]
    let sources: [Int32: Double]
    let maxRepeats: Int

    init(spec: MixSpec, index: RowIndex) throws {
        var origins: [String: Double] = [:]
        for (origin, weight) in spec.weights.origins { origins[origin.rawValue] = weight }
        self.origins = origins
        maxRepeats = spec.weights.maxRepeats
        let known = try index.read { db in try Row.fetchAll(db, sql: "SELECT id, sha, file FROM sources") }
        var sources: [Int32: Double] = [:]
        for (key, weight) in spec.weights.sources {
            let matches = known.filter { s in
                let sha: String = s["sha"], file: String = s["file"]
                return (key.count >= 8 && sha.hasPrefix(key)) || file == key || (file as NSString).lastPathComponent == key
            }
            guard !matches.isEmpty else {
                throw MixError.spec(spec.weights.sourceLocations[key] ?? SourceLocation(file: spec.path),
                                    "[weights.source] \"\(key)\" names no imported source (give a file name or 8+ hex digits of its SHA-256)")
            }
            for m in matches { sources[Int32(m["id"] as Int64)] = weight }
        }
        self.sources = sources
    }

    func copies(id: String, origin: String, source: Int32, seed: String) -> Int {
        let weight = (origins[origin] ?? 1) * (sources[source] ?? 1)
        if weight == 1 { return 1 }
        let whole = Int(weight.rounded(.down))
        let extra = MixHash.unit(seed: seed, id: id, salt: "weight") < weight - Double(whole) ? 1 : 0
        return min(maxRepeats, whole + extra)
    }
}
