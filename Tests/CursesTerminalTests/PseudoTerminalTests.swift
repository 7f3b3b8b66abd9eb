import CNCursesW
import Foundation
import Testing

/// The test pseudo-terminal itself. Its drain thread lives in the one process every test shares,
/// so once the pair is hung up it must read nothing more: a CI run once lost whole lines of a
/// `winnow demo` child's stdout because the drain kept reading a descriptor number that the
/// hang-up had freed and another test's pipe had taken.
@Suite struct PseudoTerminalTests {
    @Test func aHungUpTerminalReadsNoDescriptorItDoesNotOwn() throws {
        let line = [UInt8](repeating: UInt8(ascii: "A"), count: 99) + [0x0A]
        let lines = 40  // 4,000 bytes: less than a pipe holds, so the writes below never block
        for _ in 0..<20 {
            let pty = try PseudoTerminal()
            defer { pty.close() }
            pty.hangUp()
            // The lowest free numbers: the master's, when nothing else took it meanwhile.
            var ends: [Int32] = [-1, -1]
            try #require(winnow_close_on_exec_pipe(&ends) == 0)  // a child holding it would hold off the end of file
            for _ in 0..<lines { _ = line.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } }
            close(ends[1])
            // Output on the slave would wake a drain still reading the master it was told to
            // let go of (here it fails: the master is closed); give such a drain time to go on
            // to the pipe.
            fputs("wake\n", pty.output)
            fflush(pty.output)
            usleep(20_000)
            var received = 0
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += count
            }
            close(ends[0])
            #expect(received == lines * line.count, "the pipe on fd \(ends[0]) lost \(lines * line.count - received) bytes")
        }
    }
}
