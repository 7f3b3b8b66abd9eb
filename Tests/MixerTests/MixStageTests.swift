import Foundation
@testable import Mixer
import ReviewQueue
import TestSupport
import Testing
import WinnowCore
import Workspace

/// Issue 14, stage-wise mixes: one spec names stages (SFT, preference, RFT), each written as a
/// sibling folder under one manifest with its own format, bounds and row filter; `mix verify`
/// checks every stage's files.
@Suite(.serialized) struct MixStageTests {
    static let staged = """
        name = "staged"
        seed = 7
        [constraints]
        human_min_fraction = 0.3
        synthetic_max_per_human = 1000
        critical_synthetic_max = 1

        [stages.sft]
        format = "chat"
        rows = "non-pairs"
        [stages.sft.constraints]
        human_min_fraction = 0.5

        [stages.preference]
        format = "preference"

        [stages.rft]
        format = "chat"
        rows = "judge-kept"
        """

    /// Human and synthetic single-answer rows (30 synthetic with judge scores), human and
    /// synthetic pairs; the scored rows decided so the calibrated cut is 0.5 (see below).
    static func fixture() throws -> MixFixture {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 20, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 30, prefix: "s", judged: true)],
                               generalRate: 1)
        try f.importRows([.init(slice: "general", origin: "human", count: 6, prefix: "ph"),
                          .init(slice: "general", origin: "synthetic", count: 8, prefix: "ps")], file: "pairs.jsonl", shape: "preference")
        // Scores are (i mod 10) / 10. Rows 0-19: accepted from 0.5 up, rejected below; rows
        // 20-29 all accepted. From 0.5 up every reviewed row was accepted (precision 1); from
        // 0.4, 16 of 18 (0.89 < 0.9): the lowest cut keeping 0.9 is 0.5, and rows 20-24 were
        // accepted by a reviewer yet fall below it.
        try f.decide((0..<30).filter { $0 >= 20 || $0 % 10 >= 5 }.map { "s-\($0)" }, .accept)
        try f.decide((0..<20).filter { $0 % 10 < 5 }.map { "s-\($0)" }, .reject)
        try f.decide(f.ids("ps", 0..<8), .accept)
        return f
    }

    static func meta(_ directory: String, _ file: String) throws -> [[String: Any]] {
        try MixFixture.rows(directory, file: file).map { $0["metadata"] as! [String: Any] }
    }

    @Test func eachStageIsWrittenWithItsOwnFormatBoundsAndRowsUnderOneManifest() throws {
        let f = try Self.fixture()
        let out = try f.build(Self.staged, into: "staged")
        let manifest = try MixManifest.read(directory: out.directory)
        #expect(manifest.stages.map(\.name) == ["sft", "preference", "rft"])
        #expect(Set(manifest.outputs.keys) == ["sft/data.jsonl", "preference/data.jsonl", "rft/data.jsonl"])
        #expect(!FileManager.default.fileExists(atPath: out.directory + "/data.jsonl"))

        // SFT: chat rows, no pair, and its own human floor (0.5, not the top's 0.3) holds in the file.
        let sft = try MixFixture.rows(out.directory, file: "sft/data.jsonl")
        #expect(sft.allSatisfy { $0["messages"] != nil })
        let sftMeta = sft.map { $0["metadata"] as! [String: Any] }
        #expect(!sftMeta.contains { ($0["row"] as! String).hasPrefix("p") })
        let sftHumans = sftMeta.filter { $0["kind"] as? String == "human" }.count
        #expect(sftHumans == 20 && Double(sftHumans) >= 0.5 * Double(sft.count), "\(sftHumans) of \(sft.count)")

        // Preference: pairs only, in TRL's form.
        let pairs = try MixFixture.rows(out.directory, file: "preference/data.jsonl")
        #expect(pairs.count == 14 && pairs.allSatisfy { $0["chosen"] != nil && $0["rejected"] != nil && $0["prompt"] != nil })

        // RFT: only the synthetic rows scored at or above the calibrated cut.
        let rft = try Self.meta(out.directory, "rft/data.jsonl").map { $0["row"] as! String }
        let expected = (0..<30).filter { $0 % 10 >= 5 }.map { "s-\($0)" }
        #expect(Set(rft) == Set(expected), "\(rft.sorted())")
        let cut = try #require(manifest.stages.first { $0.name == "rft" }?.judge)
        #expect(cut.threshold == 0.5 && cut.precision == 1 && cut.reviewed == 30 && cut.precisionTarget == 0.9)
        // The cut is the one `winnow stats` shows (its rows are read by another query).
        let stats = try QueueService(session: f.session).trustReport(precisionTarget: 0.9).judge?.threshold
        #expect(stats?.threshold == cut.threshold && stats?.precision == cut.precision)
        let rftReport = try #require(out.report.stages.first { $0.name == "rft" }?.report)
        let reasons = Dictionary(uniqueKeysWithValues: rftReport.excluded.map { ($0.reason, $0.count) })
        #expect(reasons["judge score below the calibrated threshold (rows = \"judge-kept\")"] == 5, "\(reasons)")
        #expect(reasons["human-written (rows = \"judge-kept\" takes synthetic rows)"] == 26)
        #expect(reasons["no judge score (rows = \"judge-kept\")"] == 8)

        // The report names every stage; the log entry lists every output.
        let text = out.report.lines.joined(separator: "\n")
        #expect(text.contains("Mix staged: 3 stages") && text.contains("== Stage rft: rft/data.jsonl, chat, rows = judge-kept =="))
        #expect(text.contains("judge score >= 0.5, precision 1.00 (target 0.90) on 30 reviewed rows"))
        #expect(out.report.rows == sft.count + pairs.count + rft.count)

        let verification = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(verification.ok, "\(verification.lines)")
        #expect(verification.outputs.map(\.name) == ["preference/data.jsonl", "rft/data.jsonl", "sft/data.jsonl"])
    }

    /// The judge scored a row as generated: a row a reviewer edited is not judge-kept.
    @Test func anEditedRowIsNotJudgeKept() throws {
        let f = try Self.fixture()
        try f.decide(["s-9"], .edit, uid: 2, newRow: .object([("prompt", .string("q")), ("response", .string("rewritten"))]), adjudication: true)
        let out = try f.build(Self.staged, into: "m")
        let rft = try Self.meta(out.directory, "rft/data.jsonl").map { $0["row"] as! String }
        #expect(!rft.contains("s-9") && rft.contains("s-19"))
        let report = try #require(out.report.stages.first { $0.name == "rft" }?.report)
        #expect(report.excluded.contains { $0.reason.hasPrefix("edited by a reviewer: the judge scored the text before the edit") })
    }

    /// A row decided twice counts by its latest standing verdict, as in `winnow stats`.
    @Test func theJudgeCutReadsEachRowsLatestVerdict() throws {
        let f = try Self.fixture()
        // Row 4 (score 0.4) was rejected; a second reviewer's accept, adjudicated, now stands:
        // from 0.4 up, 17 of 18 accepted (0.94), so the cut drops to 0.4.
        try f.decide(["s-4"], .accept, uid: 2, adjudication: true)
        let cut = try MixJudge.calibrate(index: f.session.index, precisionTarget: 0.9, location: SourceLocation(file: "spec.toml"))
        let stats = try QueueService(session: f.session).trustReport(precisionTarget: 0.9).judge?.threshold
        #expect(cut.threshold == 0.4 && stats?.threshold == 0.4 && cut.reviewed == stats.map { _ in 30 }, "\(cut) \(String(describing: stats))")
    }

    /// `mix verify` rebuilds every stage and names the one whose file was changed.
    @Test func verifyNamesTheStageWhoseFileChanged() throws {
        let f = try Self.fixture()
        let out = try f.build(Self.staged, into: "staged")
        let path = out.directory + "/preference/data.jsonl"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "good answer", with: "fine answer").write(toFile: path, atomically: true, encoding: .utf8)
        // The manifest's recorded hash is what verify compares the rebuild with; a changed file
        // is caught by its rebuild differing from the file, which verify reports per output.
        var manifestText = try String(contentsOfFile: out.directory + "/manifest.json", encoding: .utf8)
        let old = try MixManifest.read(directory: out.directory).outputs["preference/data.jsonl"]!
        manifestText = manifestText.replacingOccurrences(of: old, with: ContentHash.hex(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
        try manifestText.write(toFile: out.directory + "/manifest.json", atomically: true, encoding: .utf8)
        let verification = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(!verification.ok)
        let differing = verification.outputs.filter { $0.recorded != $0.rebuilt }.map(\.name)
        #expect(differing == ["preference/data.jsonl"], "\(verification.lines)")
        #expect(verification.lines.contains { $0.hasPrefix("preference/data.jsonl: DIFFERS") })
    }

    /// A file edited after the mix was built, its manifest left alone: the rebuild still matches
    /// the manifest, so only hashing the folder's files catches it.
    @Test(arguments: [true, false]) func verifyHashesTheFilesInTheFolder(staged: Bool) throws {
        let f = try Self.fixture()
        let out = try f.build(staged ? Self.staged : "name = \"one\"\nseed = 1\n", into: "m")
        let name = staged ? "sft/data.jsonl" : "data.jsonl"
        let path = out.directory + "/" + name
        chmod(path, 0o644)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try String(text.dropLast(1)).write(toFile: path, atomically: false, encoding: .utf8)
        var verification = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(!verification.ok && verification.identical)
        #expect(verification.changedFiles.map(\.name) == [name])
        #expect(verification.lines.contains { $0.hasPrefix("\(name): CHANGED on disk") }, "\(verification.lines)")
        try FileManager.default.removeItem(atPath: path)
        verification = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(verification.lines.contains("\(name): MISSING from the mix folder") && !verification.ok)
    }

    /// A stage's entry deleted from the manifest (and its file then changed at will): the
    /// rebuild writes a file the manifest does not list, and the log's entry no longer matches.
    @Test func aStageLeftOutOfTheManifestIsCaught() throws {
        let f = try Self.fixture()
        let out = try f.build(Self.staged, into: "m")
        let path = out.directory + "/manifest.json"
        chmod(path, 0o644)
        let manifest = try MixManifest.read(directory: out.directory)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"rft/data.jsonl\":\"\(manifest.outputs["rft/data.jsonl"]!)\",", with: "")
        #expect(!text.contains("rft/data.jsonl\":"))
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let verification = try MixBuilder(session: f.session).verify(directory: out.directory)
        #expect(!verification.ok && !verification.identical)
        #expect(verification.lines.contains("rft/data.jsonl: the rebuild writes it, the manifest does not list it"), "\(verification.lines)")
        #expect(verification.entryProblem?.contains("no mix entry of the log records this manifest") == true)
    }

    /// A mix is proven against the gates as configured today: after a [gates] change (or a
    /// winnow that adds a gate) it is refused until the gates have run again.
    @Test func aMixAfterTheGateSettingsChangedWaitsForTheGates() throws {
        let f = try Self.fixture()
        _ = try f.session.runGates()
        let spec = "name = \"g\"\nseed = 1\n[constraints]\nhuman_min_fraction = 0\nsynthetic_max_per_human = 100\ncritical_synthetic_max = 1\n"
        _ = try f.build(spec)
        var config = try String(contentsOfFile: f.session.paths.config, encoding: .utf8)
        config = config.replacingOccurrences(of: "near_duplicate_threshold = 0.8", with: "near_duplicate_threshold = 0.7")
        try config.write(toFile: f.session.paths.config, atomically: true, encoding: .utf8)
        try f.configure(appending: "")
        #expect {
            try f.build(spec)
        } throws: { error in
            if case .gatesStale = error as? WorkspaceError { return true }
            return false
        }
        _ = try f.session.runGates()
        _ = try f.build(spec)
    }

    /// Output names in a manifest are paths verify opens: nothing outside the mix's own files.
    @Test func aManifestNamingAnotherFileIsRefused() throws {
        let f = try Self.fixture()
        let out = try f.build("name = \"one\"\nseed = 1\n", into: "m")
        let path = out.directory + "/manifest.json"
        chmod(path, 0o644)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"data.jsonl\":", with: "\"../../winnow.toml\":").write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            try MixBuilder(session: f.session).verify(directory: out.directory)
        } throws: { error in
            ((error as? MixError)?.message ?? "").contains("outputs names \"../../winnow.toml\", not a file a mix writes")
        }
        #expect(MixManifest.isOutputName("sft/eval.jsonl") && !MixManifest.isOutputName("../data.jsonl") && !MixManifest.isOutputName("a/b/data.jsonl"))
    }

    /// One seed, one split: a row held out in one stage is held out in every stage that has it.
    @Test func aRowHeldOutInOneStageIsHeldOutInEveryStage() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 200, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 200, prefix: "s")], generalRate: 1)
        try f.decide(f.ids("s", 0..<200), .accept)
        let out = try f.build("""
            name = "split"
            seed = 3
            eval_fraction = 0.2
            [stages.a]
            format = "chat"
            [stages.b]
            format = "alpaca"
            [stages.b.constraints]
            human_min_fraction = 0.6
            """, into: "split")
        let ids = { (file: String) in Set(try Self.meta(out.directory, file).map { $0["row"] as! String }) }
        let (aTrain, aEval, bTrain, bEval) = (try ids("a/data.jsonl"), try ids("a/eval.jsonl"), try ids("b/data.jsonl"), try ids("b/eval.jsonl"))
        #expect(!aEval.isEmpty && !bEval.isEmpty)
        #expect(aTrain.isDisjoint(with: bEval) && bTrain.isDisjoint(with: aEval))
        #expect(out.report.evalRows == aEval.count + bEval.count)
        #expect(try MixBuilder(session: f.session).verify(directory: out.directory).ok)
    }

    @Test func aStageThatCannotBeMetIsNamed() throws {
        let f = try Self.fixture()
        #expect {
            try f.build("""
                name = "short"
                seed = 1
                [stages.sft]
                total = 100000
                """)
        } throws: { error in
            let message = (error as? MixError)?.message ?? ""
            return message.contains("stage sft: ") && message.contains("total = 100000")
        }
    }

    /// No calibrated cut, no judge-kept rows: scores nobody checked keep nothing.
    @Test func aJudgeCutThatCannotBeCalibratedIsAnErrorNamingTheLine() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 5, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 10, prefix: "s", judged: true)], generalRate: 1)
        let spec = "name = \"r\"\nseed = 1\n[stages.sft]\nformat = \"chat\"\n[stages.rft]\nrows = \"judge-kept\"\n"
        #expect {
            try f.build(spec)
        } throws: { error in
            let message = (error as? MixError)?.message ?? ""
            return message.contains("spec.toml:6") && message.contains("no reviewed row carries a judge score")
        }
        // Reviewers accepted none of them: no threshold reaches 0.9.
        try f.decide(f.ids("s", 0..<10), .reject)
        #expect {
            try f.build(spec)
        } throws: { error in
            ((error as? MixError)?.message ?? "").contains("no judge-score threshold keeps precision ≥ 0.9 on the 10 reviewed rows with a score")
        }
    }

    /// A generator trained on a staged mix learned from every stage's data.jsonl, not its eval.jsonl.
    @Test func aLineageReadsEveryStageButNoEvalFile() throws {
        let f = try Self.fixture()
        let out = try f.build(Self.staged, into: "staged")
        try f.configure(appending: "[generators.student]\ntrained_on = [\"\(out.directory)\"]")
        let lineage = try MixLineage.read(config: f.session.config, root: f.session.paths.root)
        let used = try ["sft", "preference", "rft"].flatMap { try Self.meta(out.directory, "\($0)/data.jsonl") }
        let syntheticRows = used.filter { $0["kind"] as? String != "human" }.count
        #expect(lineage.generation(of: "student") == 1)
        #expect(lineage.generators["student"]?.trainedOn.first?.syntheticRows == syntheticRows)
        #expect(lineage.humanRowsUsed(before: ["student"]) == Set(used.filter { $0["kind"] as? String == "human" }.map { $0["row"] as! String }))
    }

    /// A generator whose rows `max_generation` leaves out entirely is still in the manifest's
    /// lineage: a rebuild that forgot it would let its rows back in.
    @Test func aGenerationLeftOutEntirelyStaysOutOnRebuild() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 10, prefix: "h"),
                                .init(slice: "general", origin: "synthetic", count: 10, generator: "gen-a", prefix: "a")], generalRate: 1)
        try f.decide(f.ids("a", 0..<10), .accept)
        let open = "name = \"m\"\nseed = 1\n[constraints]\nhuman_min_fraction = 0\nsynthetic_max_per_human = 100\ncritical_synthetic_max = 1\nfresh_human_min_fraction = 0\n"
        let m1 = try f.build(open, into: "m1")
        try f.configure(appending: "[generators.student]\ntrained_on = [\"\(m1.directory)\"]")
        try f.importRows([.init(slice: "general", origin: "synthetic", count: 10, generator: "student", prefix: "st")], file: "st.jsonl")
        try f.decide(f.ids("st", 0..<10), .accept)
        let m2 = try f.build(open.replacingOccurrences(of: "name = \"m\"", with: "name = \"m2\"") + "max_generation = 0\n", into: "m2")
        #expect(try Self.meta(m2.directory, "data.jsonl").allSatisfy { !($0["row"] as! String).hasPrefix("st-") })
        let verification = try MixBuilder(session: f.session).verify(directory: m2.directory)
        #expect(verification.ok, "\(verification.lines)")
    }

    /// On data nobody here wrote: HH-RLHF's harmless test pairs (human preference data) and
    /// Alpaca (text-davinci-003's answers, some accepted). The preference stage holds HH's pairs
    /// and nothing else, the SFT stage no pair, and each the rows a mix of one output would.
    @Test(.enabled(if: RealData.isPresent)) func realDataPairsGoToThePreferenceStageAndNowhereElse() throws {
        let f = try MixFixture([.init(slice: "general", origin: "human", count: 1, prefix: "seed")])
        var human = ImportOptions()
        human.defaults.origin = .human
        try f.importFile(RealData.path("hh-rlhf/harmless-base/test.jsonl.gz"), options: human)
        var teacher = ImportOptions()
        teacher.defaults.origin = .synthetic
        teacher.defaults.generator = "text-davinci-003"
        try f.importFile(RealData.path("alpaca/alpaca_5000.json"), options: teacher)
        let rows = try f.session.index.allRows()
        let alpaca = rows.filter { $0.provenance.generator == "text-davinci-003" }.map(\.id)
        try f.decide(Array(alpaca.prefix(300)), .accept)
        let hhPairs = Set(rows.filter { $0.shape == .hh }.map(\.id))
        #expect(hhPairs.count > 2000)
        let out = try f.build("""
            name = "real"
            seed = 11
            [constraints]
            human_min_fraction = 0
            synthetic_max_per_human = 1000
            critical_synthetic_max = 1
            [stages.sft]
            rows = "non-pairs"
            [stages.preference]
            format = "preference"
            """, bestEffort: true, into: "real")
        let preference = Set(try Self.meta(out.directory, "preference/data.jsonl").map { $0["row"] as! String })
        let sft = Set(try Self.meta(out.directory, "sft/data.jsonl").map { $0["row"] as! String })
        #expect(sft.isDisjoint(with: hhPairs) && preference.isSubset(of: hhPairs) && preference.count > 2000)
        // A stage takes exactly the rows a mix of one output with its spec would.
        let constraints = "[constraints]\nhuman_min_fraction = 0\nsynthetic_max_per_human = 1000\ncritical_synthetic_max = 1\n"
        let alone = try f.build("name = \"pref\"\nseed = 11\nformat = \"preference\"\n" + constraints, into: "pref")
        #expect(Set(try Self.meta(alone.directory, "data.jsonl").map { $0["row"] as! String }) == preference)
        let single = try f.build("name = \"single\"\nseed = 11\nrows = \"non-pairs\"\n" + constraints, into: "single")
        #expect(Set(try Self.meta(single.directory, "data.jsonl").map { $0["row"] as! String }) == sft)
        #expect(Set(alpaca.prefix(300)).isSubset(of: sft))
        #expect(try MixBuilder(session: f.session).verify(directory: out.directory).ok)
    }
}
