import Foundation
import Testing

/// What `winnow review` refuses before it takes the screen over: each with a clear message
/// and a non-zero exit, in the normal terminal (the real-terminal session itself is driven in
/// tmux by CursesTerminalTests/ReviewTmuxTests).
@Suite(.serialized) struct ReviewCommandTests {
    @Test func withoutATerminalItSaysWhatToUseInstead() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let run = try WinnowProcess.run(["review", "--workspace", ws])
        #expect(run.status == 1)
        #expect(run.stderr.contains("needs a terminal") && run.stderr.contains("winnow next"), "\(run.output)")
        #expect(!run.output.contains("\u{1B}"), "nothing of curses reached the pipe")
    }

    @Test func anUnknownSliceGetsASuggestion() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let run = try WinnowProcess.run(["review", "--workspace", ws, "--slice", "biling"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no slice 'biling'") && run.stderr.contains("did you mean 'billing'"), "\(run.output)")
    }

    @Test func aBrokenKeymapIsReportedWithFileAndLine() throws {
        let tmp = try TemporaryFolder()
        let ws = try tmp.workspace()
        let keymap = tmp.path + "/mine.keymap"
        try "source default.keymap\nbind review a acept\nbind review <C-s> flag\n".write(toFile: keymap, atomically: true, encoding: .utf8)
        let run = try WinnowProcess.run(["review", "--workspace", ws, "--keymap", keymap])
        #expect(run.status == 1)
        #expect(run.stderr.contains("mine.keymap:2:") && run.stderr.contains("did you mean 'accept'"), "\(run.output)")
        #expect(run.stderr.contains("mine.keymap:3:"), "\(run.output)")
    }

    @Test func demoWithoutATerminalBuildsAndPointsAtReview() throws {
        let tmp = try TemporaryFolder()
        let run = try WinnowProcess.run(["demo", "--dir", tmp.path + "/demo", "--sample-data", WinnowProcess.sampleData])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.stdout.contains("winnow review --workspace"), "\(run.output)")
    }
}
