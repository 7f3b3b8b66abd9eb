import Foundation
import WinnowCore

/// Reads, hashes, copies and parses the input on background threads while the caller inserts
/// what is ready, in input order: one reader thread (read, cut into records, SHA-256 and copy of
/// the bytes) feeds `workers` parser threads, each taking a whole batch, and `next` hands the
/// batches back in the order they were read.
///
/// Why this shape: a single producer that read a batch and then parsed it on all cores left a
/// core idle while it read, and again at the barrier where the parsers waited for the slowest
/// share, and the writer waited on both; a quarter of two cores went unused on a million rows.
/// Whole batches per parser need no barrier, and the reader's serial work overlaps everything.
/// Memory stays bounded: at most `depth` batches wait for a parser, and the parsers run at most
/// `depth + workers` batches ahead of the caller (about 5 MB a batch).
final class ParsePipeline: @unchecked Sendable {
    private let splitter: RecordSplitter
    private let recognizer: RowRecognizer
    private let workers: Int
    private let config: WorkspaceConfig?
    private let depth: Int
    private let condition = NSCondition()
    // Everything below is guarded by `condition`.
    /// Batches read and sunk, waiting for a parser, with their sequence numbers.
    private var unparsed: [(seq: Int, batch: RecordBatch)] = []
    /// Results by sequence number; the reader's end (nil) or error takes the next number.
    private var done: [Int: Result<ProcessedBatch?, Error>] = [:]
    private var readSeq = 0
    private var takenSeq = 0
    private var nextSeq = 0
    private var readerFinished = false
    private var stopped = false
    private var threadsRunning = 0
    private var started = false

    /// With `countingFor`, each batch comes with its counts for the import summary.
    init(splitter: RecordSplitter, recognizer: RowRecognizer, workers: Int, countingFor config: WorkspaceConfig? = nil, depth: Int = 3) {
        self.splitter = splitter
        self.recognizer = recognizer
        self.workers = max(1, workers)
        self.config = config
        self.depth = max(1, depth)
    }

    private func start() {
        started = true
        threadsRunning = 1 + workers
        spawn { [self] in read() }
        for _ in 0..<workers { spawn { [self] in parse() } }
    }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            condition.lock()
            threadsRunning -= 1
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The reader: cuts batches, sinks their fresh bytes (hash and copy), queues them.
    private func read() {
        while true {
            condition.lock()
            while unparsed.count >= depth && !stopped { condition.wait() }
            if stopped { condition.unlock(); return }
            condition.unlock()
            let outcome = Result { () -> RecordBatch? in
                guard let batch = try splitter.nextBatch() else { return nil }
                if !batch.fresh.isEmpty {
                    try batch.bytes.withUnsafeBytes { try splitter.sink(UnsafeRawBufferPointer(rebasing: $0[batch.fresh])) }
                }
                return batch
            }
            condition.lock()
            defer { condition.broadcast(); condition.unlock() }
            switch outcome {
            case .success(let batch?):
                unparsed.append((readSeq, batch))
                readSeq += 1
            case .success(nil):
                done[readSeq] = .success(nil)
                readerFinished = true
                return
            case .failure(let error):
                done[readSeq] = .failure(error)
                readerFinished = true
                return
            }
        }
    }

    /// A parser: takes the oldest unparsed batch, processes it, files the result by number.
    private func parse() {
        while true {
            condition.lock()
            // Run at most `depth` batches ahead of the caller; the batch the caller waits for
            // has always been taken already, so this never holds it up.
            while !stopped && (unparsed.isEmpty || takenSeq - nextSeq >= depth + workers) && !(readerFinished && unparsed.isEmpty) {
                condition.wait()
            }
            if stopped || unparsed.isEmpty { condition.unlock(); return }
            let (seq, batch) = unparsed.removeFirst()
            takenSeq = seq + 1
            condition.broadcast()
            condition.unlock()
            let processed = processBatch(batch, recognizer: recognizer, countingFor: config)
            condition.lock()
            done[seq] = .success(processed)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// The next batch's outcomes, in input order; nil at the end of the input.
    func next() throws -> ProcessedBatch? {
        if !started { start() }
        condition.lock()
        while done[nextSeq] == nil && threadsRunning > 0 { condition.wait() }
        guard let result = done.removeValue(forKey: nextSeq) else {
            condition.unlock()
            return nil
        }
        nextSeq += 1
        condition.broadcast()
        condition.unlock()
        return try result.get()
    }

    /// Stops the threads and waits for them (after an error on the caller's side, or at the end).
    func drain() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while threadsRunning > 0 { condition.wait() }
        condition.unlock()
    }
}
