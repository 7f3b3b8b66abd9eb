import CNCursesW
import Foundation
@testable import CursesTerminal

/// A pseudo-terminal pair for driving `CursesTerminal` inside the test process: curses gets the
/// slave side as its screen and keyboard; the test types into the master side and reads what
/// curses wrote back (a thread drains it, so curses never blocks on a full buffer).
final class PseudoTerminal: @unchecked Sendable {
    let master: Int32
    let slave: Int32
    let input: UnsafeMutablePointer<FILE>
    let output: UnsafeMutablePointer<FILE>
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private let drained = DispatchSemaphore(value: 0)
    /// Guarded by `lock`: whether the master is still open, and whether a hang-up was asked for.
    private var masterOpen = true
    private var askedToHangUp = false

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(columns: Int = 80, rows: Int = 24) throws {
        var master: Int32 = -1, slave: Int32 = -1
        guard winnow_open_pseudo_terminal(&master, &slave) == 0 else {
            throw Failure(description: "no pseudo-terminal: errno \(errno)")
        }
        self.master = master
        self.slave = slave
        // Both sides, and the slave's second descriptor, are close-on-exec: a child another test
        // starts (tmux, winnow) must not keep the pair open past a hang-up.
        let second = fcntl(slave, F_DUPFD_CLOEXEC, 0)
        guard second >= 0, let input = fdopen(slave, "r") else {
            let failed = errno
            for fd in [master, slave, second] where fd >= 0 { Foundation.close(fd) }
            throw Failure(description: "cannot open the pseudo-terminal's slave side: errno \(failed)")
        }
        guard let output = fdopen(second, "w") else {
            let failed = errno
            fclose(input)
            for fd in [master, second] { Foundation.close(fd) }
            throw Failure(description: "cannot open the pseudo-terminal's slave side: errno \(failed)")
        }
        self.input = input
        self.output = output
        resize(columns: columns, rows: rows)
        Thread.detachNewThread { [self] in drain() }
    }

    /// Reads what curses writes until the slave side is gone or a hang-up is asked for, then
    /// closes the master itself. Only this thread closes it: after a close from another thread,
    /// the read in flight (or the next one) would go to whatever took the number meanwhile (a
    /// pipe another test opened, say) and read that test's output away from it. That happened in CI: a
    /// `winnow demo` run lost whole lines of its stdout.
    private func drain() {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while !hangUpAsked {
            var ready = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 20)
            if polled < 0 && errno == EINTR { continue }
            if polled < 0 { break }
            if polled == 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            lock.lock()
            bytes.append(contentsOf: chunk[0..<count])
            lock.unlock()
        }
        lock.lock()
        masterOpen = false
        Foundation.close(master)
        lock.unlock()
        drained.signal()
    }

    private var hangUpAsked: Bool {
        lock.lock()
        defer { lock.unlock() }
        return askedToHangUp
    }

    /// Opens curses on this pseudo-terminal.
    func open(term: String? = "xterm-256color", noColor: String? = nil) throws -> CursesTerminal {
        try CursesTerminal(term: term, noColor: noColor, input: input, output: output)
    }

    func resize(columns: Int, rows: Int) {
        _ = winnow_set_window_size(slave, UInt16(rows), UInt16(columns))
    }

    /// Types `text` as if at the keyboard.
    func type(_ text: String) {
        let data = Array(text.utf8)
        lock.lock()
        defer { lock.unlock() }
        guard masterOpen else { return }
        _ = data.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Everything curses has written so far, then forgets it.
    func takeOutput() -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let taken = bytes
        bytes = []
        return taken
    }

    /// Waits (up to a second) until the drain thread has seen `text`: output is asynchronous.
    func waitForOutput(containing text: String) -> String {
        let deadline = Date().addingTimeInterval(1)
        var seen: [UInt8] = []
        repeat {
            seen += takeOutput()
            let decoded = String(decoding: seen, as: UTF8.self)
            if decoded.contains(text) { return decoded }
            usleep(10_000)
        } while Date() < deadline
        return String(decoding: seen, as: UTF8.self)
    }

    /// Closes the terminal's far side, as when an ssh connection drops: reads on the slave
    /// side fail from then on. The drain thread does the close (see `drain`); this waits for it.
    func hangUp() {
        lock.lock()
        askedToHangUp = true
        lock.unlock()
        drained.wait()
        drained.signal()  // for the next caller: the drain has ended for good
    }

    func close() {
        fclose(input)
        fclose(output)
        hangUp()
    }
}
