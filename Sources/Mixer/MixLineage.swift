import Foundation
import WinnowCore
import Workspace

/// Which generation every generator's rows belong to, from `[generators.NAME] trained_on` and
/// the mixes those names point at.
///
/// A generator trained on no winnow mix writes generation 0. A generator trained on mixes writes
/// one generation after the newest synthetic rows those mixes held: a model trained on a mix of
/// human rows and generation-0 rows writes generation 1, and a model trained on that model's
/// rows writes generation 2. This is what a self-consuming loop looks like in the data, and the
/// reason to count it: each round trained mostly on the previous round's output loses the tails
/// of the human distribution (Alemohammad et al. 2023).
///
/// The mixes are read from their own files (each row's `metadata.generator` and `kind`), not
/// from the index: a mix is what a model was trained on, whatever the log says since. Anything
/// that keeps the lineage from being known is an error naming the `trained_on` line: a folder
/// that is not a mix, a mix written without provenance, a row without it, or a loop (a
/// generator trained, through some chain of mixes, on its own rows: a retrained model needs a
/// name of its own).
public struct MixLineage: Sendable {
    /// A mix a generator was trained on, as the lineage read it.
    public struct Parent: Sendable, Equatable {
        /// As written in `trained_on`.
        public var mix: String
        public var humanRows: Int
        public var syntheticRows: Int
        /// The newest generation among its synthetic rows; nil when it held none.
        public var newestGeneration: Int?
    }

    public struct Generator: Sendable, Equatable {
        public var name: String
        public var generation: Int
        public var trainedOn: [Parent]
    }

    /// The declared generators, by name.
    public private(set) var generators: [String: Generator] = [:]
    /// Each declared generator's mixes, as folders, and what each folder held.
    private var folders: [String: [String]] = [:]
    private var mixes: [String: MixRows] = [:]

    /// The generation of rows written by `generator`: 0 for one trained on no winnow mix, for
    /// one the config does not name, and for synthetic rows that name no generator.
    public func generation(of generator: String?) -> Int {
        generator.flatMap { generators[$0]?.generation } ?? 0
    }

    /// The highest generation any declared generator writes (0 without a lineage).
    public var deepest: Int { generators.values.map(\.generation).max() ?? 0 }

    public init() {}

    /// Works out every declared generator's generation, reading each mix once.
    public static func read(config: WorkspaceConfig, root: String) throws -> MixLineage {
        var reader = Reader(declared: Dictionary(config.generators.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }), root: root)
        for generator in config.generators { _ = try reader.generation(of: generator.name, path: []) }
        var lineage = MixLineage()
        lineage.generators = reader.done
        lineage.mixes = reader.mixes
        lineage.folders = Dictionary(config.generators.map { g in (g.name, g.trainedOn.map(reader.folder)) }, uniquingKeysWith: { first, _ in first })
        return lineage
    }

    /// Human rows (ids) that a mix in the lineage of `generators` held: the mixes they were
    /// trained on, the mixes the generators of those mixes' rows were trained on, and so on.
    /// A mix whose synthetic rows come from these generators reuses these human rows at its
    /// peril: they are no longer fresh to the model that will train on it.
    public func humanRowsUsed(before generators: Set<String>) -> Set<String> {
        var used = Set<String>(), seenMixes = Set<String>(), seenGenerators = Set<String>()
        var pending = Array(generators)
        while let generator = pending.popLast() {
            guard seenGenerators.insert(generator).inserted else { continue }
            for folder in folders[generator] ?? [] where seenMixes.insert(folder).inserted {
                guard let rows = mixes[folder] else { continue }
                used.formUnion(rows.humanIDs)
                pending += rows.synthetic.keys.compactMap { $0 }
            }
        }
        return used
    }

    /// Calls `body` with each non-empty line of a mix file and its number among them, reading
    /// 4 MB at a time: a round's mix is hundreds of megabytes, and neither the whole file nor
    /// its lines are ever held at once. (Foundation's `Data.split` was also two fifths of a
    /// lineage mix's CPU: it reads byte by byte through exclusivity checks.)
    static func forEachLine(path: String, _ body: (Int, [UInt8]) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MixError.io(path: path, action: "read the mix data", errno: errno == 0 ? ENOENT : errno)
        }
        defer { try? handle.close() }
        var pending: [UInt8] = [], number = 0
        func emit(_ line: ArraySlice<UInt8>) throws {
            guard !line.isEmpty else { return }
            number += 1
            try body(number, Array(line))
        }
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw MixError.io(path: path, action: "read the mix data", errno: EIO)
            }
            if chunk.isEmpty { break }
            pending += chunk
            var start = pending.startIndex
            while let end = pending[start...].firstIndex(of: 0x0A) {
                try emit(pending[start..<end])
                start = end + 1
            }
            pending.removeSubrange(..<start)
        }
        try emit(pending[...])
    }

    /// The three provenance fields lineage needs from a mix row, read off the JSON tape without
    /// building the row (a round's mix is hundreds of thousands of rows, each mostly text):
    /// `metadata.row`, `metadata.kind`, `metadata.generator`. nil when the row lacks them.
    static func provenance(of line: [UInt8]) -> (id: String, kind: MixKind, generator: String?)? {
        guard let tape = try? JSONTape.parse(line) else { return nil }
        return line.withUnsafeBufferPointer { source -> (id: String, kind: MixKind, generator: String?)? in
            func string(_ node: Int?) -> String? {
                guard let node, tape.kind(node) == .string else { return nil }
                return tape.decodeString(node, source: source)
            }
            guard tape.kind(0) == .object, let meta = tape.member(0, named: "metadata", source: source), tape.kind(meta) == .object,
                  let id = string(tape.member(meta, named: "row", source: source)),
                  let kind = string(tape.member(meta, named: "kind", source: source)).flatMap(MixKind.init(rawValue:)) else { return nil }
            return (id, kind, string(tape.member(meta, named: "generator", source: source)))
        }
    }

    /// What a mix held, by origin and generator (copies counted), and its human rows' ids.
    struct MixRows {
        var human = 0
        var humanIDs = Set<String>()
        var synthetic: [String?: Int] = [:]
    }

    private struct Reader {
        let declared: [String: WorkspaceConfig.Generator]
        let root: String
        var done: [String: Generator] = [:]
        var mixes: [String: MixRows] = [:]

        /// `path`: the generators and mixes that led here, to name a loop.
        mutating func generation(of name: String, path: [(generator: String, mix: String)]) throws -> Int {
            if let known = done[name] { return known.generation }
            guard let generator = declared[name] else { return 0 }
            if let start = path.firstIndex(where: { $0.generator == name }) {
                let chain = path[start...]
                var loop = "\(name) was trained on \(chain.first!.mix)"
                for step in chain.dropFirst() { loop += ", which holds rows of \(step.generator), trained on \(step.mix)" }
                throw MixError.lineage(generator.location, "[generators] loop: \(loop), which holds rows of \(name) "
                                       + "(a model trained on its own rows is a new model: give it a name of its own)")
            }
            var parents: [Parent] = []
            var folders = Set<String>()
            for mix in generator.trainedOn {
                guard folders.insert(folder(mix)).inserted else {
                    throw MixError.lineage(generator.location, "[generators.\(name)] trained_on: \(mix) names a mix already listed")
                }
                let rows = try self.rows(of: mix, for: generator)
                var newest: Int?
                for (source, count) in rows.synthetic where count > 0 {
                    let g = try source.map { try self.generation(of: $0, path: path + [(name, mix)]) } ?? 0
                    newest = max(newest ?? g, g)
                }
                parents.append(Parent(mix: mix, humanRows: rows.human, syntheticRows: rows.synthetic.values.reduce(0, +),
                                      newestGeneration: newest))
            }
            let generation = parents.compactMap(\.newestGeneration).max().map { $0 + 1 } ?? 0
            done[name] = Generator(name: name, generation: generation, trainedOn: parents)
            return generation
        }

        /// The mix's folder, absolute and standardised (so "mixes/m", "mixes/m/" and its full
        /// path are one mix).
        func folder(_ mix: String) -> String {
            URL(fileURLWithPath: mix.hasPrefix("/") ? mix : root + "/" + mix).standardizedFileURL.path
        }

        mutating func rows(of mix: String, for generator: WorkspaceConfig.Generator) throws -> MixRows {
            let directory = folder(mix)
            if let known = mixes[directory] { return known }
            func fail(_ reason: String) -> MixError {
                .lineage(generator.location, "[generators.\(generator.name)] trained_on: \(mix): \(reason)")
            }
            guard FileManager.default.fileExists(atPath: directory + "/manifest.json") else {
                throw fail("no manifest.json there (not a mix winnow built; name the mix's folder)")
            }
            let manifest: MixManifest
            do { manifest = try MixManifest.read(directory: directory) } catch { throw fail("\((error as? UserFacingError)?.message ?? "\(error)")") }
            guard !manifest.stripProvenance else {
                throw fail("written with --strip-provenance, so which generator wrote each row cannot be read")
            }
            var result = MixRows()
            // What the model was trained on: data.jsonl. Rows held out to eval.jsonl were not,
            // so they make no generation and leave their human rows fresh.
            // A staged mix has one per stage (sft/data.jsonl, sft/eval.jsonl, ...).
            for name in manifest.outputs.keys.sorted() where name != "eval.jsonl" && !name.hasSuffix("/eval.jsonl") {
                let path = directory + "/" + name
                do {
                    try MixLineage.forEachLine(path: path) { number, line in
                        guard let row = MixLineage.provenance(of: line) else {
                            throw fail("\(name) line \(number): a row without winnow provenance (metadata.row and metadata.kind)")
                        }
                        if row.kind.isHuman {
                            result.human += 1
                            result.humanIDs.insert(row.id)
                        } else {
                            result.synthetic[row.generator, default: 0] += 1
                        }
                    }
                } catch let MixError.io(_, _, code) {
                    throw fail("cannot read \(name): \(String(cString: strerror(code)))")
                }
            }
            mixes[directory] = result
            return result
        }
    }
}

/// The lineage as one mix used it: the generations of its pool's generators (those past 0) and
/// the human rows it counted as reused. Recorded in the manifest, so `mix verify` rebuilds with
/// what the mix was built with, not with whatever winnow.toml and the mix folders say today
/// (a lineage declared later, a folder moved away, or a loop declared since would otherwise
/// change or break the rebuild of every mix).
public struct MixLineageUse: Sendable, Equatable {
    public var generations: [String: Int] = [:]
    public var reused: Set<String> = []

    public init(generations: [String: Int] = [:], reused: Set<String> = []) {
        self.generations = generations
        self.reused = reused
    }

    var isEmpty: Bool { generations.isEmpty && reused.isEmpty }

    var json: JSONValue {
        .object([
            ("generations", .object(generations.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("reused_human_rows", .array(reused.sorted().map(JSONValue.string))),
        ])
    }

    /// From a manifest's `lineage` (nil when absent: a mix built without one).
    static func read(_ value: JSONValue?, path: String) throws -> MixLineageUse? {
        guard let value, value != .null else { return nil }
        var use = MixLineageUse()
        for (generator, n) in value["generations"]?.objectValue ?? [] {
            guard let n = n.intValue, n >= 0 else { throw MixError.manifest(path: path, reason: "lineage.generations.\(generator) is not a generation") }
            use.generations[generator] = n
        }
        for id in value["reused_human_rows"]?.arrayValue ?? [] {
            guard let id = id.stringValue else { throw MixError.manifest(path: path, reason: "lineage.reused_human_rows holds a non-string") }
            use.reused.insert(id)
        }
        return use
    }
}

/// Where a composition takes its lineage from: read live for a new mix, as recorded for a rebuild.
enum MixLineageSource {
    case live(MixLineage)
    case recorded(MixLineageUse)

    var generations: [String: Int] {
        switch self {
        case let .live(lineage): return lineage.generators.mapValues(\.generation)
        case let .recorded(use): return use.generations
        }
    }

    /// The human rows reused before a mix whose synthetic rows come from `generators`.
    func reused(before generators: Set<String>) -> Set<String> {
        switch self {
        case let .live(lineage): return lineage.humanRowsUsed(before: generators)
        case let .recorded(use): return use.reused
        }
    }
}
