import Foundation
import ProvenanceLog
import Testing
@testable import Workspace

/// An entry that reached the log stands even when the index update after it fails: the caller
/// is told it was recorded (so it is not repeated), and the next open applies it.
@Suite struct LoggedButNotAppliedTests {
    struct IndexBroke: Error {}

    @Test func aFailedIndexUpdateSaysTheEntryWasLoggedAndTheNextOpenCatchesUp() throws {
        let tmp = NSTemporaryDirectory() + "winnow-logged-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let paths = try WorkspaceCreator.create(at: tmp)
        let session = try WorkspaceSession.open(paths)
        let before = try session.log.head().seq
        let payload = RetractPayload(generator: "g-none", reason: "test")
        do {
            _ = try session.index.appendAndApply([payload], to: session.log) { _, _ in throw IndexBroke() }
            Issue.record("a failing index update must not look like success")
        } catch WorkspaceError.loggedButNotApplied(let entries, let reason) {
            #expect(entries.map(\.seq) == [before + 1])
            #expect(reason.contains("IndexBroke"))
            #expect(WorkspaceError.loggedButNotApplied(entries: entries, reason: reason).message.contains("recorded in the log as #\(before + 1)"))
        }
        #expect(try session.log.head().seq == before + 1, "the entry is in the log")
        #expect(try session.index.logPosition().seq == before, "the index did not move")
        let reopened = try WorkspaceSession.open(paths)
        #expect(try reopened.index.logPosition().seq == before + 1, "the next open applies it")
    }
}
