import WinnowCore

/// Why eval files could not be loaded: a file that cannot be read, a bad line in strict mode,
/// or a file with no usable item at all (a contamination check that silently checks nothing is
/// worse than an error).
public enum ContaminationError: UserFacingError, Equatable {
    case unreadable(file: String, reason: String)
    case badLine(SourceLocation, String)
    case noItems(file: String, reason: String)

    public var message: String {
        switch self {
        case .unreadable(let file, let reason): return "\(file): cannot read the eval file: \(reason)"
        case .badLine(let location, let reason): return "\(location): \(reason)"
        case .noItems(let file, let reason): return "\(file): no eval items (\(reason))"
        }
    }
}

extension ContaminationIndex {
    /// A line of an eval file that was left out, with where and why. Returned, never dropped:
    /// the workspace shows them so a person knows the eval set is smaller than the file.
    public struct LoadWarning: Sendable, Equatable, CustomStringConvertible {
        public var location: SourceLocation
        public var reason: String
        public var description: String { "\(location): \(reason)" }

        public init(location: SourceLocation, reason: String) {
            self.location = location
            self.reason = reason
        }
    }

    /// The eval items read from files, and the lines left out.
    public struct Loaded: Sendable {
        public var items: [EvalItem]
        public var warnings: [LoadWarning]

        public init(items: [EvalItem] = [], warnings: [LoadWarning] = []) {
            self.items = items
            self.warnings = warnings
        }
    }

    /// How an eval file's bytes are laid out, from its name: `.csv` and `.tsv` are tables,
    /// anything else JSON (JSON Lines, or one JSON array); a `.gz` ending is looked through
    /// (the caller decompresses).
    public enum EvalFormat: Sendable, Equatable {
        case json
        case table(separator: UInt8)

        public init(name: String) {
            var lower = name.lowercased()
            if lower.hasSuffix(".gz") { lower.removeLast(3) }
            if lower.hasSuffix(".csv") {
                self = .table(separator: UInt8(ascii: ","))
            } else if lower.hasSuffix(".tsv") {
                self = .table(separator: 0x09)
            } else {
                self = .json
            }
        }
    }

    /// The items in one eval file's (decompressed) bytes. `name` is what findings and messages
    /// call the file. With `strict` the first bad line throws; otherwise bad lines come back as
    /// warnings. A file with no item at all throws `noItems`, naming the first problem.
    public static func evalItems(in bytes: [UInt8], name: String, format: EvalFormat? = nil, strict: Bool = false)
        throws(ContaminationError) -> Loaded
    {
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            throw .unreadable(file: name, reason: "gzip data that was not decompressed")
        }
        var loaded: Loaded
        switch format ?? EvalFormat(name: name) {
        case .json: loaded = try parseEvalItems(bytes, name: name, strict: strict)
        case .table(let separator): loaded = try parseTable(bytes, name: name, separator: separator, strict: strict)
        }
        if loaded.items.isEmpty {
            let reason = loaded.warnings.first.map { "first problem: \($0)" } ?? "the file is empty"
            throw .noItems(file: name, reason: reason)
        }
        loaded.warnings.sort { ($0.location.line ?? 0) < ($1.location.line ?? 0) }
        return loaded
    }

    /// The items of JSON bytes: one JSON value per line (an object, or a bare string that is a
    /// prompt), or a JSON array of them.
    public static func parseEvalItems(_ bytes: [UInt8], name: String, strict: Bool = false) throws(ContaminationError) -> Loaded {
        var result = Loaded()
        var failure: ContaminationError?
        bytes.withUnsafeBufferPointer { all in
            var start = 0
            if all.count >= 3 && all[0] == 0xEF && all[1] == 0xBB && all[2] == 0xBF { start = 3 }
            var first = start
            while first < all.count && (all[first] == 0x20 || all[first] == 0x0A || all[first] == 0x0D || all[first] == 0x09) {
                first += 1
            }
            var tape = JSONTape()
            func take(_ record: UnsafeBufferPointer<UInt8>, line: Int) -> Bool {
                do throws(ContaminationError) {
                    result.items += try items(record, tape: &tape, name: name, line: line)
                } catch {
                    guard case .badLine(let location, let reason) = error, !strict else {
                        failure = error
                        return false
                    }
                    result.warnings.append(LoadWarning(location: location, reason: reason))
                }
                return true
            }
            if first < all.count && all[first] == UInt8(ascii: "[") {
                // One JSON array (Alpaca-style .json files): each element is an item.
                do throws(JSONSyntaxError) {
                    try tape.parse(UnsafeBufferPointer(rebasing: all[start...]))
                } catch {
                    failure = .badLine(SourceLocation(file: name, line: line(of: start + error.offset, in: all)),
                                       "not valid JSON: \(error.reason)")
                    return
                }
                let whole = tape
                for element in whole.elements(0) {
                    let node = whole.nodes[element]
                    let range = Int(node.start) + start..<Int(node.end) + start
                    let isString = node.kind == .string
                    let record = UnsafeBufferPointer(rebasing: all[(isString ? range.lowerBound - 1 : range.lowerBound)..<(isString ? range.upperBound + 1 : range.upperBound)])
                    guard take(record, line: line(of: range.lowerBound, in: all)) else { return }
                }
                return
            }
            var lineNumber = 0
            var lineStart = start
            while lineStart < all.count {
                lineNumber += 1
                var end = lineStart
                while end < all.count && all[end] != 0x0A { end += 1 }
                var body = end
                if body > lineStart && all[body - 1] == 0x0D { body -= 1 }
                let record = UnsafeBufferPointer(rebasing: all[lineStart..<body])
                if record.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                    guard take(record, line: lineNumber) else { return }
                }
                lineStart = end + 1
            }
        }
        if let failure { throw failure }
        return result
    }

    /// 1-based line number of a byte offset.
    static func line(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1 }
        return line
    }

    /// One record's eval items (several when it nests a list of instances): see `EvalFields`.
    static func items(_ record: UnsafeBufferPointer<UInt8>, tape: inout JSONTape, name: String, line: Int)
        throws(ContaminationError) -> [EvalItem]
    {
        let location = SourceLocation(file: name, line: line)
        do throws(JSONSyntaxError) {
            try tape.parse(record)
        } catch {
            throw .badLine(location, "not valid JSON: \(error.reason) (byte \(error.offset + 1) of the line)")
        }
        let value: JSONValue
        do throws(CanonicalizationError) { value = try tape.value(0, source: record) } catch {
            throw .badLine(location, "not usable JSON: \(error.reason)")
        }
        let parts: [EvalFields.Parts]
        do throws(RowProblem) { parts = try EvalFields.items(of: value) } catch {
            throw .badLine(location, error.reason)
        }
        let id = EvalFields.id(of: value) ?? "\(name):\(line)"
        return parts.enumerated().map { k, part in
            EvalItem(id: parts.count == 1 ? id : "\(id)#\(k + 1)", file: name, line: line,
                     prompt: part.prompt, answer: part.answer, firstTurn: part.firstTurn)
        }
    }
}
