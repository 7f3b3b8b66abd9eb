import ArgumentParser
import Foundation
import Gates
import WinnowCore

/// The rows of the PII precision sample and what the PII gate finds in them.
///
/// Files are read the way a user hands them to `winnow import`: JSON Lines (one record a line),
/// a JSON array (one record an element) or either gzipped. A record the recogniser takes as a
/// row is scanned as the gate sees it (its `RowText` segments); a record it refuses (an Open
/// Assistant message tree, a bare JSON string, an Alpaca row with an empty output) is scanned
/// as every string in it, so nothing in a file is left out of the count.
///
/// Every match is checked as if the row were in the `medical` slice, where `pii = "reject"` by
/// default, so the action printed is the strictest the gate gives.
struct PIIBenchSample {
    /// One distinct match in one record: the same text twice in a row (an HH-RLHF prompt is in
    /// both `chosen` and `rejected`) is one thing to label.
    struct Match {
        var location: String
        var kind: String
        var reason: String
        var action: GateAction
        var matched: String
        /// The first 12 hex digits of the SHA-256 of the matched text: what a label file names,
        /// so labels can be published without copying the text of a non-commercial data set.
        var id: String { String(ContentHash.hex(Array(matched.utf8)).prefix(12)) }
        var key: String { "\(location)\t\(id)" }
    }

    var matches: [Match] = []
    var records = 0
    /// Records scanned as all their strings because the recogniser refused them.
    var unrecognised = 0

    static func scan(files: [String]) throws -> PIIBenchSample {
        var sample = PIIBenchSample()
        let gate = PIIGate(settings: .standard)
        let recognizer = RowRecognizer()
        for file in files {
            let name = URL(fileURLWithPath: file).pathComponents.suffix(2).joined(separator: "/")
            for (n, record) in try records(of: try bytes(of: file), file: file).enumerated() {
                sample.records += 1
                let text: RowText
                var tape = JSONTape()
                let recognised: RecognizedRow? = record.withUnsafeBufferPointer { source in
                    guard (try? tape.parse(source)) != nil, case .success(let row) = recognizer.recognize(tape, source: source)
                    else { return nil }
                    return row
                }
                if let row = recognised {
                    text = record.withUnsafeBufferPointer { recognizer.text(of: row.shape, tape, source: $0) }
                } else {
                    sample.unrecognised += 1
                    let value: JSONValue
                    do { value = try JSONValue.parse(record) } catch {
                        throw ValidationError("\(file): record \(n + 1) is not JSON: \(error)")
                    }
                    text = RowText(segments: strings(in: value).map { RowText.Segment(label: "text", text: $0) })
                }
                var provenance = Provenance()
                provenance.slices = ["medical"]
                let row = GateRow(id: "\(name):\(n + 1)", shape: recognised?.shape ?? .promptResponse, provenance: provenance, text: text)
                var seen = Set<String>()
                for finding in gate.check(row) {
                    let matched = finding.matched ?? ""
                    let kind = finding.detail.first { $0.0 == "kind" }?.1.stringValue ?? "?"
                    guard seen.insert(kind + "\t" + matched).inserted else { continue }
                    sample.matches.append(Match(location: row.id, kind: kind, reason: finding.reason, action: finding.action,
                                                matched: matched))
                }
            }
        }
        return sample
    }

    /// Every string value in `value`, depth first.
    static func strings(in value: JSONValue) -> [String] {
        if let s = value.stringValue { return [s] }
        if let array = value.arrayValue { return array.flatMap(strings) }
        if let object = value.objectValue { return object.flatMap { strings(in: $0.1) } }
        return []
    }

    /// The file's bytes, gunzipped by `gzip -dc` when the name ends in `.gz`.
    static func bytes(of file: String) throws -> [UInt8] {
        guard file.hasSuffix(".gz") else {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("\(file): cannot read") }
            return Array(data)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(file): gzip -dc failed") }
        return Array(data)
    }

    /// The records of a JSON array (its elements) or of JSON Lines (its non-blank lines).
    static func records(of bytes: [UInt8], file: String) throws -> [[UInt8]] {
        let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        guard first == UInt8(ascii: "[") else {
            return bytes.split(separator: 0x0A).map(Array.init)
                .filter { !$0.allSatisfy { [0x20, 0x09, 0x0D].contains($0) } }
        }
        let tape: JSONTape
        do { tape = try JSONTape.parse(bytes) } catch { throw ValidationError("\(file): not a JSON array: \(error)") }
        return tape.elements(0).map { Array(bytes[Int(tape.nodes[$0].start)..<Int(tape.nodes[$0].end)]) }
    }
}
