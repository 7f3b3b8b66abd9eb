import Foundation
import TerminalCore
import Testing
@testable import CursesTerminal

/// What a frame costs: every cell changed (a new screen) against one cell changed (a cursor
/// moving in a list), at 80x24 and 200x60. The times are printed for information only (a
/// shared machine makes timed assertions flaky: performance belongs to benchmarks); what is
/// checked is the shape: an incremental frame writes only the changed cell's few bytes.
/// Part of the serialized suite: curses has one screen per process.
extension CursesTerminalTests {
    static func frame(_ size: Size, seed: Int) -> Canvas {
        var canvas = Canvas(size: size)
        let words = ["accept", "reject", "中文", "slice", "médical", "row", "flag"]
        for y in 0..<size.rows {
            var text = ""
            var n = y + seed
            while text.count < size.columns { text += words[n % words.count] + " "; n += 1 }
            canvas.put(text, x: 0, y: y, style: y % 3 == 0 ? .bold : (y % 3 == 1 ? .plain : Style(colour: .green)))
        }
        return canvas
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 200, rows: 60)])
    func incrementalFramesWriteOnlyTheChange(size: Size) throws {
        let pty = try PseudoTerminal(columns: size.columns, rows: size.rows)
        defer { pty.close() }
        let terminal = try pty.open()
        defer { terminal.close() }
        let a = Self.frame(size, seed: 0), b = Self.frame(size, seed: 3)
        let clock = ContinuousClock()
        let rounds = 30
        var start = clock.now
        for round in 0..<rounds { terminal.present(round % 2 == 0 ? a : b) }
        let full = start.duration(to: clock.now) / rounds
        _ = pty.takeOutput()
        var moved = a
        start = clock.now
        for round in 0..<rounds * 10 {
            moved[round % size.columns, 1] = Cell(text: round % 2 == 0 ? "X" : "Y", style: .reverse)
            terminal.present(moved)
        }
        let incremental = start.duration(to: clock.now) / (rounds * 10)
        start = clock.now
        for _ in 0..<rounds * 10 { terminal.present(moved) }
        let unchanged = start.duration(to: clock.now) / (rounds * 10)
        usleep(100_000)
        _ = pty.takeOutput()
        moved[5, 5] = Cell(text: "Z")
        terminal.present(moved)
        let written = pty.waitForOutput(containing: "Z")
        print("present \(size) (\(size.columns * size.rows) cells): full frame \(full), one-cell frame \(incremental), unchanged frame \(unchanged), one-cell bytes \(written.utf8.count)")
        #expect(written.utf8.count < 64)
    }
}
