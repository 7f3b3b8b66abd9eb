import Foundation
import TestSupport
import Testing

/// `winnow keys` on a real terminal (tmux): key names, resize, signals, suspend and resume,
/// and the terminal handed back in a clean state every way it can end.
@Suite(.serialized)
struct KeysCommandTmuxTests {
    static let winnow = BuiltProduct.executable(named: "winnow")

    /// Starts `winnow keys` in a fresh tmux pane and waits for its first frame.
    static func start(columns: Int = 80, rows: Int = 24) throws -> TmuxSession {
        let tmux = try TmuxSession(columns: columns, rows: rows)
        try tmux.typeLine("'\(winnow)' keys; echo winnow-exit=$?")
        try tmux.waitFor("winnow keys' first frame") { $0.contains("Waiting for a key") }
        return tmux
    }

    /// After winnow ends: the shell is back, and the pane is out of the alternate screen with
    /// the cursor visible and keypad mode off, i.e. the terminal was restored.
    static func expectRestored(_ tmux: TmuxSession, status: Int) throws {
        try expectRestored(tmux, showing: "winnow-exit=\(status)")
    }

    static func expectRestored(_ tmux: TmuxSession, showing marker: String) throws {
        let lines = try tmux.waitFor("winnow to end (\(marker))") {
            $0.contains(marker) && $0.split(separator: "\n").last == "$"
        }
        #expect(lines.contains("$"), "the shell prompt is back")
        #expect(try tmux.format("alternate_on") == "0")
        #expect(try tmux.format("cursor_flag") == "1")
        #expect(try tmux.format("keypad_flag") == "0")
    }

    @Test func tmuxIsInstalled() throws {
        _ = try TmuxSession.locate()
    }

    @Test func keysShowTheirKeymapNames() throws {
        let tmux = try Self.start()
        let keys = [("C-d", "<C-d>"), ("Up", "<Up>"), ("F5", "<F5>"), ("M-x", "<M-x>"), ("PageDown", "<PageDown>"),
                    ("BTab", "<S-Tab>"), ("Escape", "<Esc>"), ("a", "a"), ("Space", "<Space>")]
        for (key, name) in keys {
            // One at a time: Esc and a key arriving together are Alt+key, as terminals send it.
            try tmux.press(key)
            try tmux.waitFor(name) { $0.contains("Key:  \(name) ") || $0.hasSuffix("Key:  \(name)") || $0.contains("Key:  \(name)\n") }
        }
        try tmux.waitFor("all nine names") { $0.contains("<C-d> <Up> <F5> <M-x> <PageDown> <S-Tab> <Esc> a <Space>") }
        try tmux.press("q")
        try tmux.waitFor("the q-again hint") { $0.contains("q again to leave") }
        try tmux.press("q")
        try Self.expectRestored(tmux, status: 0)
        #expect(try tmux.screen().contains("Keys read: <C-d> <Up> <F5> <M-x> <PageDown> <S-Tab> <Esc> a <Space> q"))
    }

    /// Issue 12, item 2: sequences the terminfo entry does not list arrive whole. `ESC [ 4 ~` is
    /// End (what tmux passes on for End under TERM=xterm-256color, and PuTTY sends), an unknown
    /// one (`ESC [ 9 9 ~`) is no key, only named: before, each became `<M-[>` and two or more
    /// keys.
    @Test func controlSequencesCursesDoesNotKnowAreOneKeyOrNone() throws {
        let tmux = try Self.start()
        for (hex, name) in [(["1b", "5b", "34", "7e"], "<End>"), (["1b", "5b", "31", "7e"], "<Home>")] {
            _ = try tmux.run(["send-keys", "-t", TmuxSession.target, "-H"] + hex)
            try tmux.waitFor(name) { $0.contains("Key:  \(name)") }
        }
        // ESC [ 9 9 ~: no terminal's key, and not in terminfo (curses itself swallows the
        // modified arrows its entry lists, such as Ctrl-Up's ESC [ 1 ; 5 A).
        _ = try tmux.run(["send-keys", "-t", TmuxSession.target, "-H", "1b", "5b", "39", "39", "7e"])
        try tmux.press("a")
        try tmux.waitFor("a after the ignored sequence") { $0.contains("Key:  a") }
        try tmux.press("q", "q")
        try Self.expectRestored(tmux, status: 0)
        let screen = try tmux.screen()
        #expect(screen.contains("Keys read: <End> <Home> (ESC [99~: not a key winnow knows) a q"), "\(screen)")
    }

    /// Issue 12, item 3: winnow turns bracketed paste on, so a paste (tmux's `paste-buffer -p`
    /// brackets it when the program asked) arrives as one paste, none of its characters as keys.
    @Test func aPasteArrivesWholeNeverAsKeys() throws {
        // tmux brackets the paste only if the program turned the mode on (3.3a has no format to
        // ask it directly): without it the text arrives as keys and the names below differ.
        let tmux = try Self.start()
        _ = try tmux.run(["set-buffer", "-b", "winnow-paste", "refund\nall fine"])
        _ = try tmux.run(["paste-buffer", "-p", "-d", "-b", "winnow-paste", "-t", TmuxSession.target])
        try tmux.waitFor("the paste") { $0.contains("<paste:15>") }
        try tmux.press("q", "q")
        try Self.expectRestored(tmux, status: 0)
        let screen = try tmux.screen()
        #expect(screen.contains("Keys read: <paste:15> q"), "\(screen)")
    }

    @Test func resizingRedrawsTheWholeScreenCleanly() throws {
        let tmux = try Self.start()
        try tmux.press("F5")
        try tmux.waitFor("<F5>") { $0.contains("Key:  <F5>") }
        try tmux.run(["resize-window", "-t", "winnow", "-x", "40", "-y", "10"])
        let small = try tmux.waitFor("the 40x10 frame") { $0.contains("winnow keys 40x10") }
        #expect(small.count == 10 && small.allSatisfy { $0.count <= 40 })
        #expect(small[0] == "winnow keys 40x10: the name winnow reads")
        try tmux.run(["resize-window", "-t", "winnow", "-x", "80", "-y", "24"])
        let lines = try tmux.waitFor("the 80x24 frame") { $0.contains("winnow keys 80x24") }
        let expected = [
            "winnow keys 80x24: the name winnow reads for each key you press",
            "Use these names in a keymap, e.g.  bind review <C-d> accept",
            "Press q twice to leave. TERM=xterm-256color, colour on",
            "",
            "Key:  <F5>",
            "",
            "So far:",
            "  <F5>",
        ] + Array(repeating: "", count: 16)
        #expect(lines == expected)
        try tmux.press("q", "q")
        try Self.expectRestored(tmux, status: 0)
    }

    @Test(arguments: [("HUP", 129), ("TERM", 143), ("INT", 130)])
    func aSignalEndsItWithTheTerminalRestored(signal: String, status: Int) throws {
        let tmux = try Self.start()
        let pid = try tmux.childPid(named: "winnow")
        let number = ["HUP": SIGHUP, "TERM": SIGTERM, "INT": SIGINT][signal]!
        #expect(kill(pid, number) == 0)
        try Self.expectRestored(tmux, status: status)
    }

    @Test func ctrlCIsASignalNotAKey() throws {
        let tmux = try Self.start()
        try tmux.press("C-c")
        try Self.expectRestored(tmux, status: 130)
    }

    @Test func suspendAndResumeRedraws() throws {
        let tmux = try Self.start()
        try tmux.press("a")
        try tmux.waitFor("the key a") { $0.contains("Key:  a") }
        try tmux.press("C-z")
        try tmux.waitFor("the shell to report the stop") { $0.contains("Stopped") }
        #expect(try tmux.format("alternate_on") == "0")
        try tmux.typeLine("clear; fg")
        let lines = try tmux.waitFor("the resumed frame") { $0.contains("Key:  a") && $0.contains("So far:") }
        #expect(lines[0] == "winnow keys 80x24: the name winnow reads for each key you press")
        try tmux.press("q", "q")
        // bash drops the rest of a command list once its job was stopped: no exit line here.
        try Self.expectRestored(tmux, showing: "Keys read: a q")
    }

    @Test func anUnknownTermFallsBackAndSaysSoAfterwards() throws {
        let tmux = try TmuxSession()
        try tmux.typeLine("TERM=winnow-unknown-term '\(Self.winnow)' keys; echo winnow-exit=$?")
        try tmux.waitFor("the frame on the fallback type") { $0.contains("TERM=xterm-256color, colour on") }
        try tmux.press("q", "q")
        try Self.expectRestored(tmux, status: 0)
        #expect(try tmux.screen().contains("winnow: TERM=winnow-unknown-term is not known here; used xterm-256color instead"))
    }

    @Test func withoutAUTF8LocaleWideCharactersStillArrive() throws {
        let tmux = try TmuxSession()
        try tmux.typeLine("env -u LANG -u LC_ALL -u LC_CTYPE '\(Self.winnow)' keys; echo winnow-exit=$?")
        try tmux.waitFor("winnow keys' first frame") { $0.contains("Waiting for a key") }
        try tmux.run(["send-keys", "-t", TmuxSession.target, "-l", "中"])
        try tmux.waitFor("the wide character") { $0.contains("Key:  中") }
        try tmux.press("q", "q")
        try Self.expectRestored(tmux, status: 0)
    }

    @Test func withoutATerminalItRefusesClearly() throws {
        let result = try ChildProcess.run(Self.winnow, ["keys"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("winnow: standard input and standard output are not a terminal"))
    }
}
