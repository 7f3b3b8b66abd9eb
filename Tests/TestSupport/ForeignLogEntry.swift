import Foundation
import ProvenanceLog

/// Seals an entry into a log as another OS user would have written it. Tests of two reviewers
/// (overlap, adjudication, another reviewer's decision landing live) need two users, and a test
/// process is only one; the entry is chained and hashed exactly as `LogFile.append` would.
public func appendForeignEntry(_ payload: some LogPayload, user: String, uid: Int, ts: String = LogTimestamp.now(),
                               toLog path: String) throws {
    let head = try LogFile.open(at: path).head()
    let (_, line) = try LogEntry.seal(
        seq: head.seq + 1, prev: head.hash, ts: ts, actor: LogActor(uid: uid, user: user, host: "test"),
        tool: "winnow test", kind: type(of: payload).kind.rawValue, fields: payload.toFields())
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(line))
}
