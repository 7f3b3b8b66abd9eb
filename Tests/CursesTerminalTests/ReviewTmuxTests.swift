import Foundation
import ProvenanceLog
import TestSupport
import Testing

/// The real `winnow review` in a real terminal (tmux): a reviewer's session from the first
/// critical row to quitting, hostile text, resizing, and an ssh drop. What the log holds
/// afterwards is checked, not just what the screen said.
@Suite(.serialized)
struct ReviewTmuxTests {
    static let winnow = BuiltProduct.executable(named: "winnow")

    /// A demo workspace (SampleData, gates run) without opening review.
    static func workspace(_ tmp: TemporaryDirectory) throws -> String {
        let dir = tmp.file("ws")
        let built = try ChildProcess.run(winnow, ["demo", "--dir", dir, "--no-review", "--sample-data", WinnowProcessRoot.sampleData])
        guard built.status == 0 else { throw TmuxSession.Failure(description: "winnow demo failed: \(built.stderr)") }
        return dir
    }

    /// A row that tries to set the window title (OSC 0 and OSC 2): SampleData's hostile rows
    /// carry CSI, OSC 52 and OSC 8 but no title sequence.
    static let titleRow = #"{"id": "title-0001", "messages": [{"role": "user", "content": "How do I name my terminal window?"}, {"role": "assistant", "content": "Print \u001b]0;pwned-title\u0007 or \u001b]2;also-pwned\u001b\\ and the title changes."}], "meta": {"slice": "general", "origin": "synthetic", "generator": "g1"}}"#

    /// A workspace where every general row is reviewed (review_rate 1.0), so the hostile rows
    /// of support-chat.jsonl and the title row are in the queue.
    static func everythingQueued(_ tmp: TemporaryDirectory) throws -> String {
        let dir = tmp.file("ws")
        _ = try ChildProcess.run(winnow, ["init", dir])
        let config = try String(contentsOfFile: dir + "/winnow.toml", encoding: .utf8)
            .replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
        try config.write(toFile: dir + "/winnow.toml", atomically: true, encoding: .utf8)
        try (titleRow + "\n").write(toFile: tmp.file("title.jsonl"), atomically: true, encoding: .utf8)
        for file in [WinnowProcessRoot.sampleData + "/support-chat.jsonl", tmp.file("title.jsonl")] {
            let imported = try ChildProcess.run(winnow, ["import", "--workspace", dir, file])
            guard imported.status == 0 else { throw TmuxSession.Failure(description: "winnow import failed: \(imported.stderr)") }
        }
        return dir
    }

    static func start(_ tmux: TmuxSession, workspace: String, editor: String? = nil) throws {
        let env = editor.map { "VISUAL='\($0)' " } ?? ""
        try tmux.typeLine("\(env)'\(winnow)' review --workspace '\(workspace)'; echo winnow-exit=$?")
        try tmux.waitFor("the first row") { $0.contains("CRITICAL") }
    }

    /// A workspace, a tmux pane and `winnow review` running in it, first row on screen.
    struct Session {
        let tmp: TemporaryDirectory
        let workspace: String
        let tmux: TmuxSession
    }

    static func open(_ prefix: String, everythingQueued: Bool = false, configure: (TmuxSession) throws -> Void = { _ in },
                     editor: ((TemporaryDirectory) throws -> String)? = nil) throws -> Session {
        let tmp = try TemporaryDirectory(prefix: prefix)
        let ws = try everythingQueued ? Self.everythingQueued(tmp) : Self.workspace(tmp)
        let tmux = try TmuxSession()
        try configure(tmux)
        try Self.start(tmux, workspace: ws, editor: try editor?(tmp))
        return Session(tmp: tmp, workspace: ws, tmux: tmux)
    }

    static func reviewEntries(_ workspace: String) throws -> [LogEntry] {
        try LogReader.tail(100_000, path: workspace + "/log/provenance.jsonl").filter { ["decision", "revert"].contains($0.kind) }
    }

    static func expectRestored(_ tmux: TmuxSession, status: Int) throws {
        try tmux.waitFor("winnow to end with status \(status)") { $0.contains("winnow-exit=\(status)") }
        #expect(try tmux.format("alternate_on") == "0")
        #expect(try tmux.format("cursor_flag") == "1")
    }

    @Test func acceptRejectEditUndoQuitLeaveExactlyThoseEntries() throws {
        let session = try Self.open("winnow-tmux-review", editor: { tmp in
            let editor = tmp.file("editor.sh")
            try "#!/bin/sh\npython3 - \"$1\" <<'EOF'\nimport sys\np=sys.argv[1]\nlines=open(p).read().split('\\n')\nlast=max(i for i,l in enumerate(lines) if l.startswith('=== '))\nopen(p,'w').write('\\n'.join(lines[:last+1]+['A corrected answer.','']))\nEOF\n"
                .write(toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)
            return editor
        })
        let (tmux, ws) = (session.tmux, session.workspace)
        for (key, what, shown) in [("a", "the accept saved", ": accept "), ("x", "the reason picker", "Reject: why?"),
                                   ("2", "the reject saved", "reject (invented-policy)"), ("e", "the diff", "+ A corrected answer."),
                                   ("y", "the edit saved", ": edit "), ("u", "the undo", "undone: #")] {
            try tmux.press(key)
            try tmux.waitFor(what) { $0.contains(shown) }
        }
        try tmux.press("Q")
        try Self.expectRestored(tmux, status: 0)

        let entries = try Self.reviewEntries(ws)
        #expect(entries.map(\.kind) == ["decision", "decision", "decision", "revert"])
        let actions = try entries.prefix(3).map { try $0.payload(DecisionPayload.self).action }
        #expect(actions == [.accept, .reject, .edit])
        #expect(try entries[3].payload(RevertPayload.self).reverts == entries[2].seq)
        #expect(entries.allSatisfy { $0.actor.uid == Int(getuid()) && $0.actor.user == LogActor.current.user })
        let verify = try ChildProcess.run(Self.winnow, ["log", "verify", "--workspace", ws])
        #expect(verify.status == 0)
        let queue = try ChildProcess.run(Self.winnow, ["queue", "--json", "--workspace", ws])
        #expect(queue.stdout.contains("\"in_review\":0") && !queue.stdout.contains("\"in_review\":1"), "claims released on quit")
    }

    /// Issue 12's "a lease that runs out during an edit keeps the draft", with the real binary:
    /// the editor writes the edit, then the row's claim is handed to another reviewer in the
    /// index (standing in for the lease running out while winnow was stopped and a colleague
    /// being served the row: another uid, which a test cannot be). Confirming the edit records
    /// nothing; the draft is kept, named on screen and again at exit, with the edit in it.
    @Test func anEditWhoseLeaseRanOutKeepsItsDraft() throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-tmux-lease")
        let ws = try Self.workspace(tmp)
        let phrase = "An answer written while the lease ran out \(getpid())-\(UInt32.random(in: 0...UInt32.max))."
        let editor = tmp.file("editor.sh")
        try """
            #!/bin/sh
            python3 - "$1" <<'EOF'
            import sys
            p=sys.argv[1]
            lines=open(p).read().split('\\n')
            last=max(i for i,l in enumerate(lines) if l.startswith('=== '))
            open(p,'w').write('\\n'.join(lines[:last+1]+['\(phrase)','']))
            EOF
            sqlite3 '\(ws)/index.sqlite' "UPDATE claims SET uid = uid + 1, reviewer = 'another-reviewer', holder = 'another-process', expires = expires + 60"
            """.write(toFile: editor, atomically: true, encoding: .utf8)
        chmod(editor, 0o755)
        // Wide enough for the whole refusal on the status line, draft path included.
        let tmux = try TmuxSession(columns: 250, rows: 30)
        try Self.start(tmux, workspace: ws, editor: editor)
        try tmux.press("e")
        try tmux.waitFor("the diff") { $0.contains("+ " + phrase) }
        try tmux.press("y")
        let refused = try tmux.waitFor("the refusal") { $0.contains("your edit is kept in") }.joined(separator: "\n")
        #expect(refused.contains("not recorded") && refused.contains("another-reviewer's screen now"), "\(refused)")
        try tmux.press("Q")
        try Self.expectRestored(tmux, status: 0)
        let ended = try tmux.screen().joined(separator: "\n")
        #expect(ended.contains("an unsaved edit is kept in /"), "\(ended)")
        #expect(try Self.reviewEntries(ws).isEmpty, "nothing recorded")
        // The draft named on screen and at exit holds the edit.
        let line = try #require(ended.split(separator: "\n").first { $0.contains("an unsaved edit is kept in") })
        let path = String(line[line.range(of: "kept in ")!.upperBound...]).trimmingCharacters(in: .whitespaces)
        #expect(refused.contains(path))
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(phrase))
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func hostileRowLeavesTheTitleClipboardAndScreenClean() throws {
        let session = try Self.open("winnow-tmux-hostile", everythingQueued: true, configure: { tmux in
            try tmux.run(["set-option", "-g", "set-clipboard", "on"])
            try tmux.run(["select-pane", "-t", TmuxSession.target, "-T", "clean-title"])
        })
        defer { withExtendedLifetime(session) {} }  // the workspace must outlive winnow
        let tmux = session.tmux
        try tmux.press("/")
        try tmux.run(["send-keys", "-t", TmuxSession.target, "-l", "ANSI colour codes"])
        try tmux.press("Enter")
        let screen = try tmux.waitFor("chat-0025 on screen") { $0.contains("chat-0025") }.joined(separator: "\n")
        #expect(screen.contains("^[[2J^[[31mERROR: backup failed^[[0m"))
        #expect(screen.contains("^[]52;c;ZWNobyBoaQ=="))
        try tmux.press("/")
        try tmux.run(["send-keys", "-t", TmuxSession.target, "-l", "terminal window"])
        try tmux.press("Enter")
        let titled = try tmux.waitFor("title-0001 on screen") { $0.contains("title-0001") }.joined(separator: "\n")
        #expect(titled.contains("^[]0;pwned-title^G") && titled.contains("^[]2;also-pwned^[\\"))
        #expect(try tmux.format("pane_title") == "clean-title", "OSC 0/2 never reached the terminal")
        let buffers = try tmux.run(["list-buffers"])
        #expect(!buffers.contains("echo hi") && buffers.isEmpty, "OSC 52 never reached the clipboard")
        let raw = try tmux.run(["capture-pane", "-p", "-e", "-t", TmuxSession.target])
        #expect(!raw.contains("\u{1B}[2J") && !raw.contains("\u{1B}]"), "no escape from the row in the pane")
        try tmux.press("Q")
        try Self.expectRestored(tmux, status: 0)
    }

    @Test func resizingToFortyByTenAndBackRedraws() throws {
        let session = try Self.open("winnow-tmux-resize")
        defer { withExtendedLifetime(session) {} }  // the workspace must outlive winnow
        let tmux = session.tmux
        try tmux.run(["resize-window", "-t", "winnow", "-x", "40", "-y", "10"])
        let small = try tmux.waitFor("the too-small notice") { $0.contains("Terminal too small: 40x10") }
        #expect(small.allSatisfy { $0.count <= 40 })
        try tmux.run(["resize-window", "-t", "winnow", "-x", "80", "-y", "24"])
        let back = try tmux.waitFor("the row again") { $0.contains("CRITICAL") && $0.contains("? help") }
        #expect(back.count == 24 && !back.joined().contains("Terminal too small"))
        try tmux.press("Q")
        try Self.expectRestored(tmux, status: 0)
    }

    @Test func hangupMidSessionLeavesAVerifyingLogAndNoClaims() throws {
        let session = try Self.open("winnow-tmux-hup")
        let (tmux, ws) = (session.tmux, session.workspace)
        try tmux.press("a")
        try tmux.waitFor("the accept saved") { $0.contains(": accept ") }
        let pid = try tmux.childPid(named: "winnow")
        kill(pid, SIGHUP)
        try Self.expectRestored(tmux, status: 129)
        let verify = try ChildProcess.run(Self.winnow, ["log", "verify", "--workspace", ws])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try Self.reviewEntries(ws).count == 1)
        let queue = try ChildProcess.run(Self.winnow, ["queue", "--json", "--workspace", ws])
        #expect(!queue.stdout.contains("\"in_review\":1"), "claims released on SIGHUP")
    }
}

/// Where SampleData is, from this file.
enum WinnowProcessRoot {
    static let sampleData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("SampleData").path
}
