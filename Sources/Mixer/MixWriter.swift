import Crypto
import Foundation
import WinnowCore
import Workspace

/// Writes the chosen rows as `data.jsonl` (and `eval.jsonl` with a split): each row converted
/// to the spec's format, its provenance under `metadata` unless stripped. Rows are read from the
/// sources by offset and converted on all cores a batch at a time, so memory stays flat however
/// large the mix; the lines are written in the composition's order, so the bytes are the same
/// on any machine.
struct MixWriter: @unchecked Sendable {  // workers only read it
    let paths: WorkspacePaths
    let index: RowIndex
    let composition: MixComposition
    let stripProvenance: Bool
    /// Copy chat contents without decoding them where the row allows it (off only in the test
    /// that holds both paths to the same bytes).
    var fastPaths = true

    static let batchSize = 16_384

    /// Writes the data files into `directory`; returns each file's name → SHA-256.
    func write(into directory: String) throws -> [String: String] {
        let used = Set(composition.units.map { composition.pool.rows[Int($0.row)].source })
        let files = try MixSourceFiles(paths: paths, sources: composition.pool.sources, used: used)
        defer { files.close() }
        let split = composition.spec.evalFraction != nil
        var outputs = [("data.jsonl", false)]
        if split { outputs.append(("eval.jsonl", true)) }
        var hashes: [String: String] = [:]
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let stores = MixBox((0..<workers).map { _ in RowStore(paths: paths, index: index) })
        for (name, evalSide) in outputs {
            let units = split ? composition.units.filter { $0.eval == evalSide } : composition.units
            let file = try MixFile(path: directory + "/" + name)
            // Batch k is written on a serial queue while batch k + 1 is converted.
            let writes = DispatchQueue(label: "winnow-mix-write")
            let failure = ConcurrentSlots<Error>(count: 1)
            for start in stride(from: 0, to: units.count, by: Self.batchSize) {
                let batch = Array(units[start..<min(units.count, start + Self.batchSize)])
                let slots = ConcurrentSlots<Result<[UInt8], Error>>(count: workers)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    slots.set(w, Result { try lines(batch, worker: w, of: workers, store: stores.value[w], files: files) })
                }
                if let error = failure.get(0) { throw error }
                let parts = try (0..<workers).map { try slots.get($0)!.get() }
                writes.async {
                    do { for part in parts { try file.append(part) } } catch { failure.set(0, error) }
                }
            }
            writes.sync {}
            if let error = failure.get(0) { throw error }
            hashes[name] = try file.finish()
        }
        return hashes
    }

    /// Worker w's share of `batch` (a contiguous slice, so the parts concatenate in order), as
    /// lines each ending in a newline.
    func lines(_ batch: [MixUnit], worker w: Int, of workers: Int, store: RowStore, files: MixSourceFiles) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(batch.count / workers * 1200)
        for i in (batch.count * w / workers)..<(batch.count * (w + 1) / workers) {
            let unit = batch[i]
            let row = composition.pool.rows[Int(unit.row)]
            let source = composition.pool.sources[row.source]?.sha ?? ""
            let edit = composition.pool.edits[row.n]
            let bytes = try edit.map { $0.row.canonicalBytes } ?? files.read(row, sha: source)
            let metadata = stripProvenance ? nil : provenance(row, unit: unit, edit: edit)
            if fastPaths, edit == nil, row.shape == .chat, composition.spec.format == .chat,
               let turns = try store.rawChatTurns(of: bytes, source: source, id: row.id),
               Self.writeRawChat(bytes, turns: turns, metadata: metadata, into: &out) {
                out.append(0x0A)
                continue
            }
            let text = try store.text(of: bytes, source: source, shape: row.shape, id: row.id)
            guard let fields = composition.spec.format.convert(text) else {
                throw MixError.manifest(path: paths.display(paths.source(source)),
                                        reason: "row \(row.id) has no answer to write as \(composition.spec.format.rawValue)")
            }
            MixField.write(metadata.map { MixField.inserting("metadata", $0, into: fields) } ?? fields, into: &out)
            out.append(0x0A)
        }
        return out
    }

    /// The row's provenance, members in code-point order.
    func provenance(_ row: MixCandidate, unit: MixUnit, edit: (row: JSONValue, reviewer: String, seq: Int)?) -> MixField {
        var fields: [(String, MixField)] = []
        fields.reserveCapacity(11)
        if unit.copy > 0 { fields.append(("copy", .number(Int(unit.copy)))) }
        if let edit {
            fields.append(("edit_entry", .number(edit.seq)))
            fields.append(("edited_by", .text(edit.reviewer)))
        }
        if let g = row.generator { fields.append(("generator", .text(g))) }
        fields.append(("kind", .text(row.kind.rawValue)))
        fields.append(("origin", .text(row.kind.isHuman ? "human" : "synthetic")))
        fields.append(("row", .text(row.id)))
        if let s = row.seed { fields.append(("seed", .text(s))) }
        fields.append(("slice", .text(composition.pool.sliceNames[Int(row.slice)])))
        fields.append(("source", .text(composition.pool.sources[row.source]?.sha ?? "")))
        if let t = row.template { fields.append(("template", .text(t))) }
        return .object(fields)
    }
}

/// A value shared read-only with worker threads.
final class MixBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Descriptors on the sources the mix reads, opened before the workers start and read with
/// pread (safe from many threads at once, and no lock or lookup by name per row).
final class MixSourceFiles: @unchecked Sendable {
    private let descriptors: [Int32: Int32]
    let paths: WorkspacePaths

    init(paths: WorkspacePaths, sources: [Int32: (sha: String, file: String)], used: Set<Int32>) throws {
        self.paths = paths
        var descriptors: [Int32: Int32] = [:]
        defer { if descriptors.count < used.count { for fd in descriptors.values { Glibc.close(fd) } } }
        for id in used.sorted() {
            let sha = sources[id]?.sha ?? "?"
            let fd = open(paths.source(sha), O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                // Only a source that is not there is missing; out of descriptors is not damage.
                if errno == ENOENT { throw WorkspaceError.sourceMissing(sha: sha, path: paths.display(paths.source(sha))) }
                throw WorkspaceError.io(path: paths.display(paths.source(sha)), action: "open it", errno: errno)
            }
            descriptors[id] = fd
        }
        self.descriptors = descriptors
    }

    func read(_ row: MixCandidate, sha: String) throws -> [UInt8] {
        let fd = descriptors[row.source] ?? -1
        var got = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: Int(row.length)) { buffer, count in
            got = pread(fd, buffer.baseAddress, Int(row.length), off_t(row.offset))
            count = max(0, got)
        }
        guard got == Int(row.length) else {
            throw WorkspaceError.sourceMissing(sha: sha, path: paths.display(paths.source(sha)) + " (row \(row.id) is past its end)")
        }
        return bytes
    }

    func close() { for fd in descriptors.values { Glibc.close(fd) } }
}

/// An output file being written: bytes appended and hashed as they go, written around the
/// page cache (nothing reads a fresh mix back soon, and copying 200 MB into the cache was the
/// largest single cost of a big mix), synced and renamed to its name at the end (read-only).
final class MixFile: @unchecked Sendable {  // used by one writer queue at a time
    let path: String
    private let copy: SourceCopy
    private var hasher = SHA256()

    init(path: String) throws {
        self.path = path
        copy = try SourceCopy(path: path + ".part", what: "mix data")
    }

    deinit { copy.discard() }

    func append(_ bytes: [UInt8]) throws {
        hasher.update(data: bytes)
        try bytes.withUnsafeBytes { try copy.write($0) }
    }

    func finish() throws -> String {
        try copy.commit(to: path)
        return Digest(hasher.finalize()).hex
    }
}
