import Foundation
import Testing
import TestSupport

/// Issue 12, item 1: `winnow init --group` sets up a workspace a team shares, and `winnow
/// doctor` says what stops them. The real binary; as root (CI) a second user who is only a
/// member of the group imports and decides in a workspace root created, which is the point of
/// it all. Written before either command existed.
@Suite(.serialized) struct SharedWorkspaceEndToEndTests {
    static let row = #"{"id": "r-0001", "messages": [{"role": "user", "content": "Where is my invoice?"}, {"role": "assistant", "content": "Under Billing, then Invoices."}], "meta": {"slice": "billing", "origin": "synthetic", "generator": "g1"}}"#

    /// A temporary folder every user can pass through, and a group.
    func setUp() throws -> (TemporaryFolder, SharedGroup) {
        let tmp = try TemporaryFolder()
        try Unprivileged.makeTraversable(tmp.path, from: tmp.path)
        return (tmp, try SharedGroup())
    }

    @Test func initGroupGivesADoctorApprovedWorkspaceAndDoctorNamesWhatBreaks() throws {
        let (tmp, group) = try setUp()
        let ws = tmp.path + "/ws"
        let made = try WinnowProcess.run(["init", ws, "--group", group.name])
        #expect(made.status == 0, "\(made.output)")
        #expect(made.stdout.contains("shared  with group '\(group.name)'"), "\(made.output)")
        #expect(try String(contentsOfFile: ws + "/winnow.toml", encoding: .utf8).contains("\ngroup = \"\(group.name)\"\n"))
        let healthy = try WinnowProcess.run(["doctor", ws])
        #expect(healthy.status == 0 && healthy.stdout.contains("\nOK: ") && healthy.stdout.contains("the log verifies (0 entries)"),
                "\(healthy.output)")

        chmod(ws + "/winnow.toml", 0o662)
        chmod(ws + "/sources", 0o770)
        let broken = try WinnowProcess.run(["doctor"], in: ws)
        #expect(broken.status == 1, "\(broken.output)")
        let lines = broken.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("sources: folder without setgid (mode 0770): files made in it get their creator's group, not '\(group.name)' (fix: chmod g+s sources)"),
                "\(broken.output)")
        #expect(lines.contains("winnow.toml: world-writable (mode 0662): anyone on this machine can change it (fix: chmod o-w winnow.toml)"),
                "\(broken.output)")
        #expect(lines.last == "2 problems (of 10 files and folders examined)", "\(broken.output)")
    }

    @Test func aGroupThatDoesNotExistIsRefusedAndNothingIsMade() throws {
        let (tmp, _) = try setUp()
        let run = try WinnowProcess.run(["init", tmp.path + "/ws", "--group", "winnow-no-such-group"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no group 'winnow-no-such-group' on this machine"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: tmp.path + "/ws"))
    }

    @Test(.enabled(if: Unprivileged.isAvailable && getuid() == 0, "needs root and setpriv to act as a second user"))
    func aMemberWhoDidNotCreateItWritesAndANonMemberCannot() throws {
        let (tmp, group) = try setUp()
        let ws = tmp.path + "/ws"
        #expect(try WinnowProcess.run(["init", ws, "--group", group.name]).status == 0)
        let rows = try tmp.file("rows.jsonl", Self.row + "\n")
        chmod(rows, 0o644)
        let member = try #require(Unprivileged.member(of: group))
        let imported = try WinnowProcess.run(["import", rows], in: ws, wrapper: member)
        #expect(imported.status == 0, "a member imports: \(imported.output)")
        let decided = try WinnowProcess.run(["decide", "r-0001", "--accept", "--force"], in: ws, wrapper: member)
        #expect(decided.status == 0, "a member decides: \(decided.output)")

        // What the member made joined the group, and the workspace is still healthy.
        let doctor = try WinnowProcess.run(["doctor", ws])
        #expect(doctor.status == 0, "\(doctor.output)")
        let sources = try FileManager.default.contentsOfDirectory(atPath: ws + "/sources")
        var status = stat()
        for path in sources.map({ ws + "/sources/" + $0 }) + [ws + "/log/provenance.jsonl"] {
            #expect(stat(path, &status) == 0 && status.st_gid == group.gid, "\(path) is in the group")
        }

        let outsider = try #require(Unprivileged.wrapper)
        let refused = try WinnowProcess.run(["decide", "r-0001", "--reject", "duplicate", "--force"], in: ws, wrapper: outsider)
        #expect(refused.status == 1 && refused.stderr.contains("could not open the workspace (not in its group?): Permission denied"),
                "\(refused.output)")
        let notMember = try WinnowProcess.run(["init", tmp.path + "/ws2", "--group", group.name], wrapper: outsider)
        #expect(notMember.status == 1 && notMember.stderr.contains("you are not a member of group '\(group.name)'"), "\(notMember.output)")
    }
}
