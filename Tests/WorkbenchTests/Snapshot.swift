import Foundation
import TerminalCore
import Testing

/// Compares a screen with `Snapshots/NAME.screen`. A missing snapshot is written and the test
/// fails once, saying so; `WINNOW_RECORD_SNAPSHOTS=1` rewrites them all after a deliberate
/// change (review the diff before committing).
func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent(name + ".screen")
    let recording = ProcessInfo.processInfo.environment["WINNOW_RECORD_SNAPSHOTS"] == "1"
    let stored = try? String(contentsOf: file, encoding: .utf8)
    if stored == nil || recording {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        if stored == nil {
            Issue.record("recorded a new snapshot \(name).screen: check it and run again", sourceLocation: sourceLocation)
        }
        return
    }
    let expected = String(stored!.dropLast(stored!.hasSuffix("\n") ? 1 : 0))
    if expected != text {
        let diff = zip(expected.split(separator: "\n", omittingEmptySubsequences: false), text.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().filter { $0.element.0 != $0.element.1 }
            .prefix(5).map { "line \($0.offset + 1):\n  expected: \($0.element.0)\n  actual:   \($0.element.1)" }
        Issue.record("screen differs from \(name).screen:\n\(diff.joined(separator: "\n"))\n--- actual screen ---\n\(text)",
                     sourceLocation: sourceLocation)
    }
}

/// The screen as text with its marks made visible, for snapshots of what is highlighted: after
/// each line holding marked cells comes a line with `-` under text marked as only in the first
/// of two texts (chosen, this row, before an edit) and `+` under text only in the second (the
/// word-diff styles). Text snapshots alone cannot show a highlight.
func markedText(_ canvas: Canvas) -> String {
    var out: [String] = []
    for y in 0..<canvas.size.rows {
        out.append(canvas.line(y))
        var marks = ""
        for x in 0..<canvas.size.columns {
            let cell = canvas[x, y]
            guard cell.style.reverse, [.red, .green].contains(cell.style.colour) else { marks += " "; continue }
            marks += cell.style.colour == .red ? "-" : "+"
        }
        while marks.hasSuffix(" ") { marks.removeLast() }
        if !marks.isEmpty { out.append(marks) }
    }
    return out.joined(separator: "\n")
}
