import Foundation
import PostgresStore
import Testing
import TestSupport

/// Claims by the server's clock: one role's claim refuses another's, and a refusal lists the
/// other rows other roles hold now (live leases only, never the asker's own), so a box learns
/// every screen's row in one answer.
@Suite(.serialized) struct ServerClaimsTests {
    let cluster: PostgresCluster

    init() throws {
        cluster = try PostgresCluster()
        try cluster.prepare(database: "labels", owner: "lead", reviewers: ["ana", "ben", "cy"])
        try ServerLog(try cluster.connect(as: "lead")).install()
        try cluster.grantReviewers(["ana", "ben", "cy"], database: "labels", as: "lead")
    }

    func claims(_ role: String) throws -> ServerClaims { ServerClaims(try cluster.connect(as: role)) }

    @Test func aRefusalListsEveryOtherRowOnAnotherScreen() throws {
        let ana = try claims("ana"), ben = try claims("ben"), cy = try claims("cy")
        for row in ["r1", "r2", "r3"] {
            guard case .granted(let seconds) = try ana.claim(row, holder: "ana-1", seconds: 60) else { Issue.record("ana was refused \(row)"); return }
            #expect(seconds > 50 && seconds <= 60)
        }
        guard case .granted = try cy.claim("r4", holder: "cy-1", seconds: 1) else { Issue.record("cy was refused r4"); return }
        guard case .granted = try ben.claim("r5", holder: "ben-1", seconds: 60) else { Issue.record("ben was refused r5"); return }
        // cy's one-second lease runs out before ben asks.
        Thread.sleep(forTimeInterval: 1.5)
        guard case let .heldByAnother(role, uid, seconds, others) = try ben.claim("r1", holder: "ben-1", seconds: 60) else {
            Issue.record("ben was granted ana's row"); return
        }
        #expect(role == "ana" && uid > 0 && seconds > 50)
        // The other two of ana's rows: not r1 (the answer names it), not cy's lapsed r4, not ben's own r5.
        #expect(others.map(\.row).sorted() == ["r2", "r3"], "\(others)")
        #expect(others.allSatisfy { $0.role == "ana" && $0.uid == uid && $0.seconds > 50 && $0.seconds <= 60 })
        // A granted claim lists nothing; r4's lease ran out, so it is ben's now.
        guard case .granted = try ben.claim("r4", holder: "ben-1", seconds: 60) else { Issue.record("r4's lapsed lease kept it from ben"); return }
    }

    @Test func aRefusalWithNothingElseHeldListsNothing() throws {
        let ana = try claims("ana"), ben = try claims("ben")
        guard case .granted = try ana.claim("r1", holder: "ana-1", seconds: 60) else { Issue.record("ana was refused r1"); return }
        guard case let .heldByAnother(_, _, _, others) = try ben.claim("r1", holder: "ben-1", seconds: 60) else {
            Issue.record("ben was granted ana's row"); return
        }
        #expect(others.isEmpty, "\(others)")
    }

    /// `claimFirst`: the first row of the list that is free (or this process's already) is
    /// claimed, in one round trip; rows before it held by others are listed with every other
    /// row on another screen; nothing is claimed when every row is held.
    @Test func claimFirstTakesTheFirstFreeRowAndListsTheRestWhenAnyWasRefused() throws {
        let ana = try claims("ana"), ben = try claims("ben")
        for row in ["r1", "r2"] {
            guard case .granted = try ana.claim(row, holder: "ana-1", seconds: 60) else { Issue.record("ana was refused \(row)"); return }
        }
        let first = try ben.claimFirst(["r1", "r2", "r3", "r4"], holder: "ben-1", seconds: 60)
        #expect(first.granted?.row == "r3" && (first.granted?.seconds ?? 0) > 50)
        #expect(first.others.map(\.row).sorted() == ["r1", "r2"] && first.others.allSatisfy { $0.role == "ana" }, "\(first.others)")
        // r3 is ben's now: ana is refused it, and r4 was left alone (ana gets it).
        guard case .heldByAnother(let role, _, _, _) = try ana.claim("r3", holder: "ana-2", seconds: 60) else { Issue.record("r3 was not claimed"); return }
        #expect(role == "ben")
        let again = try ana.claimFirst(["r4", "r5"], holder: "ana-1", seconds: 60)
        #expect(again.granted?.row == "r4")
        #expect(again.others.isEmpty, "the first row was free: nothing to list")
        // The same process asking again for its own row is a renewal; another process of the
        // same role is refused it.
        #expect(try ana.claimFirst(["r4"], holder: "ana-1", seconds: 60).granted?.row == "r4")
        #expect(try ana.claimFirst(["r4"], holder: "ana-9", seconds: 60).granted == nil)
        let none = try ben.claimFirst(["r1", "r2", "r4"], holder: "ben-1", seconds: 60)
        #expect(none.granted == nil)
        #expect(Set(none.others.map(\.row)).isSuperset(of: ["r1", "r2", "r4"]))
    }

    @Test func claimFirstRefusesABadList() throws {
        let ben = try claims("ben")
        for rows in [[String](), Array(repeating: "r", count: 101), [String(repeating: "x", count: 1001)]] {
            #expect(throws: StoreError.self) { _ = try ben.claimFirst(rows, holder: "ben-1", seconds: 60) }
        }
    }

    /// A row whose claim is being given back in a transaction still open (a decision waiting
    /// for the server's disk) is passed over, not waited for: `claimFirst` grants the next row
    /// at once (before, the claim waited on the row's lock until the transaction ended).
    @Test func claimFirstPassesOverARowBeingDecidedWithoutWaiting() throws {
        let anaConnection = try cluster.connect(as: "ana")
        let ana = ServerClaims(anaConnection), ben = try claims("ben")
        guard case .granted = try ana.claim("r1", holder: "ana-1", seconds: 60) else { Issue.record("ana was refused r1"); return }
        try anaConnection.transaction(doing: "give r1 back, not yet committed") {
            _ = try anaConnection.query("SELECT public.winnow_release('r1', 'ana-1')", doing: "give r1 back")
            let started = Date()
            let first = try ben.claimFirst(["r1", "r2"], holder: "ben-1", seconds: 60)
            #expect(first.granted?.row == "r2")
            #expect(Date().timeIntervalSince(started) < 2, "the claim waited for ana's transaction")
            let asked = Date()
            guard case .heldByAnother(let role, _, _, _) = try ben.claim("r1", holder: "ben-1", seconds: 60) else {
                Issue.record("ben was granted r1 before ana's release committed"); return
            }
            #expect(role == "ana" && Date().timeIntervalSince(asked) < 2, "the claim waited for ana's transaction")
        }
    }
}
