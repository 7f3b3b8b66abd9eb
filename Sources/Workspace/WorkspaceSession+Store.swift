import Foundation
import PostgresStore
import ProvenanceLog

/// What the PostgreSQL store says about a claim this box wants (see `ServerClaims`).
public enum StoreClaim: Sendable, Equatable {
    case granted(seconds: Double)
    case heldByAnother(reviewer: String, uid: Int, seconds: Double)
}

/// A row the store granted this process (`WorkspaceSession.claimFirstOnStore`), not yet claimed
/// in this box's index (`claimGrantedRow`).
public struct StoreGrant: Sendable {
    public var id: String
    /// Seconds its lease has left, by the server's clock.
    public var seconds: Double
    /// The rows other roles hold, listed beside the grant: written down with the claim.
    let others: [HeldClaim]
}

/// The review queue's side of a store: claims by the server's clock, and this box brought up to
/// date with what other boxes logged. In a file workspace there is nothing to ask (the index's
/// claims, shared by every process on the box, are the whole truth): each returns nil or 0.
extension WorkspaceSession {
    /// Asks the store for `id` on behalf of this process (`holder`); nil in a file workspace.
    /// `now` is the queue's clock, from which the notes of other roles' claims run.
    public func claimOnStore(_ id: String, holder: String, seconds: TimeInterval, anyProcess: Bool = false, now: Double) throws -> StoreClaim? {
        guard let store else { return nil }
        switch try store.claims.claim(id, holder: holder, seconds: max(1, Int(seconds.rounded(.up))), anyProcess: anyProcess) {
        case .granted(let seconds):
            return .granted(seconds: seconds)
        case let .heldByAnother(role, uid, seconds, others):
            // The other rows on other screens, written down at once: the queue passes over
            // them without asking the store about each (the row asked for is the caller's to note).
            try noteHeldElsewhere(others, now: now)
            return .heldByAnother(reviewer: role, uid: uid, seconds: seconds)
        }
    }

    /// Asks the store for the first free row of `ids` (a box's next few, in its order) for this
    /// process: the row granted, not yet claimed in this box's index (`claimGrantedRow` does
    /// that); nil when every one is held, and then the rows other roles hold, which the store
    /// lists, are written down here as `claimOnStore` does (from `now`, the queue's clock). Only
    /// on a store (nil in a file workspace: nothing to ask).
    public func claimFirstOnStore(_ ids: [String], holder: String, seconds: TimeInterval, now: Double) throws -> StoreGrant? {
        guard let store else { return nil }
        let answer = try store.claims.claimFirst(ids, holder: holder, seconds: max(1, Int(seconds.rounded(.up))))
        guard let granted = answer.granted else {
            try noteHeldElsewhere(answer.others, now: now)
            return nil
        }
        return StoreGrant(id: granted.row, seconds: granted.seconds, others: answer.others)
    }

    /// Claims in this box's index a row the store granted (`claimFirstOnStore`) if it is still
    /// one `next` would serve `claimant`; nil when it is not (decided on another box, or taken
    /// on this one, meanwhile). The store's claim stays the caller's to give back.
    ///
    /// The store is asked for what other boxes logged after the grant, so a decision that gave
    /// the row back before it is among them. The entries' apply, the rows the store said other
    /// roles hold and the claim are then one write transaction of this box's index, which its
    /// other reviewers share: written one by one (four transactions, then two reads to check the
    /// row again) they were the steps of a served row most often stuck behind a neighbour's.
    public func claimGrantedRow(
        _ grant: StoreGrant, for claimant: QueueClaimant, slice: SliceFilter?, adjudication: Bool, now: Double, expires: Double
    ) throws -> ClaimedRow? {
        try store?.catchUp()
        let others = Self.notes(of: grant.others, now: now)
        return try catchUp { db in
            try RowIndex.recordClaims(others, now: now, in: db)
            return try RowIndex.claimIfServable(
                id: grant.id, for: claimant, slice: slice, adjudication: adjudication, now: now, expires: expires,
                grantedByStore: true, in: db)
        }.result ?? nil
    }

    /// Writes down rows the store says other roles hold, keeping this box's own live claims.
    private func noteHeldElsewhere(_ others: [HeldClaim], now: Double) throws {
        try index.recordClaims(Self.notes(of: others, now: now), now: now)
    }

    /// Rows the store says other roles hold, as this box writes them down: holder `store:ROLE`,
    /// until their lease ends by the server's reckoning.
    private static func notes(of others: [HeldClaim], now: Double) -> [RowIndex.StoreHeldClaim] {
        others.map { (id: $0.row, uid: $0.uid, reviewer: $0.role, holder: "store:\($0.role)", expires: now + $0.seconds) }
    }

    /// Who else holds `id` in the store now (nil: nobody, or a file workspace). When nobody
    /// does, claims this box wrote down for other boxes (`recordClaim`) are stale and removed.
    public func otherHolderOnStore(_ id: String) throws -> String? {
        guard let store else { return nil }
        if let holder = try store.claims.otherHolder(of: id) { return holder }
        try index.forgetStoreClaims(onRow: id)
        return nil
    }

    /// Gives back this reviewer's claim on `id` in the store (by `holder`, or by any process of
    /// theirs when nil), or every claim of `holder` when `id` is nil.
    public func releaseOnStore(_ id: String?, holder: String?) throws {
        try store?.claims.release(id, holder: holder)
    }

    /// Copies into this box's replica what other boxes logged since, and applies it to the
    /// index; returns how many entries were applied (0 in a file workspace).
    @discardableResult
    public func catchUpWithStore() throws -> Int {
        guard let store else { return 0 }
        try store.catchUp()
        return try catchUp()
    }
}

extension WorkspaceSession {
    /// A file an entry pins (a source, a verdict file) that this box lacks, fetched from the
    /// store when there is one: the box that imported may be another. Its hash is checked on
    /// the way in (`ServerFiles.fetch`); a file the store lacks too is left for the replay to
    /// report missing, as in a file workspace.
    func fetchPinnedFile(_ sha: String, to path: String) throws {
        guard let store, !FileManager.default.fileExists(atPath: path) else { return }
        try WorkspaceCreator.makeDirectory((path as NSString).deletingLastPathComponent)
        _ = try store.files.fetch(sha, to: path)
    }
}

extension WorkspaceSession {
    /// Smaller sources are sent after their import, as any pinned file is: the head start
    /// would not pay for a second connection.
    static let uploadAheadFrom: Int64 = Int64(4 * ServerFiles.partSize)

    /// An import's source sent to the store while it is imported (`ServerFileUpload`), on a
    /// store, for a plain file big enough to matter. A gzip file's source is its decompressed
    /// content, whose hash is known only once the import has read it: sent afterwards.
    func uploadAhead(_ file: String) -> ServerFileUpload? {
        guard let store, let input = try? InputFile(path: file), !input.isGzip, input.fileSize >= Self.uploadAheadFrom else { return nil }
        return ServerFileUpload.start(file, to: store.server.connection.url)
    }
}

extension WorkspacePaths {
    /// The files an entry of this payload pins, which a store must hold before the entry: the
    /// import's (or reread's) source, a gate run's verdict file.
    func pinnedFiles(of payload: any LogPayload) -> [(sha: String, path: String)] {
        switch payload {
        case let imported as ImportPayload: return [(imported.source, source(imported.source))]
        case let reread as RereadPayload: return [(reread.read.source, source(reread.read.source))]
        case let run as GateRunPayload: return [(run.verdicts, verdictFile(run.verdicts))]
        default: return []
        }
    }
}
