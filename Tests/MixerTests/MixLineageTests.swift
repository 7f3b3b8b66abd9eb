import Foundation
@testable import Mixer
import ReviewQueue
import TestSupport
import Testing
import WinnowCore
import Workspace

/// Generations from `[generators.NAME] trained_on`: three rounds of mixes and generators, each
/// trained on the last round's mix, and what the lineage then bounds and reports.
@Suite(.serialized) struct MixLineageTests {
    static let open = """
        name = "r"
        seed = 5
        [constraints]
        human_min_fraction = 0
        synthetic_max_per_human = 1000
        critical_synthetic_max = 1
        fresh_human_min_fraction = 0
        """

    /// Round 1: 20 human rows (h1) and 10 of gen-a, mixed into m1; gen-b trained on m1 writes 10
    /// rows, mixed with the rest into m2; gen-c trained on m2 writes 30.
    static func threeRounds() throws -> (MixFixture, m1: String, m2: String) {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 20, prefix: "h1"),
                                .init(slice: "general", origin: "synthetic", count: 10, generator: "gen-a", prefix: "a")])
        try f.decide(f.ids("a", 0..<10), .accept)
        let m1 = try f.build(open, into: "m1").directory
        try f.configure(appending: "[generators.gen-b]\ntrained_on = [\"\(m1)\"]")
        try f.importRows([.init(slice: "general", origin: "synthetic", count: 10, generator: "gen-b", prefix: "b")], file: "b.jsonl")
        try f.decide(f.ids("b", 0..<10), .accept)
        let m2 = try f.build(open, into: "m2").directory
        try f.configure(appending: "[generators.gen-c]\ntrained_on = [\"\(m2)\"]")
        try f.importRows([.init(slice: "general", origin: "synthetic", count: 30, generator: "gen-c", prefix: "c")], file: "c.jsonl")
        try f.decide(f.ids("c", 0..<30), .accept)
        return (f, m1, m2)
    }

    static func lineage(_ f: MixFixture) throws -> MixLineage {
        try MixLineage.read(config: f.session.config, root: f.session.paths.root)
    }

    @Test func eachRoundIsOneGenerationAfterTheMixItWasTrainedOn() throws {
        let (f, m1, m2) = try Self.threeRounds()
        let lineage = try Self.lineage(f)
        #expect(lineage.generation(of: "gen-a") == 0 && lineage.generation(of: nil) == 0)
        #expect(lineage.generation(of: "gen-b") == 1 && lineage.generation(of: "gen-c") == 2 && lineage.deepest == 2)
        #expect(lineage.generators["gen-b"]?.trainedOn == [.init(mix: m1, humanRows: 20, syntheticRows: 10, newestGeneration: 0)])
        #expect(lineage.generators["gen-c"]?.trainedOn == [.init(mix: m2, humanRows: 20, syntheticRows: 20, newestGeneration: 1)])
        #expect(lineage.humanRowsUsed(before: ["gen-c"]) == Set(f.ids("h1", 0..<20)))
        #expect(lineage.humanRowsUsed(before: ["gen-a"]).isEmpty)

        // Stats: the synthetic rows by generation, with their generators.
        let report = try QueueService(session: f.session).trustReport(generations: lineage.generators.mapValues(\.generation))
        let byGeneration = report.generations.map { ($0.generation, $0.group.rows, $0.generators) }
        #expect(byGeneration.map(\.0) == [0, 1, 2] && byGeneration.map(\.1) == [10, 10, 30], "\(byGeneration)")
        #expect(byGeneration.map(\.2) == [["gen-a"], ["gen-b"], ["gen-c"]])
        #expect(report.generations[2].group.tally.reviewed == 30)
    }

    @Test func aRoundWithoutFreshHumanRowsWarnsAndAFreshFloorRefusesIt() throws {
        let (f, _, m2) = try Self.threeRounds()
        let out = try f.build(Self.open)
        // Against the round before: the same reused human rows, and a new generation on top.
        let diff = try MixDiff.compare(earlier: m2, later: out.directory, lineage: try Self.lineage(f))
        #expect(diff.rounds.generations.map { [$0.generation, $0.before, $0.after] } == [[0, 10, 10], [1, 10, 10], [2, 0, 30]])
        #expect(diff.rounds.fresh == (0, 0) && diff.rounds.reused == (20, 20))
        #expect(diff.lines.contains { $0.hasPrefix("    generation 2") && $0.contains("0 -> 30") && $0.hasSuffix("#########") }, "\(diff.lines)")
        let lineage = out.report.lineage
        #expect(lineage.freshHumans == 0 && lineage.usedHumans == 20)
        #expect(lineage.generations.map(\.generation) == [0, 1, 2] && lineage.generations.map(\.rows) == [10, 10, 30])
        #expect(out.report.warnings.contains { $0.contains("only 0.0% of the human rows (0 of 20) are fresh") }, "\(out.report.warnings)")
        #expect(out.report.warnings.contains { $0.contains("57.1% of the mix (40 of 70 rows) was written by models trained on earlier mixes") })
        #expect(out.report.lines.contains("Lineage: human 20 (fresh 0, held by earlier mixes 20)"))

        do {
            _ = try f.build(Self.open.replacingOccurrences(of: "fresh_human_min_fraction = 0", with: "fresh_human_min_fraction = 0.2"))
            Issue.record("a round without fresh human rows was built under a fresh floor")
        } catch let error as MixError {
            #expect(error.message.contains("fresh_human_min_fraction = 0.2 (0 fresh human rows allow 0 of the 20"), "\(error.message)")
        }

        // Fresh human rows arrive: reused ones are kept only as far as the floor allows.
        try f.importRows([.init(slice: "general", origin: "human", count: 10, prefix: "h2")], file: "h2.jsonl")
        let fresh = try f.build(Self.open.replacingOccurrences(of: "fresh_human_min_fraction = 0", with: "fresh_human_min_fraction = 0.5"))
        let humans = try MixFixture.metadata(fresh.directory).filter { $0["kind"] as? String == "human" }.map { $0["row"] as! String }
        #expect(humans.filter { $0.hasPrefix("h2-") }.count == 10 && humans.filter { $0.hasPrefix("h1-") }.count == 10)
        #expect(fresh.report.binding.contains { $0.contains("fresh_human_min_fraction = 0.5 (10 fresh human rows allow 10 of the 20") })
        #expect(fresh.report.lineage.freshHumans == 10 && fresh.report.lineage.usedHumans == 10)

        // The manifest keeps the lineage the mix was built with: declared differently since (here
        // a loop, which every new mix refuses), the mix still rebuilds to the same bytes.
        #expect(fresh.manifest.lineage?.reused == Set(f.ids("h1", 0..<20)))
        #expect(fresh.manifest.lineage?.generations == ["gen-b": 1, "gen-c": 2])
        try f.configure(appending: "[generators.gen-a]\ntrained_on = [\"\(fresh.directory)\"]")
        #expect(throws: MixError.self) { try Self.lineage(f) }
        let verified = try MixBuilder(session: f.session).verify(directory: fresh.directory)
        #expect(verified.identical, "\(verified.lines)")
    }

    /// The check on the file as written, reached directly: a choice of rows below the floor is
    /// refused, naming the file and the counts; at the floor it passes.
    @Test func theWrittenFilesFreshShareIsCheckedNotAssumed() throws {
        var pool = MixPool(trust: MixTrust())
        for i in 0..<4 {
            pool.rows.append(MixCandidate(n: Int64(i), id: "h\(i)", slice: 0, kind: .human, source: 0, offset: 0, length: 0,
                                          shape: .promptResponse, copies: 1, usedBefore: i > 0))
        }
        var spec = MixSpec(name: "c", seed: "1")
        spec.freshHumanMinFraction = 0.3
        let units = (0..<4).map { MixUnit(row: Int32($0), copy: 0, select: 0, order: 0) }
        do {
            try MixComposition.checkFreshHumans(units, pool: pool, spec: spec, side: "eval.jsonl")
            Issue.record("1 fresh of 4 passed a 0.3 floor")
        } catch let error as MixError {
            #expect(error.message.contains("eval.jsonl: fresh_human_min_fraction = 0.3 binds, 1 rows short"), "\(error.message)")
            #expect(error.message.contains("1 of 4 human rows are fresh"))
        }
        spec.freshHumanMinFraction = 0.25
        try MixComposition.checkFreshHumans(units, pool: pool, spec: spec, side: "data.jsonl")
        spec.freshHumanMinFraction = 1e-300  // no overflow in the cap either
        #expect(MixSelection.cap(humans: 5, floor: 1e-300) == Int.max / 4)
    }

    /// Random pools (how many reused and fresh human rows, how many rows of each generation, in
    /// two slices) under random specs (max_generation, the fresh floor, total, split,
    /// best-effort): every file written keeps both bounds, counted from the rows' own
    /// provenance, or the mix is refused.
    @Test func generationAndFreshBoundsHoldOverRandomPools() throws {
        var random = SplitMix64(27)
        func count(_ range: ClosedRange<UInt64>) -> Int { Int(range.lowerBound + random.next() % (range.upperBound - range.lowerBound + 1)) }
        var built = 0, refused = 0
        for pool in 0..<3 {
            let f = try MixFixture([.init(slice: "general", origin: "human", count: count(5...30), prefix: "old"),
                                    .init(slice: "general", origin: "synthetic", count: count(5...20), generator: "gen-a", prefix: "a")])
            try f.decide(try f.session.index.allRows().filter { $0.id.hasPrefix("a-") }.map(\.id), .accept)
            let parent = try f.build(Self.open, into: "parent").directory
            try f.configure(appending: "[generators.gen-b]\ntrained_on = [\"\(parent)\"]")
            try f.importRows([.init(slice: "general", origin: "human", count: count(0...15), prefix: "new"),
                              .init(slice: "billing", origin: "human", count: count(1...10), prefix: "newb"),
                              .init(slice: "general", origin: "synthetic", count: count(1...25), generator: "gen-b", prefix: "b"),
                              .init(slice: "billing", origin: "synthetic", count: count(1...10), generator: "gen-b", prefix: "bb")],
                             file: "round-2.jsonl")
            try f.decide(try f.session.index.allRows().filter { $0.id.hasPrefix("b") }.map(\.id), .accept)
            for round in 0..<4 {
                let maxGeneration: Int? = random.next() % 3 == 0 ? nil : Int(random.next() % 2)
                let floor: Double? = random.next() % 4 == 0 ? nil : Double(random.next() % 10) / 10
                var toml = "name = \"p\"\nseed = \(random.next() % 1000)\n"
                if random.next() % 2 == 0 { toml += "total = \(10 + random.next() % 60)\n" }
                if random.next() % 3 == 0 { toml += "eval_fraction = 0.3\n" }
                toml += "[constraints]\nhuman_min_fraction = 0\nsynthetic_max_per_human = 1000\ncritical_synthetic_max = 1\n"
                toml += "fresh_human_min_fraction = \(floor ?? 0)\n"
                if let maxGeneration { toml += "max_generation = \(maxGeneration)\n" }
                let out: MixOutcome
                do { out = try f.build(toml, bestEffort: random.next() % 2 == 0) } catch is MixError { refused += 1; continue }
                built += 1
                for file in ["data.jsonl", "eval.jsonl"] where FileManager.default.fileExists(atPath: out.directory + "/" + file) {
                    let rows = try MixFixture.rows(out.directory, file: file).map { $0["metadata"] as! [String: Any] }
                    let context = "pool \(pool) round \(round) \(file)\n\(toml)"
                    if maxGeneration == 0 { #expect(rows.allSatisfy { $0["generator"] as? String != "gen-b" }, "\(context)") }
                    let humans = rows.filter { $0["kind"] as? String == "human" }.map { $0["row"] as! String }
                    // The old human rows trained gen-b: reused in a mix whose pool holds gen-b's
                    // rows; with max_generation = 0 it holds none, and the mix has no lineage.
                    let fresh = maxGeneration == 0 ? humans.count : humans.filter { !$0.hasPrefix("old-") }.count
                    if let floor {
                        #expect(humans.isEmpty || Double(fresh) >= floor * Double(humans.count) - 1e-9,
                                "\(fresh) of \(humans.count) fresh, floor \(floor): \(context)")
                    }
                }
            }
        }
        #expect(built >= 6, "\(built) built, \(refused) refused")
    }

    /// Rows held out to eval.jsonl were not trained on: no generation, no reused human row.
    @Test func theEvalSideOfAMixIsNotWhatItsModelWasTrainedOn() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 40, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 40, generator: "gen-a", prefix: "a")])
        try f.decide(f.ids("a", 0..<40), .accept)
        let m1 = try f.build(Self.open.replacingOccurrences(of: "seed = 5", with: "seed = 5\neval_fraction = 0.3"), into: "m1").directory
        let trained = try MixFixture.rows(m1).map { $0["metadata"] as! [String: Any] }
        let held = try MixFixture.rows(m1, file: "eval.jsonl").map { $0["metadata"] as! [String: Any] }
        #expect(!held.isEmpty)
        try f.configure(appending: "[generators.gen-b]\ntrained_on = [\"\(m1)/\", \"\(m1)\"]")
        #expect(throws: MixError.self) { try Self.lineage(f) }  // one folder written two ways
        let config = try String(contentsOfFile: f.session.paths.config, encoding: .utf8)
            .replacingOccurrences(of: "[\"\(m1)/\", \"\(m1)\"]", with: "[\"\(m1)/\"]")
        try config.write(toFile: f.session.paths.config, atomically: false, encoding: .utf8)
        try f.configure(appending: "")
        let lineage = try Self.lineage(f)
        let parent = try #require(lineage.generators["gen-b"]?.trainedOn.first)
        #expect(parent.humanRows == trained.filter { $0["kind"] as? String == "human" }.count)
        #expect(parent.syntheticRows == trained.count - parent.humanRows)
        let heldHumans = Set(held.filter { $0["kind"] as? String == "human" }.map { $0["row"] as! String })
        #expect(lineage.humanRowsUsed(before: ["gen-b"]).isDisjoint(with: heldHumans))
    }

    @Test func maxGenerationAndDecayBoundWhatLaterGenerationsContribute() throws {
        let (f, _, _) = try Self.threeRounds()
        let capped = try f.build(Self.open + "\nmax_generation = 1")
        #expect(try MixFixture.metadata(capped.directory).allSatisfy { ($0["generator"] as? String) != "gen-c" })
        #expect(capped.report.excluded.contains { $0.reason == "generation 2, above max_generation = 1" && $0.count == 30 })
        let decayed = try f.build(Self.open + "\n[weights]\ngeneration_decay = 0")
        #expect(decayed.report.lineage.generations.map(\.generation) == [0])
        #expect(decayed.report.excluded.contains { $0.reason == "weight drew 0 copies (generation_decay)" && $0.count == 40 })
    }

    /// Over random floors, totals and splits: a mix is either refused or every file it writes
    /// keeps the fresh share, counted from the rows' own provenance.
    @Test func theFreshFloorHoldsInEveryFileOrTheMixIsRefused() throws {
        let (f, _, _) = try Self.threeRounds()
        try f.importRows([.init(slice: "general", origin: "human", count: 7, prefix: "h2")], file: "h2.jsonl")
        var random = SplitMix64(14)
        var built = 0
        for round in 0..<8 {
            let floor = Double(random.next() % 9 + 1) / 10
            var toml = Self.open.replacingOccurrences(of: "fresh_human_min_fraction = 0", with: "fresh_human_min_fraction = \(floor)")
            if random.next() % 2 == 0 { toml = toml.replacingOccurrences(of: "seed = 5", with: "seed = 5\ntotal = \(20 + random.next() % 40)") }
            if random.next() % 2 == 0 { toml = toml.replacingOccurrences(of: "seed = 5", with: "seed = 5\neval_fraction = 0.3") }
            let out: MixOutcome
            do { out = try f.build(toml, bestEffort: random.next() % 2 == 0) } catch is MixError { continue }
            built += 1
            for file in ["data.jsonl", "eval.jsonl"] where FileManager.default.fileExists(atPath: out.directory + "/" + file) {
                let humans = try MixFixture.rows(out.directory, file: file).map { $0["metadata"] as! [String: Any] }
                    .filter { $0["kind"] as? String == "human" }.map { $0["row"] as! String }
                let fresh = humans.filter { $0.hasPrefix("h2-") }.count
                #expect(humans.isEmpty || Double(fresh) >= floor * Double(humans.count) - 1e-9,
                        "round \(round), \(file): \(fresh) of \(humans.count) fresh, floor \(floor)\n\(toml)")
            }
        }
        #expect(built > 0)
    }

    /// On data nobody here wrote: Alpaca (text-davinci-003's rows, some accepted) beside GSM8K's
    /// human-written test questions. A model trained on that mix is generation 1; the mix's rows
    /// are counted as the files hold them, and a mix of its rows and reused GSM8K rows warns.
    @Test(.enabled(if: RealData.isPresent)) func realDataMixesGiveTheNextModelItsGeneration() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 1, prefix: "seed")])
        var human = ImportOptions()
        human.defaults.origin = .human
        try f.importFile(RealData.path("gsm8k/test.jsonl"), options: human)
        var teacher = ImportOptions()
        teacher.defaults.origin = .synthetic
        teacher.defaults.generator = "text-davinci-003"
        try f.importFile(RealData.path("alpaca/alpaca_5000.json"), options: teacher)
        let alpaca = try f.session.index.allRows().filter { $0.provenance.generator == "text-davinci-003" }.map(\.id)
        try f.decide(Array(alpaca.prefix(400)), .accept)
        let m1 = try f.build(Self.open, into: "m1")
        let meta = try MixFixture.metadata(m1.directory)
        let humans = meta.filter { $0["kind"] as? String == "human" }.count, synthetic = meta.count - humans
        #expect(synthetic == 400 && humans > 1000, "\(synthetic) synthetic, \(humans) human")

        try f.configure(appending: "[generators.student-1]\ntrained_on = [\"\(m1.directory)\"]")
        let lineage = try Self.lineage(f)
        #expect(lineage.generators["student-1"]?.trainedOn == [.init(mix: m1.directory, humanRows: humans, syntheticRows: 400, newestGeneration: 0)])
        #expect(lineage.generation(of: "student-1") == 1 && lineage.generation(of: "text-davinci-003") == 0)
        #expect(lineage.humanRowsUsed(before: ["student-1"]).count == humans)

        // The student's answers to Alpaca's own instructions, a generation later.
        let student = try f.session.index.allRows().filter { $0.provenance.generator == "text-davinci-003" }.prefix(50)
            .map { #"{"id": "s1-\#($0.id)", "prompt": "p \#($0.id)", "response": "r", "meta": {"origin": "synthetic", "generator": "student-1"}}"# }
        try (student.joined(separator: "\n") + "\n").write(toFile: f.tmp.file("student.jsonl"), atomically: true, encoding: .utf8)
        try f.importFile(f.tmp.file("student.jsonl"), options: ImportOptions())
        try f.decide(student.indices.map { "s1-\(alpaca[$0])" }, .accept)
        let m2 = try f.build(Self.open, into: "m2")
        #expect(m2.report.lineage.generations.first { $0.generation == 1 }?.rows == 50)
        #expect(m2.report.lineage.freshHumans == 0 && m2.report.lineage.usedHumans == humans)
        #expect(m2.report.warnings.contains { $0.contains("only 0.0% of the human rows") })
    }

    /// Mix files are read 4 MB at a time: lines across a chunk's edge, blank lines and a last
    /// line without a newline come out whole, numbered among the non-empty ones.
    @Test func mixFilesAreReadLineByLineAcrossChunks() throws {
        let tmp = try TemporaryDirectory()
        let long = String(repeating: "x", count: (4 << 20) + 17)
        try "first\n\n\(long)\n\nlast".write(toFile: tmp.file("m.jsonl"), atomically: true, encoding: .utf8)
        var lines: [(Int, Int)] = []
        try MixLineage.forEachLine(path: tmp.file("m.jsonl")) { number, line in lines.append((number, line.count)) }
        #expect(lines.map(\.0) == [1, 2, 3] && lines.map(\.1) == [5, long.utf8.count, 4])
        #expect(throws: MixError.self) { try MixLineage.forEachLine(path: tmp.file("missing.jsonl")) { _, _ in } }
        #expect(MixLineage.provenance(of: Array(#"{"metadata": {"row": "r\u0031", "kind": "human"}}"#.utf8))?.id == "r1")
        #expect(MixLineage.provenance(of: Array(#"{"metadata": {"row": "r", "kind": "someone"}}"#.utf8)) == nil)
        #expect(MixLineage.provenance(of: Array(#"{"metadata": {"row": 3, "kind": "human"}}"#.utf8)) == nil)
    }

    @Test func aLoopAMissingMixAndAMixWithoutProvenanceAreErrorsNamingTheLine() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 5, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 5, generator: "gen-a", prefix: "a")])
        try f.decide(f.ids("a", 0..<5), .accept)
        let m1 = try f.build(Self.open, into: "m1").directory
        let stripped = try f.build(Self.open, strip: true, into: "stripped").directory

        func message(_ toml: String) throws -> String {
            let g = try MixFixture([.init(slice: "general", origin: "human", count: 1, prefix: "z")])
            try g.configure(appending: toml)
            do { _ = try Self.lineage(g) } catch let error as MixError { return error.message }
            return "no error"
        }
        let loop = try message("[generators.gen-a]\ntrained_on = [\"\(m1)\"]")
        #expect(loop.contains("winnow.toml:") && loop.contains("loop: gen-a was trained on \(m1), which holds rows of gen-a"), "\(loop)")
        let missing = try message("[generators.gen-b]\ntrained_on = [\"mixes/nope\"]")
        #expect(missing.contains("winnow.toml:") && missing.contains("mixes/nope: no manifest.json there"), "\(missing)")
        let blind = try message("[generators.gen-b]\ntrained_on = [\"\(stripped)\"]")
        #expect(blind.contains("--strip-provenance"), "\(blind)")

        // A two-step loop: gen-c trained on a mix of gen-b's rows, then gen-b declared as also
        // trained on a mix of gen-c's rows (and none of its own).
        try f.configure(appending: "[generators.gen-b]\ntrained_on = [\"\(m1)\"]")
        try f.importRows([.init(slice: "general", origin: "synthetic", count: 3, generator: "gen-b", prefix: "b")], file: "b.jsonl")
        try f.decide(f.ids("b", 0..<3), .accept)
        let withB = try f.build(Self.open, into: "with-b").directory
        try f.configure(appending: "[generators.gen-c]\ntrained_on = [\"\(withB)\"]")
        try f.importRows([.init(slice: "general", origin: "synthetic", count: 3, generator: "gen-c", prefix: "c")], file: "c.jsonl")
        try f.decide(f.ids("c", 0..<3), .accept)
        let withC = try f.build(Self.open + "\n[weights.source]\n\"b.jsonl\" = 0", into: "with-c").directory
        #expect(try MixFixture.metadata(withC).allSatisfy { ($0["generator"] as? String) != "gen-b" })
        #expect(try Self.lineage(f).generation(of: "gen-c") == 2)
        let config = try String(contentsOfFile: f.session.paths.config, encoding: .utf8)
            .replacingOccurrences(of: "trained_on = [\"\(m1)\"]", with: "trained_on = [\"\(m1)\", \"\(withC)\"]")
        try config.write(toFile: f.session.paths.config, atomically: false, encoding: .utf8)
        let reopened = try WorkspaceSession.open(f.session.paths)
        do {
            _ = try MixLineage.read(config: reopened.config, root: reopened.paths.root)
            Issue.record("a loop through two generators was not refused")
        } catch let error as MixError {
            #expect(error.message.contains("loop: gen-b was trained on \(withC), which holds rows of gen-c, trained on \(withB), which holds rows of gen-b"),
                    "\(error.message)")
        }
    }
}
