import Foundation
import TestSupport
import Testing

/// Issue 12, item 5, in a real terminal: a row with Devanagari, a flag, a keycap, a VS16 heart,
/// a skin tone and a ZWJ family, imported and opened in `winnow review` inside tmux, reaches
/// the pane whole (before: `नमस् हन्`, 🇬, `�`, 👍 without its tone, `<U+200D>` between the
/// family), and under LANG=C the frames are ASCII while the row stays as written.
///
/// tmux 3.3 measures some emoji its own way (❤️ and 1️⃣ one column, 👍🏽 four); winnow writes
/// each cluster at its own column, so the row's items are spaced to leave room for that, and
/// what is checked is that every cluster arrives whole and the text around it is in place.
@Suite(.serialized)
struct TextAsWrittenTmuxTests {
    static let clusters = ["नमस्ते हिन्दी", "🇬🇧", "1️⃣", "❤️", "👍🏽", "👨‍👩‍👧"]
    static let row = #"{"id": "script-0001", "messages": [{"role": "user", "content": "Scripts: नमस्ते हिन्दी   flag 🇬🇧   keycap 1️⃣   heart ❤️   tone 👍🏽   family 👨\u200d👩\u200d👧   end of row"}, {"role": "assistant", "content": "Noted."}], "meta": {"slice": "general", "origin": "synthetic", "generator": "g1"}}"#

    /// A workspace holding only that row, every row of its slice queued for review.
    static func workspace(_ tmp: TemporaryDirectory) throws -> String {
        let dir = tmp.file("ws")
        _ = try ChildProcess.run(ReviewTmuxTests.winnow, ["init", dir])
        let config = try String(contentsOfFile: dir + "/winnow.toml", encoding: .utf8)
            .replacingOccurrences(of: "review_rate = 0.05", with: "review_rate = 1.0")
        try config.write(toFile: dir + "/winnow.toml", atomically: true, encoding: .utf8)
        try (row + "\n").write(toFile: tmp.file("scripts.jsonl"), atomically: true, encoding: .utf8)
        let imported = try ChildProcess.run(ReviewTmuxTests.winnow, ["import", "--workspace", dir, tmp.file("scripts.jsonl")])
        guard imported.status == 0 else { throw TmuxSession.Failure(description: "winnow import failed: \(imported.stderr)") }
        return dir
    }

    @Test(arguments: ["C.UTF-8", "C"])
    func theRowReachesThePaneWhole(locale: String) throws {
        let tmp = try TemporaryDirectory(prefix: "winnow-tmux-scripts")
        let ws = try Self.workspace(tmp)
        let tmux = try TmuxSession()
        try tmux.typeLine("LANG=\(locale) LC_ALL=\(locale) '\(ReviewTmuxTests.winnow)' review --workspace '\(ws)'; echo winnow-exit=$?")
        let screen = try tmux.waitFor("the row") { $0.contains("script-0001") && $0.contains("end of row") }.joined(separator: "\n")
        for cluster in Self.clusters {
            #expect(screen.contains(cluster), "\(cluster) whole in the pane under LANG=\(locale)")
        }
        #expect(screen.contains("Scripts: नमस्ते हिन्दी   flag 🇬🇧"), "the text around the clusters is in place")
        #expect(!screen.contains("<U+200D>") && !screen.contains("\u{FFFD}"))
        let raw = try tmux.run(["capture-pane", "-p", "-e", "-t", TmuxSession.target])
        #expect(raw.contains("👨\u{200D}👩\u{200D}👧"), "the family's joiners reached the terminal")
        if locale == "C" {
            #expect(!screen.contains("─") && !screen.contains("·"), "ASCII frames under LANG=C")
            #expect(screen.contains("winnow - review") && screen.contains("---"))
        } else {
            #expect(screen.contains("winnow · review") && screen.contains("───"))
        }
        try tmux.press("Q")
        try ReviewTmuxTests.expectRestored(tmux, status: 0)
        withExtendedLifetime(tmp) {}
    }
}
