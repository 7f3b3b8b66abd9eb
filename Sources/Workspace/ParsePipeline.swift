import Foundation
import WinnowCore

/// Reads and parses the next batch on a background thread while the caller inserts the previous
/// one, so the single SQLite writer, the file copy and hash, and the parsers run at the same time.
/// Only one batch is ever in flight, which bounds memory to about two chunks.
final class ParsePipeline: @unchecked Sendable {
    private let splitter: RecordSplitter
    private let recognizer: RowRecognizer
    private let workers: Int
    private let config: WorkspaceConfig?
    private let queue = DispatchQueue(label: "winnow.import.parse")
    private let group = DispatchGroup()
    private var result: Result<ProcessedBatch?, Error> = .success(nil)
    private var started = false

    /// With `countingFor`, each batch comes with its counts for the import summary.
    init(splitter: RecordSplitter, recognizer: RowRecognizer, workers: Int, countingFor config: WorkspaceConfig? = nil) {
        self.splitter = splitter
        self.recognizer = recognizer
        self.workers = workers
        self.config = config
    }

    private func schedule() {
        group.enter()
        queue.async { [self] in
            defer { group.leave() }
            result = Result {
                guard let batch = try splitter.nextBatch() else { return nil }
                return try processInParallel(batch, recognizer: recognizer, workers: workers, sink: splitter.sink,
                                             countingFor: config)
            }
        }
    }

    /// The next batch's outcomes, in input order; nil at the end of the input.
    func next() throws -> ProcessedBatch? {
        if !started {
            started = true
            schedule()
        }
        group.wait()
        let outcomes = try result.get()
        if outcomes != nil { schedule() }
        return outcomes
    }

    /// Waits for work in flight (after an error on the caller's side).
    func drain() { group.wait() }
}
