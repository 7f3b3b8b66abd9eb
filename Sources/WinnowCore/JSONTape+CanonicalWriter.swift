import Foundation

extension JSONTape {
    /// Appends the canonical form (see `CanonicalJSON`) of the value at `index` to `out`.
    /// `skippingKey`, on the top-level object only, leaves one member out (a log entry's "hash").
    public func writeCanonical(
        _ index: Int, source: UnsafeBufferPointer<UInt8>, into out: inout [UInt8],
        skippingKey: StaticString? = nil
    ) throws(CanonicalizationError) {
        // The output is rarely much longer than the input; a second pass fixes the rare miss.
        var room = max(64, source.count + source.count / 4)
        while true {
            var needed = 0
            var failure: CanonicalizationError?
            let written = [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
                do throws(CanonicalizationError) {
                    needed = try writeCanonical(index, source: source, into: buffer, skippingKey: skippingKey)
                } catch { failure = error }
                initialized = needed <= room ? needed : 0
            }
            if let failure { throw failure }
            if needed <= room {
                if out.isEmpty { out = written } else { out.append(contentsOf: written) }
                return
            }
            room = needed
        }
    }

    /// Writes the canonical form of the value at `index` into `buffer` and returns its length.
    /// When that is more than `buffer.count`, only a prefix was written: call again with at
    /// least that much room. Import's hot loop reuses one buffer for every row this way.
    public func writeCanonical(
        _ index: Int, source: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>,
        skippingKey: StaticString? = nil
    ) throws(CanonicalizationError) -> Int {
        var sink = CanonicalSink(buffer)
        try nodes.withUnsafeBufferPointer { (nodes) throws(CanonicalizationError) in
            try CanonicalWriter(nodes: nodes, source: source).write(index, into: &sink, skippingKey: skippingKey)
        }
        return sink.count
    }
}

/// The recursive writer behind `JSONTape.writeCanonical`, reading the tape's nodes through a
/// buffer pointer (no array checks or retains per node).
struct CanonicalWriter {
    let nodes: UnsafeBufferPointer<JSONTape.Node>
    let source: UnsafeBufferPointer<UInt8>

    @inline(__always)
    func raw(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        return UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)])
    }

    func write(_ index: Int, into out: inout CanonicalSink, skippingKey: StaticString? = nil) throws(CanonicalizationError) {
        let node = nodes[index]
        switch node.kind {
        case .null: out.bytes(UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)]))
        case .true: out.bytes(UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)]))
        case .false: out.bytes(UnsafeBufferPointer(rebasing: source[Int(node.start)..<Int(node.end)]))
        case .number:
            let lexeme = raw(index)
            if !node.flag {
                if lexeme.count == 2 && lexeme[0] == UInt8(ascii: "-") && lexeme[1] == UInt8(ascii: "0") {
                    out.byte(UInt8(ascii: "0"))
                } else {
                    out.bytes(lexeme)
                }
            } else if CanonicalJSON.isAlreadyCanonicalFloat(lexeme) {
                out.bytes(lexeme)
            } else if let text = CanonicalJSON.canonicalNumber(lexeme, isFloat: true) {
                out.bytes(Array(text.utf8))
            } else {
                throw .numberOutOfRange(String(decoding: lexeme, as: UTF8.self))
            }
        case .string:
            writeString(index, into: &out)
        case .array:
            out.byte(UInt8(ascii: "["))
            var child = index + 1
            for i in 0..<Int(node.count) {
                if i > 0 { out.byte(UInt8(ascii: ",")) }
                try write(child, into: &out)
                child = Int(nodes[child].next)
            }
            out.byte(UInt8(ascii: "]"))
        case .object:
            try writeObject(index, into: &out, skippingKey: skippingKey)
        }
    }

    @inline(__always)
    func writeString(_ index: Int, into out: inout CanonicalSink) {
        if !nodes[index].flag {
            // No escapes and (the parser guarantees) no raw control characters: already canonical.
            out.quoted(raw(index))
        } else {
            var text: [UInt8] = []
            CanonicalJSON.writeString(JSONTape.unescape(raw(index)), into: &text)
            out.bytes(text)
        }
    }
}

extension CanonicalWriter {
    /// Members sorted by name (UTF-8 bytes), duplicates refused. Names are compared in place;
    /// only an object with a key written with escapes, which rows almost never have, decodes
    /// its names first. The key nodes are sorted in a stack buffer: an array of members per
    /// object (four objects in a chat row) cost an allocation and a retain/release per move.
    func writeObject(_ index: Int, into out: inout CanonicalSink, skippingKey: StaticString?) throws(CanonicalizationError) {
        let count = Int(nodes[index].count)
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: count) { (keys) throws(CanonicalizationError) in
            var child = index + 1
            var escaped = false
            for i in 0..<count {
                if nodes[child].flag { escaped = true }
                keys[i] = child  // its value is the next node
                child = Int(nodes[child + 1].next)
            }
            if escaped {
                try sortDecoded(keys)
            } else {
                try sortRaw(keys)
            }
            out.byte(UInt8(ascii: "{"))
            var first = true
            for key in keys {
                if let skippingKey, isKey(key, named: skippingKey) { continue }
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &out)
                out.byte(UInt8(ascii: ":"))
                try write(key + 1, into: &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
    }

    /// Insertion sort: objects in rows have a handful of members, often already sorted.
    private func sortRaw(_ keys: UnsafeMutableBufferPointer<Int>) throws(CanonicalizationError) {
        guard keys.count > 1 else { return }
        for i in 1..<keys.count {
            let item = keys[i]
            let name = raw(item)
            var j = i - 1
            while j >= 0 {
                let order = compareNames(raw(keys[j]), name)
                if order == 0 { throw .duplicateKey(decodedName(item)) }
                if order < 0 { break }
                keys[j + 1] = keys[j]
                j -= 1
            }
            keys[j + 1] = item
        }
    }

    /// `compareBytes`, deciding by the first byte when that differs: most member names of
    /// an object start differently, and a call to memcmp per comparison was most of the sort.
    @inline(__always)
    private func compareNames(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        if let x = a.first, let y = b.first, x != y { return x < y ? -1 : 1 }
        return compareBytes(a, b)
    }

    /// The same sort (same comparisons in the same order, so the same duplicate is reported)
    /// on decoded names.
    private func sortDecoded(_ keys: UnsafeMutableBufferPointer<Int>) throws(CanonicalizationError) {
        var entries = keys.map { (key: $0, name: nodes[$0].flag ? JSONTape.unescape(raw($0)) : Array(raw($0))) }
        if entries.count > 1 {
            for i in 1..<entries.count {
                let item = entries[i]
                var j = i - 1
                while j >= 0 {
                    let order = entries[j].name.withUnsafeBufferPointer { a in
                        item.name.withUnsafeBufferPointer { compareBytes(a, $0) }
                    }
                    if order == 0 { throw .duplicateKey(decodedName(item.key)) }
                    if order < 0 { break }
                    entries[j + 1] = entries[j]
                    j -= 1
                }
                entries[j + 1] = item
            }
        }
        for (i, entry) in entries.enumerated() { keys[i] = entry.key }
    }

    private func decodedName(_ key: Int) -> String {
        if !nodes[key].flag { return String(decoding: raw(key), as: UTF8.self) }
        return String(decoding: JSONTape.unescape(raw(key)), as: UTF8.self)
    }

    /// Compares the decoded name when the key was written with escapes ("h\u0061sh").
    private func isKey(_ key: Int, named name: StaticString) -> Bool {
        name.withUTF8Buffer { wanted in
            if nodes[key].flag {
                return JSONTape.unescape(raw(key)).withUnsafeBufferPointer { compareBytes($0, wanted) == 0 }
            }
            return compareBytes(raw(key), wanted) == 0
        }
    }
}
