import Foundation
import TestSupport
import Testing
@testable import Workspace

/// `winnow doctor`'s checks (WorkspaceDoctor) on a workspace made the way `winnow init --group`
/// makes one, then broken one way at a time: each break is named with its path and fix, and
/// nothing else is. Written before doctor existed, when a workspace whose WAL a member could
/// not write was only found when that member's command failed.
@Suite(.serialized) struct WorkspaceDoctorTests {
    /// A shared workspace in a fresh folder that every user can pass through.
    struct Shared {
        let tmp: TemporaryDirectory
        let group: SharedGroup
        let paths: WorkspacePaths

        init() throws {
            tmp = try TemporaryDirectory(prefix: "winnow-doctor")
            try Unprivileged.makeTraversable(tmp.path, from: tmp.path)
            group = try SharedGroup()
            let unix = try #require(UnixGroup.named(group.name))
            paths = try WorkspaceCreator.create(at: tmp.file("ws"), group: unix)
            _ = try WorkspaceSession.open(paths)
            try WorkspaceSharing.share(paths, with: unix)
        }

        func problems() -> [String] { WorkspaceDoctor.examine(paths).problems.map(\.description) }
    }

    @Test func aFreshSharedWorkspaceIsHealthy() throws {
        let shared = try Shared()
        let report = WorkspaceDoctor.examine(shared.paths)
        #expect(report.problems.map(\.description) == [])
        #expect(report.group?.name == shared.group.name)
        #expect(report.logEntries == 0 && report.examined >= 9)
        let config = try WorkspaceConfig.load(path: shared.paths.config)
        #expect(config.group == shared.group.name, "the group is recorded in winnow.toml")
        var status = stat()
        for path in [shared.paths.root, shared.paths.logDirectory, shared.paths.sources] {
            #expect(stat(path, &status) == 0 && status.st_gid == shared.group.gid && status.st_mode & 0o7777 == 0o2770, "\(path)")
        }
        for path in [shared.paths.log, shared.paths.index, shared.paths.config] {
            #expect(stat(path, &status) == 0 && status.st_gid == shared.group.gid && status.st_mode & 0o777 == 0o660, "\(path)")
        }
    }

    @Test func eachBrokenModeIsNamedWithItsPathAndFix() throws {
        let shared = try Shared()
        let name = shared.group.name
        chmod(shared.paths.config, 0o666)
        chmod(shared.paths.mixes, 0o770)
        chmod(shared.paths.quarantine, 0o2750)
        // A -wal made by someone with umask 022 (say the sqlite3 shell): members cannot write it.
        FileManager.default.createFile(atPath: shared.paths.index + "-wal", contents: nil)
        chmod(shared.paths.index + "-wal", 0o644)
        chmod(shared.paths.log, 0o640)
        #expect(shared.problems() == [
            "index.sqlite-wal: members of '\(name)' cannot write it (mode 0644): their next command that records anything fails (fix: chmod g+w index.sqlite-wal)",
            "log/provenance.jsonl: members of '\(name)' cannot write it (mode 0640): their next command that records anything fails (fix: chmod g+w log/provenance.jsonl)",
            "mixes: folder without setgid (mode 0770): files made in it get their creator's group, not '\(name)' (fix: chmod g+s mixes)",
            "quarantine: members of '\(name)' cannot create files in this folder (mode 2750) (fix: chmod g+rwx quarantine)",
            "winnow.toml: world-writable (mode 0666): anyone on this machine can change it (fix: chmod o-w winnow.toml)",
        ])
    }

    @Test(.enabled(if: getuid() == 0 || getgroups(0, nil) > 1,
                   "not root and in one group only: no other group to give a file to"))
    func aFileOfAnotherGroupIsNamed() throws {
        let shared = try Shared()
        let other = try #require(shared.group.another)
        #expect(lchown(shared.paths.log, uid_t.max, other) == 0)
        let problems = shared.problems()
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("log/provenance.jsonl: belongs to group ") == true, "\(problems)")
        #expect(problems.first?.hasSuffix("not '\(shared.group.name)': members get only what others get here (nothing) (fix: chgrp \(shared.group.name) log/provenance.jsonl)") == true, "\(problems)")
    }

    @Test func aGroupThatDoesNotExistIsNamed() throws {
        let shared = try Shared()
        let config = try String(contentsOfFile: shared.paths.config, encoding: .utf8)
            .replacingOccurrences(of: "group = \"\(shared.group.name)\"", with: "group = \"winnow-no-such-group\"")
        try config.write(toFile: shared.paths.config, atomically: false, encoding: .utf8)
        let report = WorkspaceDoctor.examine(shared.paths)
        #expect(report.problems.map(\.description) == [
            "winnow.toml: [workspace] group 'winnow-no-such-group' does not exist on this machine (not in /etc/group; "
                + "'getent group winnow-no-such-group' finds nothing); the rest is checked against the folder's group "
                + "'\(shared.group.name)' (fix: groupadd winnow-no-such-group and add the team to it, or set group to the team's group)",
        ])
    }

    @Test func aLogThatDoesNotVerifyIsNamed() throws {
        let shared = try Shared()
        let session = try WorkspaceSession.open(shared.paths)
        let input = shared.tmp.file("rows.jsonl")
        try #"{"id": "r1", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}"#
            .appending("\n").write(toFile: input, atomically: true, encoding: .utf8)
        _ = try session.importFile(input, options: ImportOptions(), progress: nil)
        var log = try String(contentsOfFile: shared.paths.log, encoding: .utf8)
        log = log.replacingOccurrences(of: "\"kind\":\"import\"", with: "\"kind\":\"imporT\"")
        try log.write(toFile: shared.paths.log, atomically: false, encoding: .utf8)
        let problems = shared.problems()
        #expect(problems.count == 1 && problems[0].hasPrefix("log/provenance.jsonl: the log does not verify"), "\(problems)")
    }

    @Test func aFolderAboveThatMembersCannotPassIsNamed() throws {
        let shared = try Shared()
        chmod(shared.tmp.path, 0o700)
        let problems = shared.problems()
        let above = URL(fileURLWithPath: shared.tmp.path).standardizedFileURL.path
        #expect(problems.count == 1 && problems[0].hasPrefix("\(above): members of '\(shared.group.name)' cannot pass through"),
                "\(problems)")
    }

    @Test func aWorkspaceWithoutAGroupIsCheckedAgainstItsFolders() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-doctor")
        try Unprivileged.makeTraversable(tmp.path, from: tmp.path)
        let paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        _ = try WorkspaceSession.open(paths)
        let report = WorkspaceDoctor.examine(paths)
        #expect(report.problems.map(\.description) == [])
        #expect(report.notes.map(\.description).contains { $0.hasPrefix("winnow.toml: no [workspace] group recorded") })
    }
}
