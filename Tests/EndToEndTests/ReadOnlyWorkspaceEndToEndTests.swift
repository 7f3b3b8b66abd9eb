import Foundation
import Testing
import TestSupport

/// Issue 11, item 11: a reviewer who may read a workspace but not write it, and a workspace on a
/// read-only mount. The commands that only read (queue, stats, log show, log verify, gates,
/// quarantine, mix verify) answer exactly as they do for someone with write access; commands
/// that record something stop with a plain message, exit 1, and change nothing. Written when
/// every command opened the log and the index read-write, so a read-only user got nothing.
@Suite(.serialized) struct ReadOnlyWorkspaceEndToEndTests {
    /// The read-only commands, with --json where they have it (compared byte for byte).
    static let readers: [[String]] = [
        ["queue", "--json"], ["stats", "--json"], ["log", "show", "--json"], ["log", "verify", "--json"],
        ["gates", "--json"], ["gates", "--rows"], ["quarantine"], ["mix", "verify", "mixes/support-v1", "--json"],
    ]
    /// Commands that record something.
    static let writers: [[String]] = [["next"], ["decide", "chat-0001", "--accept", "--force"], ["mix", "--out", "other", "SPEC"]]

    /// SampleData imported and gated, one decision, one mix: something for every reader to show.
    func workspace(_ tmp: TemporaryFolder) throws -> String {
        let ws = try tmp.workspace()
        for file in ["support-chat", "instructions-alpaca", "preferences", "malformed"] {
            let run = try WinnowProcess.run(["import", "--no-gates", WinnowProcess.sampleData + "/\(file).jsonl"], in: ws)
            #expect(run.status == 0 || run.status == 3, "\(run.output)")
        }
        #expect(try WinnowProcess.run(["gates", "--rerun"], in: ws).status == 0)
        let verdicts = try tmp.file("verdicts.jsonl", (1...40).map { String(format: #"{"id": "chat-%04d", "verdict": "accept"}"#, $0) }
            .joined(separator: "\n") + "\n")
        let decide = try WinnowProcess.run(["decide", "--force", "--from", verdicts], in: ws)
        #expect(decide.status == 0, "\(decide.output)")
        let mix = try WinnowProcess.run(["mix", WinnowProcess.sampleData + "/mix-spec.toml"], in: ws)
        #expect(mix.status == 0, "\(mix.output)")
        return ws
    }

    /// What each reader prints with write access (the reference).
    func answers(_ ws: String, wrapper: [String] = []) throws -> [WinnowRun] {
        try Self.readers.map { try WinnowProcess.run($0, in: ws, wrapper: wrapper) }
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    func expectNoCrash(_ run: WinnowRun, _ what: String) {
        for trace in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "SIGILL", "SIGTRAP"] {
            #expect(!run.output.contains(trace), "\(what): \(run.output)")
        }
    }

    @Test(.enabled(if: Unprivileged.isAvailable, "running as root, and neither setpriv nor runuser is installed"))
    func aUserWhoMayOnlyReadGetsTheSameAnswers() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let reference = try answers(ws)
        for (args, run) in zip(Self.readers, reference) { #expect(run.status == 0, "\(args) with write access: \(run.output)") }
        try Unprivileged.makeReadOnly(ws, traversableFrom: tmp.path)
        let user = try #require(Unprivileged.wrapper)
        let log = bytes(ws + "/log/provenance.jsonl"), index = bytes(ws + "/index.sqlite")

        for (args, (expected, run)) in zip(Self.readers, zip(reference, try answers(ws, wrapper: user))) {
            #expect(run.status == 0, "\(args) read-only: \(run.output)")
            #expect(run.stdout == expected.stdout, "\(args) read-only answers differently:\n\(run.stdout)\nexpected:\n\(expected.stdout)")
            #expect(run.stderr.isEmpty, "\(args): \(run.stderr)")
            expectNoCrash(run, "\(args)")
        }
        for args in Self.writers {
            let args = args.map { $0 == "SPEC" ? WinnowProcess.sampleData + "/mix-spec.toml" : $0 }
            let run = try WinnowProcess.run(args, in: ws, wrapper: user)
            #expect(run.status == 1, "\(args): \(run.output)")
            #expect(run.stderr.contains("is not writable by you") && run.stderr.contains("nothing was changed")
                    && run.stderr.contains("queue, stats, log show"), "\(args): \(run.output)")
            expectNoCrash(run, "\(args)")
        }
        #expect(bytes(ws + "/log/provenance.jsonl") == log && bytes(ws + "/index.sqlite") == index, "nothing was written")
        // Readers with write access (the reference runs) leave no -wal or -shm behind either.
        #expect(!FileManager.default.fileExists(atPath: ws + "/index.sqlite-wal"), "no WAL file left by a reader")
    }

    /// The index behind the log (a writer was killed between its entry and the index): the
    /// reader's answer still includes the newer entries (caught up in memory, never stale), it
    /// says so, and the file is not touched.
    @Test(.enabled(if: Unprivileged.isAvailable, "running as root, and neither setpriv nor runuser is installed"))
    func anIndexBehindTheLogIsCaughtUpInMemoryNotShownStale() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        // The same workspace one decision later, by someone with write access.
        let later = tmp.path + "/later"
        try runShell("cp -a '\(ws)' '\(later)'")
        #expect(try WinnowProcess.run(["decide", "chat-0050", "--reject", "unsafe", "--force"], in: later).status == 0)
        let expected = try WinnowProcess.run(["queue", "--json"], in: later)
        let stale = try WinnowProcess.run(["queue", "--json"], in: ws)
        #expect(expected.stdout != stale.stdout, "the decision changes the queue")
        try runShell("cp '\(later)/log/provenance.jsonl' '\(ws)/log/provenance.jsonl'")
        try Unprivileged.makeReadOnly(ws, traversableFrom: tmp.path)
        let user = try #require(Unprivileged.wrapper)
        let index = bytes(ws + "/index.sqlite")

        let run = try WinnowProcess.run(["queue", "--json"], in: ws, wrapper: user)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout == expected.stdout, "answered from the log, not the stale index:\n\(run.stdout)")
        #expect(run.stderr.contains("1 log entry behind") && run.stderr.contains("copy in memory"), "\(run.output)")
        #expect(bytes(ws + "/index.sqlite") == index, "the index file is not written")
        // A missing index is rebuilt in memory from the log too.
        try runShell("rm '\(ws)/index.sqlite'")
        let rebuilt = try WinnowProcess.run(["queue", "--json"], in: ws, wrapper: user)
        #expect(rebuilt.status == 0 && rebuilt.stdout == expected.stdout, "\(rebuilt.output)")
        #expect(rebuilt.stderr.contains("index.sqlite was not used (it is missing)"), "\(rebuilt.output)")
        #expect(!FileManager.default.fileExists(atPath: ws + "/index.sqlite"))
    }

    /// A writer killed inside a rollback-journal transaction (as a bulk-loading import runs)
    /// leaves changed pages in the file under a hot journal. A reader who may not write cannot
    /// roll it back, and must not read the file alone either (SQLite's `immutable` mode ignores
    /// the journal, so half a transaction would show): it answers from the log, as a writer does
    /// after rolling the journal back. The crash is made with Python's sqlite3: a transaction
    /// whose changes spill into the file (a one-page cache), then `os._exit`.
    @Test(.enabled(if: Unprivileged.isAvailable, "running as root, and neither setpriv nor runuser is installed"))
    func anIndexWithAHotJournalIsNotReadAsIfWhole() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let expected = try WinnowProcess.run(["queue", "--json"], in: ws)
        let crash = """
            import os, sqlite3
            c = sqlite3.connect('\(ws)/index.sqlite', isolation_level=None)
            assert c.execute('PRAGMA journal_mode = DELETE').fetchone()[0] == 'delete'
            c.execute('PRAGMA cache_size = 1')
            c.execute('BEGIN')
            c.execute('DELETE FROM rows')
            c.execute("UPDATE meta SET value = 'bogus' WHERE key = 'log_hash'")
            os._exit(0)
            """
        try runShell("python3 -c \"$(cat <<'PY'\n\(crash)\nPY\n)\"")
        #expect(FileManager.default.fileExists(atPath: ws + "/index.sqlite-journal"), "a hot journal is left")
        try Unprivileged.makeReadOnly(ws, traversableFrom: tmp.path)
        let user = try #require(Unprivileged.wrapper)
        let run = try WinnowProcess.run(["queue", "--json"], in: ws, wrapper: user)
        #expect(run.status == 0 && run.stdout == expected.stdout, "\(run.output)\nexpected:\n\(expected.stdout)")
        #expect(run.stderr.contains("index.sqlite was not used"), "\(run.output)")
        expectNoCrash(run, "hot journal")
    }

    /// A torn last line is an interrupted write: a reader reports it and leaves it, and an edited
    /// complete line still fails closed.
    @Test(.enabled(if: Unprivileged.isAvailable, "running as root, and neither setpriv nor runuser is installed"))
    func aTornTailIsReportedNotRepaired() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let reference = try WinnowProcess.run(["log", "show"], in: ws)
        try runShell(#"printf '{"v":1,"seq":9' >> '\#(ws)/log/provenance.jsonl'"#)
        try Unprivileged.makeReadOnly(ws, traversableFrom: tmp.path)
        let user = try #require(Unprivileged.wrapper)
        let log = bytes(ws + "/log/provenance.jsonl")
        for args in [["log", "show"], ["queue"], ["stats"]] {
            let run = try WinnowProcess.run(args, in: ws, wrapper: user)
            #expect(run.status == 0, "\(args): \(run.output)")
            #expect(run.stderr.contains("the last line (14 bytes) is incomplete") && run.stderr.contains("left as it is"),
                    "\(args): \(run.output)")
            if args == ["log", "show"] { #expect(run.stdout == reference.stdout) }
        }
        #expect(bytes(ws + "/log/provenance.jsonl") == log, "not repaired")
        #expect(!FileManager.default.fileExists(atPath: ws + "/log/provenance.jsonl.broken"))
        // An edited entry (the last complete line, the mix) is no torn write: the reader fails closed.
        try runShell("sed -i 's/support-v1/support-v2/' '\(ws)/log/provenance.jsonl'")
        let edited = try WinnowProcess.run(["queue"], in: ws, wrapper: user)
        #expect(edited.status == 1 && edited.stderr.contains("provenance.jsonl"), "\(edited.output)")
        expectNoCrash(edited, "edited")
    }

    /// The workspace on a read-only mount (a bind mount in a private mount namespace): root, who
    /// ignores permissions, is stopped by the mount, and told so rather than "permission denied".
    @Test(.enabled(if: Unprivileged.canMountReadOnly, "no private read-only bind mount here (needs root with CAP_SYS_ADMIN and unshare)"))
    func aReadOnlyMountWorksForReadersAndSaysSoToWriters() throws {
        let tmp = try TemporaryFolder()
        let ws = try workspace(tmp)
        let reference = try answers(ws)
        let mounted = Unprivileged.readOnlyMount(ws)
        for (args, (expected, run)) in zip(Self.readers, zip(reference, try answers(ws, wrapper: mounted))) {
            #expect(run.status == 0 && run.stdout == expected.stdout, "\(args) on a read-only mount: \(run.output)")
            #expect(run.stderr.isEmpty, "\(args): \(run.stderr)")
        }
        for args in Self.writers {
            let args = args.map { $0 == "SPEC" ? WinnowProcess.sampleData + "/mix-spec.toml" : $0 }
            let run = try WinnowProcess.run(args, in: ws, wrapper: mounted)
            #expect(run.status == 1 && run.stderr.contains("is on a read-only file system"), "\(args): \(run.output)")
            expectNoCrash(run, "\(args)")
        }
    }
}
