import Foundation
import ProvenanceLog
import Testing
import WinnowCore
@testable import Workspace

/// The index's claim operations (RowIndex+Claims): which row is served first, what leaves a row
/// out, and that a claim is written, held, renewed and given back by the right key.
@Suite struct ClaimStoreTests {
    typealias Spec = QueueStoreFixture.Spec
    let me = QueueStoreFixture.claimant("here")

    func fixture() throws -> QueueStoreFixture {
        try QueueStoreFixture([
            Spec(id: "a", slice: "general", rank: 1, key: 5),
            Spec(id: "b", slice: "general", rank: 1, key: 9, flagged: true),
            Spec(id: "c", slice: "medical", rank: 0, key: 7),
            Spec(id: "d", slice: nil, rank: 2, key: 1, overlap: true),
            Spec(id: "e", slice: "general", rank: 0, key: 1, sampled: false),
        ])
    }

    /// Claims rows one after another until none is left, the way `next` serves them.
    func serveAll(_ f: QueueStoreFixture, _ claimant: QueueClaimant, slice: SliceFilter? = nil,
                  excluding: Set<String> = []) throws -> [String] {
        var served: [String] = []
        while let claimed = try f.index.claimFirstServable(for: claimant, slice: slice, adjudication: false, excluding: excluding,
                                                           now: 100, expires: 200, servableNow: { _ in true }) {
            served.append(claimed.row.id)
        }
        return served
    }

    @Test func servesOpenRowsByRankThenFlaggedThenKey() throws {
        let f = try fixture()
        #expect(try serveAll(f, me) == ["c", "b", "a", "d"], "rank 0 first; in rank 1 the flagged row before the lower key; e is not open")
    }

    @Test func sliceHiddenAndExcludedRowsAreLeftOut() throws {
        #expect(try serveAll(try fixture(), me, slice: .named("general")) == ["b", "a"])
        #expect(try serveAll(try fixture(), me, slice: .unsliced) == ["d"])
        #expect(try serveAll(try fixture(), QueueStoreFixture.claimant("here", hidden: ["medical"])) == ["b", "a", "d"],
                "a hidden slice is left out, a row without a slice never is")
        #expect(try serveAll(try fixture(), me, excluding: ["b", "d"]) == ["c", "a"])
    }

    @Test func theClaimSaysWhatTheQueueKnowsOfTheRow() throws {
        let f = try fixture()
        var seen: [QueuePosition] = []
        let first = try #require(try f.index.claimFirstServable(
            for: me, slice: .named("general"), adjudication: false, excluding: [], now: 100, expires: 200) { seen.append($0); return true })
        #expect(first.row.id == "b" && first.flagged && !first.overlap)
        #expect(seen == [QueuePosition(rank: 1, flagged: true, overlap: false, key: 9)])
        let unsliced = try #require(try f.index.claimFirstServable(
            for: me, slice: .unsliced, adjudication: false, excluding: [], now: 100, expires: 200) { _ in true })
        #expect(unsliced.row.id == "d" && unsliced.overlap && !unsliced.flagged)
    }

    /// The candidates a box offers a store are the rows `claimFirstServable` would serve, in its
    /// order, none claimed, only up to the first row not servable yet, leaving out rows held
    /// here (a lease that ran out does not count).
    @Test func candidatesAreTheServingOrderUnclaimed() throws {
        let f = try fixture()
        let all = try f.index.servableCandidates(for: me, slice: nil, adjudication: false, excluding: [], now: 100, limit: 16) { _ in true }
        #expect(all == ["c", "b", "a", "d"])
        #expect(try serveAll(f, me) == all, "offering claimed nothing")
        let g = try fixture()
        _ = try #require(try g.index.claim(id: "b", for: QueueStoreFixture.claimant("there", uid: me.uid + 1), now: 100, expires: 200) { _ in true })
        try g.index.recordClaim(onRow: "a", uid: 77, reviewer: "zoe", holder: "store:zoe", expires: 120)
        #expect(try g.index.servableCandidates(for: me, slice: nil, adjudication: false, excluding: ["d"], now: 100, limit: 16) { _ in true } == ["c"])
        #expect(try g.index.servableCandidates(for: me, slice: nil, adjudication: false, excluding: [], now: 130, limit: 2) { _ in true } == ["c", "a"],
                "zoe's lease ran out by 130")
        #expect(try g.index.servableCandidates(for: me, slice: nil, adjudication: false, excluding: [], now: 100, limit: 16) { $0.rank == 0 } == ["c"],
                "only up to the first row a plan being built has not placed")
    }

    /// A row a store just granted is claimed here even when this box noted a moment before,
    /// from a list the store gave another role, that another box holds it; without the grant
    /// such a note keeps the row from this box.
    @Test func aStoresGrantOverridesAStaleNoteOfAnotherBox() throws {
        let f = try fixture()
        try f.index.recordClaim(onRow: "a", uid: 77, reviewer: "zoe", holder: "store:zoe", expires: 500)
        #expect(try f.index.claimIfServable(id: "a", for: me, slice: nil, adjudication: false, now: 100, expires: 200) == nil)
        let claimed = try f.index.claimIfServable(id: "a", for: me, slice: nil, adjudication: false, now: 100, expires: 200, grantedByStore: true)
        #expect(claimed?.row.id == "a")
        #expect(try f.index.holdsLiveClaim(onRow: "a", uid: me.uid, now: 150))
    }

    @Test func aRowNotServableNowIsNotClaimed() throws {
        let f = try fixture()
        #expect(try f.index.claimFirstServable(for: me, slice: nil, adjudication: false, excluding: [],
                                               now: 100, expires: 200) { _ in false } == nil)
        #expect(try !f.index.holdsLiveClaim(onRow: "c", uid: me.uid, now: 100))
        #expect(try serveAll(f, me).first == "c")
    }

    @Test func aClaimIsHeldRenewedAndGivenBackByHolderOrReviewer() throws {
        let f = try fixture()
        let other = QueueStoreFixture.claimant("there", uid: me.uid + 1)
        _ = try #require(try f.index.claim(id: "a", for: other, now: 100, expires: 200) { _ in true })
        #expect(try f.index.liveClaimHolder(ofRow: "a", otherThan: me.uid, now: 150) == other.reviewer)
        #expect(try f.index.liveClaimHolder(ofRow: "a", otherThan: other.uid, now: 150) == nil)
        #expect(try f.index.liveClaimHolder(ofRow: "a", otherThan: me.uid, now: 200) == nil, "a lease that ran out holds nothing")
        #expect(try f.index.holdsLiveClaim(onRow: "a", uid: other.uid, now: 150))
        #expect(try f.index.claim(id: "a", for: me, now: 150, expires: 250) { _ in true } == nil, "held by another process")
        #expect(try f.index.claimIfServable(id: "a", for: me, slice: nil, adjudication: false, now: 150, expires: 250) == nil)
        #expect(try !f.index.renewClaim(onRow: "a", holder: me.holder, expires: 300))
        #expect(try f.index.renewClaim(onRow: "a", holder: other.holder, expires: 300))
        #expect(try f.index.holdsLiveClaim(onRow: "a", uid: other.uid, now: 250), "renewed to 300")
        try f.index.releaseClaim(onRow: "a", holder: me.holder)
        #expect(try f.index.holdsLiveClaim(onRow: "a", uid: other.uid, now: 250), "another holder's release leaves it")
        try f.index.releaseClaim(onRow: "a", uid: other.uid)
        #expect(try !f.index.holdsLiveClaim(onRow: "a", uid: other.uid, now: 250))
        _ = try #require(try f.index.claim(id: "a", for: other, now: 100, expires: 200) { _ in true })
        _ = try #require(try f.index.claim(id: "c", for: other, now: 100, expires: 200) { _ in true })
        try f.index.releaseClaims(holder: other.holder)
        #expect(try serveAll(f, me) == ["c", "b", "a", "d"], "every claim of that process given back")
    }

    /// What a store listed when it refused a claim: rows on other roles' screens are noted and
    /// passed over; a live claim of a process on this box (another reviewer sharing the
    /// workspace) is kept, and a lapsed one or an older note is replaced.
    @Test func claimsAStoreListsAreNotedWithoutTakingThisBoxsLiveClaims() throws {
        let f = try fixture()
        let colleague = QueueStoreFixture.claimant("colleague", uid: me.uid + 1)
        _ = try #require(try f.index.claim(id: "a", for: colleague, now: 100, expires: 200) { _ in true })
        _ = try #require(try f.index.claim(id: "b", for: colleague, now: 100, expires: 120) { _ in true })
        try f.index.recordClaim(onRow: "d", uid: 77, reviewer: "zoe", holder: "store:zoe", expires: 130)
        try f.index.recordClaims([
            ("a", 42, "ben", "store:ben", 300), ("b", 42, "ben", "store:ben", 300),
            ("c", 42, "ben", "store:ben", 300), ("d", 42, "ben", "store:ben", 300), ("nope", 42, "ben", "store:ben", 300),
        ], now: 150)
        #expect(try f.index.liveClaimHolder(ofRow: "a", otherThan: me.uid, now: 160) == colleague.reviewer, "a live claim here is kept")
        #expect(try f.index.renewClaim(onRow: "a", holder: colleague.holder, expires: 400), "and its holder still renews it")
        for id in ["b", "c", "d"] {
            #expect(try f.index.liveClaimHolder(ofRow: id, otherThan: me.uid, now: 160) == "ben", "\(id): noted for ben")
        }
        #expect(try serveAll(f, me).isEmpty, "every open row is on someone's screen")
    }

    @Test func claimingByIdAsksTheCallerAndReadsTheQueueFlags() throws {
        let f = try fixture()
        var asked: [String] = []
        #expect(try f.index.claim(id: "b", for: me, now: 100, expires: 200) { asked.append($0.id); return false } == nil)
        #expect(asked == ["b"])
        #expect(try !f.index.holdsLiveClaim(onRow: "b", uid: me.uid, now: 100))
        let b = try #require(try f.index.claim(id: "b", for: me, now: 100, expires: 200) { _ in true })
        #expect(b.flagged && !b.overlap && b.row.id == "b")
        #expect(try f.index.claim(id: "nope", for: me, now: 100, expires: 200) { _ in true } == nil)
        #expect(try f.index.claimIfServable(id: "e", for: me, slice: nil, adjudication: false, now: 100, expires: 200) == nil,
                "not open: not servable")
        try f.decide("c", .accept)
        #expect(try f.index.claimIfServable(id: "c", for: me, slice: nil, adjudication: false, now: 100, expires: 200) == nil,
                "decided (and so closed)")
        let d = try #require(try f.index.claimIfServable(id: "d", for: me, slice: .unsliced, adjudication: false, now: 100, expires: 200))
        #expect(d.overlap && d.row.id == "d")
    }
}
