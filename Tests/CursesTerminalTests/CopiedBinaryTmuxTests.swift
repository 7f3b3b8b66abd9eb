import Foundation
import ProvenanceLog
import TestSupport
import Testing

/// Issue 12, item 1: the `winnow` binary copied alone into an empty folder, run from another
/// empty folder with an empty home: no `Keymaps/`, no `SampleData/`, no config anywhere it
/// could reach. Written when such a binary could not open review ("default: no keymap by that
/// name (no keymap folders were found)") and `winnow demo` could not find its data.
@Suite(.serialized)
struct CopiedBinaryTmuxTests {
    /// A folder holding only `bin/winnow`, an empty current folder, an empty home and config.
    struct Alone {
        let tmp: TemporaryDirectory
        var binary: String { tmp.file("bin/winnow") }
        var cwd: String { tmp.file("cwd") }
        var workspace: String { tmp.file("ws") }

        init() throws {
            tmp = try TemporaryDirectory(prefix: "winnow-alone")
            for folder in ["bin", "cwd", "home", "config", "tmp"] {
                try FileManager.default.createDirectory(atPath: tmp.file(folder), withIntermediateDirectories: true)
            }
            // Copied by cp, not in this process: a child another test spawns while our copy's
            // descriptor is open for writing would inherit it, and the kernel refuses to run a
            // file anyone holds open for writing ("Text file busy", seen under load in CI-like runs).
            let copy = Spawn.run(["/bin/cp", BuiltProduct.executable(named: "winnow"), binary], environment: [:], in: tmp.path)
            #expect(copy.status == 0, "cp: \(String(decoding: copy.stderr, as: UTF8.self))")
            // Nothing of the checkout is reachable from here (the test would prove nothing if it were).
            var folder = tmp.path
            while folder != "/" && !folder.isEmpty {
                for name in ["Keymaps", "SampleData", "share/winnow"] {
                    #expect(!FileManager.default.fileExists(atPath: folder + "/" + name), "\(folder)/\(name) is reachable")
                }
                folder = (folder as NSString).deletingLastPathComponent
            }
        }

        /// The shell line that puts the pane where a person with a fresh account would be.
        var environmentLine: String {
            "cd '\(cwd)' && export HOME='\(tmp.file("home"))' XDG_CONFIG_HOME='\(tmp.file("config"))' "
                + "TMPDIR='\(tmp.file("tmp"))' && unset WINNOW_KEYMAPS WINNOW_WORKSPACE"
        }
    }

    @Test func demoThenReviewWithTheDefaultKeymap() throws {
        let alone = try Alone()
        let tmux = try TmuxSession()
        try tmux.typeLine(alone.environmentLine)
        try tmux.typeLine("clear; '\(alone.binary)' demo --no-review --dir '\(alone.workspace)' > '\(alone.tmp.file("demo.out"))' 2>&1; echo demo-exit=$?")
        // The typed line itself holds "demo-exit=$?": wait for a digit after it.
        try tmux.waitFor("the demo to finish", seconds: 120) { $0.range(of: "demo-exit=[0-9]", options: .regularExpression) != nil }
        let demo = (try? String(contentsOfFile: alone.tmp.file("demo.out"), encoding: .utf8)) ?? ""
        #expect(try tmux.screen().joined().contains("demo-exit=0"), "\(demo)")
        #expect(demo.contains("(the copy built into winnow)"), "\(demo)")
        #expect(demo.contains("support-chat.jsonl: 112 rows imported"), "\(demo)")
        #expect(demo.contains("malformed.jsonl: 6 rows imported, 9 quarantined"), "\(demo)")
        // The demo's files were written where it said, byte for byte as in the repository.
        let written = FileManager.default.contents(atPath: alone.workspace + "/sample-data/malformed.jsonl")
        #expect(written == FileManager.default.contents(atPath: WinnowProcessRoot.sampleData + "/malformed.jsonl"))

        try tmux.typeLine("clear; '\(alone.binary)' review --workspace '\(alone.workspace)'; echo winnow-exit=$?")
        try tmux.waitFor("the first row", seconds: 60) { $0.contains("CRITICAL") }
        try tmux.press("?")
        // The help screen is generated from the keymap in use: the default's keys for the decisions.
        let help = try tmux.waitFor("the default keymap's help") { $0.contains("keys: review") }
        #expect(help.contains { $0.hasPrefix("   a ") && $0.contains("accept") }, "\(help)")
        #expect(help.contains { $0.hasPrefix("   x ") && $0.contains("reject") }, "\(help)")
        try tmux.press("q")
        try tmux.waitFor("the row again") { $0.contains("CRITICAL") }
        try tmux.press("a")
        try tmux.waitFor("the accept saved") { $0.contains(": accept ") }
        try tmux.press("Q")
        try tmux.waitFor("winnow to end", seconds: 30) { $0.contains("winnow-exit=0") }
        let decisions = try LogReader.tail(1000, path: alone.workspace + "/log/provenance.jsonl").filter { $0.kind == "decision" }
        #expect(decisions.count == 1, "`a` recorded an accept through the built-in default keymap")
    }

    /// Refused before any terminal is touched, so no tmux: run as a child with the same
    /// environment (the current folder plays no part in the keymap search).
    @Test func anUnknownKeymapNamesEveryPlaceItLookedIn() throws {
        let alone = try Alone()
        let environment: [String: String?] = ["HOME": alone.tmp.file("home"), "XDG_CONFIG_HOME": alone.tmp.file("config"),
                                              "TMPDIR": alone.tmp.file("tmp"), "WINNOW_KEYMAPS": nil, "WINNOW_WORKSPACE": nil]
        let made = try ChildProcess.run(alone.binary, ["init", alone.workspace], environment: environment)
        #expect(made.status == 0, "\(made.stderr)")
        let run = try ChildProcess.run(alone.binary, ["review", "--workspace", alone.workspace, "--keymap", "emacs"], environment: environment)
        let screen = run.stderr
        #expect(run.status == 1, "\(screen)")
        let prefix = (alone.tmp.path as NSString).resolvingSymlinksInPath
        #expect(screen.contains("\(alone.tmp.file("config"))/winnow/keymaps (no such folder)"), "\(screen)")
        #expect(screen.contains("\(prefix)/share/winnow/keymaps (no such folder)"), "\(screen)")
        #expect(screen.contains("the built-in keymaps (default, vim)"), "\(screen)")
        #expect(screen.contains("or start with --keymap default"), "\(screen)")
    }
}
