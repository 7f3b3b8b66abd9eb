import Foundation
import WinnowCore

/// A file sent to the store while the caller is still working out whether it wants it stored:
/// an import's source, sent while the import parses it, so that a million-row import into a
/// store costs about what it costs in a file workspace (issue 13 asks for at most 3x), rather
/// than that plus sending the file afterwards.
///
/// The file's SHA-256 is worked out first (the parts are stored under it; with the CPU's SHA
/// instructions a 600 MB file takes about a third of a second), then the parts go in on a
/// connection of this upload's own, inside one transaction. The transaction commits only when
/// `finish(as:)` names the same SHA-256, which is the one the import computed from the bytes it
/// read: a file that changed meanwhile, an import that stopped, a source the import stored
/// under another name (a file of message trees stores the rows they expand to) roll it back,
/// and nothing half-sent is ever seen. Any failure here is only a lost head start: the import's
/// log entry still stores its source the ordinary way (`ServerFiles.put`) before it is appended,
/// and reports that way's errors.
///
/// The transaction holds the parts' keys until the import ends: another box or process storing
/// the same file at the same time waits for it (and past its statement deadline fails, saying
/// the connection was lost; run again, it finds the file stored). Two leads importing one file
/// at once is the only way to meet this.
public final class ServerFileUpload: @unchecked Sendable {
    /// How an upload ended, for `finish` and the tests.
    public enum Outcome: Sendable, Equatable {
        /// The store holds the file now: this upload stored it, or someone had.
        case stored(sha: String)
        /// Not stored: the reason, never shown to a user (the ordinary way says its own).
        case notStored(reason: String)
    }

    struct NotWanted: Error {}

    private let condition = NSCondition()
    /// What the caller wants: nil until it says; then the SHA-256 it wants stored, or "" for nothing.
    private var wanted: String?
    private var outcome: Outcome?

    private init() {}

    /// Starts sending the file at `path` to the store at `url` on a thread of its own.
    public static func start(_ path: String, to url: StoreURL) -> ServerFileUpload {
        let upload = ServerFileUpload()
        let thread = Thread { upload.run(path, url: url) }
        thread.name = "winnow-upload"
        thread.start()
        return upload
    }

    /// Waits for the upload and keeps it if the file is `sha`; the outcome. Called once.
    @discardableResult
    public func finish(as sha: String) -> Outcome {
        say(sha)
        return awaitOutcome()
    }

    /// Rolls the upload back (if it has not ended) and waits until it has.
    public func abandon() {
        say("")
        _ = awaitOutcome()
    }

    private func say(_ sha: String) {
        condition.lock()
        if wanted == nil { wanted = sha }
        condition.broadcast()
        condition.unlock()
    }

    private func awaitOutcome() -> Outcome {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return outcome!
    }

    /// Whether the file `sha` (nil: not known yet) may still be the one wanted: the caller has
    /// not said, or said this one. Asked before each part, and while hashing, so an upload the
    /// import will not keep (abandoned, or another file) stops early instead of sending it all.
    private func stillWanted(_ sha: String? = nil) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let wanted else { return true }
        return wanted != "" && (sha == nil || wanted == sha)
    }

    /// Blocks until the caller says which file it wants.
    private func awaitWanted() -> String {
        condition.lock()
        defer { condition.unlock() }
        while wanted == nil { condition.wait() }
        return wanted!
    }

    private func end(_ result: Outcome) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    private func run(_ path: String, url: StoreURL) {
        do {
            guard let sha = try Self.hash(path, while: { stillWanted() }), stillWanted(sha) else { return end(.notStored(reason: "not the file wanted")) }
            let connection = try ServerConnection.connect(url)
            defer { connection.close() }
            let files = ServerFiles(connection)
            if try files.has(sha) {
                return end(awaitWanted() == sha ? .stored(sha: sha) : .notStored(reason: "not the file wanted"))
            }
            try connection.transaction(doing: "store file \(sha)") {
                let parts = try files.sendParts(sha, from: path, keepGoing: { stillWanted(sha) })
                guard awaitWanted() == sha else { throw NotWanted() }
                try files.record(sha, parts: parts)
            }
            end(.stored(sha: sha))
        } catch is NotWanted {
            end(.notStored(reason: "not the file wanted"))
        } catch {
            end(.notStored(reason: (error as? UserFacingError)?.message ?? "\(error)"))
        }
    }

    /// The SHA-256 of the file's bytes, or nil once `keepGoing` says stop.
    static func hash(_ path: String, while keepGoing: () -> Bool) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.unexpected(url: "", doing: "hash \(path)", reason: "cannot open it")
        }
        defer { try? handle.close() }
        var hasher = StreamingHash()
        while let data = try handle.read(upToCount: ServerFiles.partSize), !data.isEmpty {
            guard keepGoing() else { return nil }
            data.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalizeHex()
    }
}
