import ArgumentParser
import Foundation
import Gates
import WinnowCore

/// `winnow-bench dedup`: the near-duplicate gate on a make_rows.py file, side by side with
/// reference_dedup.py (datasketch MinHashLSH with the same parameters), scored on the planted
/// pairs listed in FILE.truth.json.
///
/// Like for like: the reference's clock starts before it opens the file and stops after its
/// LSH queries, so it measures reading + parsing + detection, not interpreter start-up or
/// scoring. winnow's "total" covers the same work; "detection" is the gate alone (signatures,
/// banding, verification, clusters), the part `winnow gates` adds to an import. Both compare the
/// same text: the reference's `body()` (assistant turns of a chat; else output, chosen or
/// response). Recall counts a planted pair found when both rows end up in one cluster (the
/// reference counts a pair found when LSH returns it as a candidate; see `--candidates`).
struct DedupBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Near-duplicate detection: rows/s and recall vs reference_dedup.py (datasketch).")

    @Argument(help: "A JSONL file from make_rows.py, with FILE.truth.json beside it.")
    var file: String

    @Option(help: "Only the first N rows (0: all).")
    var limit: Int = 0

    @Option(help: "Timed runs of winnow; medians are reported.")
    var runs: Int = 3

    @Option(help: "reference_dedup.py to compare with ('none' to skip).")
    var reference: String = "../shared/bench/reference_dedup.py"

    @Option(help: "Runs of the reference (it is slow; medians are reported).")
    var referenceRuns: Int = 1

    @Option(help: "Jaccard threshold.")
    var threshold: Double = 0.8

    @Option(help: "MinHash permutations.")
    var permutations: Int = 128

    @Option(help: "Weight of false negatives when choosing the banding (false positives get 1 minus this); winnow's default 0.9, datasketch's 0.5.")
    var falseNegativeWeight: Double = 0.9

    @Flag(help: "Count LSH candidates without verifying their similarity (what MinHashLSH.query returns).")
    var candidates = false

    func validate() throws {
        guard runs >= 1, referenceRuns >= 1 else { throw ValidationError("--runs and --reference-runs must be at least 1") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file): no such file") }
        let options = NearDuplicateOptions(permutations: permutations, threshold: threshold)
        if let problem = options.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let options = NearDuplicateOptions(
            permutations: permutations, threshold: threshold, text: .answer, verifyCandidates: !candidates,
            falsePositiveWeight: 1 - falseNegativeWeight, falseNegativeWeight: falseNegativeWeight)
        print("winnow near-duplicate gate: \(options.permutations) permutations, threshold \(options.threshold), "
              + "\(options.banding), \(candidates ? "LSH candidates only" : "candidates verified by estimated Jaccard")")
        var totals: [Double] = [], detections: [Double] = [], cpus: [Double] = []
        var last: (report: NearDuplicateReport, ids: [String])?
        for _ in 0..<runs {
            let cpu = Self.cpuSeconds(RUSAGE_SELF)
            let run = try DedupBenchRun.measure(file: file, limit: limit, options: options)
            cpus.append(Self.cpuSeconds(RUSAGE_SELF) - cpu)
            totals.append(run.total)
            detections.append(run.detection)
            last = (run.report, run.ids)
        }
        guard let (report, ids) = last else { return }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let rows = ids.count
        let score = try DedupBenchScore(truthPath: file + ".truth.json", ids: ids, report: report)
        let total = median(totals), detection = median(detections)
        print(String(format: "winnow:    %d rows, %d pairs, %d clusters; planted %d, recall %.3f (%d in one cluster; %.3f as direct pairs)",
                     rows, report.pairCount, report.clusters.count, score.planted, score.recall, score.found, score.pairRecall))
        print(String(format: "winnow:    total (read + parse + detect) median %.2f s = %.0f rows/s; detection only median %.2f s = %.0f rows/s; %d runs",
                     total, Double(rows) / total, detection, Double(rows) / detection, runs))
        print(String(format: "winnow:    CPU (user + sys, all threads) median %.2f s per run = %.0f rows per CPU-second; peak RSS %.0f MB",
                     median(cpus), Double(rows) / median(cpus), peakMB))
        guard reference != "none", FileManager.default.fileExists(atPath: reference) else {
            print("reference: \(reference) not found; skipped")
            return
        }
        var seconds: [Double] = [], referenceCPUs: [Double] = []
        var output = ""
        for _ in 0..<referenceRuns {
            let cpu = Self.cpuSeconds(RUSAGE_CHILDREN)
            output = try runReference()
            referenceCPUs.append(Self.cpuSeconds(RUSAGE_CHILDREN) - cpu)
            guard let s = Self.number(after: "reference_dedup: ", in: output) else {
                throw ValidationError("reference_dedup.py printed no timing:\n\(output)")
            }
            seconds.append(s)
        }
        var children = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &children)
        let referenceSeconds = median(seconds)
        let referenceRecall = Self.number(after: "recall ", in: output) ?? .nan
        print("reference: " + output.split(separator: "\n").joined(separator: "\nreference: "))
        print(String(format: "reference: median %.2f s over %d runs = %.0f rows/s (its own clock: read + parse + detect); peak RSS %.0f MB",
                     referenceSeconds, referenceRuns, Double(rows) / referenceSeconds, Double(children.ru_maxrss) / 1024))
        print(String(format: "reference: CPU median %.2f s per run (whole process, with start-up and scoring) = %.0f rows per CPU-second",
                     median(referenceCPUs), Double(rows) / median(referenceCPUs)))
        print(String(format: "ratio (winnow total rows/s ÷ reference rows/s): %.1fx; detection only: %.1fx",
                     referenceSeconds / total, referenceSeconds / detection))
        print(String(format: "recall: winnow %.3f, reference %.3f (%@)", score.recall, referenceRecall,
                     score.recall >= referenceRecall ? "winnow at least equal" : "winnow LOWER"))
    }

    /// User + system CPU seconds of this process (all threads) or of its waited-for children.
    static func cpuSeconds(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func runReference() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", reference, file] + (limit > 0 ? ["--limit", "\(limit)"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("reference_dedup.py exited \(process.terminationStatus) (is datasketch installed? pip install datasketch)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The number right after `marker` in the reference's output ("recall 0.617", "12.3 s").
    static func number(after marker: String, in text: String) -> Double? {
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber || $0 == "." }
        return Double(digits)
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// Recall on the planted pairs, computed as reference_dedup.py does: exact and near pairs
/// whose rows were both read; a pair counts as found when both rows share a cluster.
struct DedupBenchScore {
    var planted = 0
    var found = 0
    /// Planted pairs that are themselves a reported pair (not only linked through others).
    var foundAsPairs = 0
    var recall: Double { Double(found) / Double(max(1, planted)) }
    var pairRecall: Double { Double(foundAsPairs) / Double(max(1, planted)) }

    init(truthPath: String, ids: [String], report: NearDuplicateReport) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: truthPath))
        guard let truth = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("\(truthPath): not a JSON object")
        }
        let read = Set(ids)
        var cluster: [String: String] = [:]
        for match in report.matches { cluster[match.id] = match.cluster }
        var pairs = Set<[String]>()
        for key in ["near", "exact"] {
            for case let pair as [String] in truth[key] as? [Any] ?? [] where pair.count == 2 {
                if read.contains(pair[0]) && read.contains(pair[1]) { pairs.insert(pair.sorted()) }
            }
        }
        planted = pairs.count
        found = pairs.filter { pair in cluster[pair[0]].map { $0 == cluster[pair[1]] } ?? false }.count
        let reported = Set(report.pairs.map { [$0.first, $0.second].sorted() })
        foundAsPairs = pairs.intersection(reported).count
    }
}

/// One timed pass: read the file in 16 MB blocks, parse each block's lines on all cores, feed
/// the detector in file order, cluster.
struct DedupBenchRun {
    var total: Double
    var detection: Double
    var report: NearDuplicateReport
    var ids: [String]

    static func measure(file: String, limit: Int, options: NearDuplicateOptions) throws -> DedupBenchRun {
        let start = DispatchTime.now().uptimeNanoseconds
        var detectNanos: UInt64 = 0
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ValidationError("\(file): cannot read") }
        defer { try? handle.close() }
        var detector = NearDuplicateDetector(options: options)
        var ids: [String] = []
        var carry: [UInt8] = []
        var done = false
        while !done {
            let data = try handle.read(upToCount: 1 << 24) ?? Data()
            var block = carry
            block.append(contentsOf: data)
            let end = data.isEmpty ? block.count : (block.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
            carry = Array(block[end...])
            let rows = parse(block, upTo: end)
            let t0 = DispatchTime.now().uptimeNanoseconds
            for (id, text) in rows {
                if limit > 0 && ids.count >= limit {
                    done = true
                    break
                }
                detector.add(id: id, text: text)
                ids.append(id)
            }
            detectNanos += DispatchTime.now().uptimeNanoseconds - t0
            if data.isEmpty { done = true }
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let report = detector.finish()
        let finish = DispatchTime.now().uptimeNanoseconds
        detectNanos += finish - t0
        return DedupBenchRun(
            total: Double(finish - start) / 1e9, detection: Double(detectNanos) / 1e9, report: report, ids: ids)
    }

    /// (id, compared text) of each line in `block[0..<end]`, in order; lines that are not rows
    /// are skipped (make_rows.py writes none).
    static func parse(_ block: [UInt8], upTo end: Int) -> [(String, String)] {
        guard end > 0 else { return [] }
        let parts = ProcessInfo.processInfo.activeProcessorCount * 2
        let results = ConcurrentSlots<[(String, String)]>(count: parts)
        block.withUnsafeBufferPointer { whole in
            let bytes = DedupBenchBytes(buffer: UnsafeBufferPointer(rebasing: whole[0..<end]))
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let all = bytes.buffer
                var lower = all.count * part / parts, upper = all.count * (part + 1) / parts
                while lower > 0 && lower < all.count && all[lower - 1] != 0x0A { lower += 1 }
                while upper < all.count && upper > 0 && all[upper - 1] != 0x0A { upper += 1 }
                var out: [(String, String)] = []
                var tape = JSONTape()
                let recognizer = RowRecognizer()
                var lineStart = lower
                while lineStart < upper {
                    var lineEnd = lineStart
                    while lineEnd < upper && all[lineEnd] != 0x0A { lineEnd += 1 }
                    let line = UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd])
                    lineStart = lineEnd + 1
                    guard (try? tape.parse(line)) != nil, case .success(let row) = recognizer.recognize(tape, source: line),
                          let id = row.ownID else { continue }
                    out.append((id, body(recognizer.text(of: row.shape, tape, source: line), shape: row.shape)))
                }
                results.set(part, out)
            }
        }
        return (0..<parts).flatMap { results.get($0) ?? [] }
    }

    /// reference_dedup.py's `body(row)`: a chat's non-user turns joined by spaces; otherwise
    /// the first non-empty of output, chosen, response.
    static func body(_ text: RowText, shape: RowShape) -> String {
        if shape == .chat {
            return text.segments.filter { $0.label != "user" }.map(\.text).joined(separator: " ")
        }
        for label in ["output", "chosen", "response"] {
            if let segment = text.segments.first(where: { $0.label == label }) { return segment.text }
        }
        return ""
    }
}

struct DedupBenchBytes: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<UInt8>
}
