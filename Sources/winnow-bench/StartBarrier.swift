import ArgumentParser
import Foundation

/// The store benchmark's reviewers start reviewing together, once every one has opened its
/// workspace: without it, the first reviewers' first rows were timed while the other fifteen
/// processes were still opening theirs on the same two cores (each open reads the box's config,
/// checks its log against the store, catches its index up and plans the first rows).
///
/// Files, not signals or pipes: a reviewer runs inside `ip netns exec`, and a file in the
/// scratch folder is seen from every namespace. A reviewer writes its ready file once open, and
/// waits for the go file, which the benchmark writes when every reviewer is ready (or has died).
struct StartBarrier {
    let ready: String
    let go: String

    /// The longest a reviewer waits for the go.
    static let patience: UInt64 = 600 * 1_000_000_000

    /// A reviewer's side: says it is open, then waits (polling every 5 ms, so the waiting do not
    /// crowd those still opening) for the go. A benchmark that is gone (this process's parent
    /// is no longer `parent`, the benchmark's pid) or never says go (`patience`) ends the wait
    /// with an error, not a hang.
    func arrive(parent: pid_t) throws {
        try Data().write(to: URL(fileURLWithPath: ready))
        let giveUp = monotonicNanoseconds() + Self.patience
        while !FileManager.default.fileExists(atPath: go) {
            guard getppid() == parent, monotonicNanoseconds() < giveUp else {
                throw ValidationError("the benchmark never said go (\(go))")
            }
            usleep(5000)
        }
    }

    /// The benchmark's side: waits until every reviewer in `children` has written its ready file
    /// or exited (an exit is noted in `exited`, as `waitpid` reaps it), then writes the go file.
    static func release(_ children: [(pid: pid_t, ready: String)], go: String, exited: inout [pid_t: Int32]) throws {
        var waiting = children
        while !waiting.isEmpty {
            waiting.removeAll { child in
                if FileManager.default.fileExists(atPath: child.ready) { return true }
                var status: Int32 = 0
                switch waitpid(child.pid, &status, WNOHANG) {
                case child.pid:
                    exited[child.pid] = status
                    return true
                case -1 where errno != EINTR:
                    exited[child.pid] = -1  // not ours to wait for (never happens): counted as failed
                    return true
                default:
                    return false
                }
            }
            if !waiting.isEmpty { usleep(10_000) }
        }
        sync()  // the set-up's write-back done before the review, not during it (StoreBenchCommand)
        try Data().write(to: URL(fileURLWithPath: go))
    }
}
