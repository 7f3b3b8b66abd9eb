import Testing
@testable import WinnowCore

/// Provenance comes from the row's own metadata (configurable paths), with import flags filling
/// the gaps; the row wins where both speak, and the disagreement is recorded.
@Suite struct RowProvenanceTests {
    @Test func readsMetaFieldsFromTheDefaultPaths() throws {
        let row = try recognize(#"""
            {"id": "row-7", "prompt": "p", "response": "r", "meta": {"origin": "Synthetic", "generator": "gpt-4o-2024-08-06",
             "template": "qa-v2", "seed_id": "seed-9", "temperature": 0.7, "created": "2024-05-01T12:00:00Z",
             "slices": ["safety", " legal ", "safety", ""], "judge_score": 8.5}}
            """#).get()
        #expect(row.ownID == "row-7")
        var expected = Provenance()
        expected.origin = .synthetic
        expected.generator = "gpt-4o-2024-08-06"
        expected.template = "qa-v2"
        expected.seed = "seed-9"
        expected.temperature = 0.7
        expected.created = "2024-05-01T12:00:00Z"
        expected.slices = ["safety", "legal"]
        expected.judgeScore = 8.5
        #expect(row.provenance == expected)
        #expect(row.conflicts.isEmpty)
    }

    @Test func fallsBackToTopLevelAndAlternativePaths() throws {
        let row = try recognize(#"""
            {"id": 12345678901234567890, "question": "q", "answer": "a", "origin": "human", "meta": {"model": "llama-3-70b",
             "seed": 42, "slice": "medical"}, "template": "t", "temperature": 1, "created": null}
            """#).get()
        #expect(row.ownID == "12345678901234567890")
        #expect(row.provenance.origin == .human)
        #expect(row.provenance.generator == "llama-3-70b")
        #expect(row.provenance.seed == "42")
        #expect(row.provenance.slices == ["medical"])
        #expect(row.provenance.template == "t")
        #expect(row.provenance.temperature == 1)
        #expect(row.provenance.created == nil)
    }

    @Test func metaWinsOverTopLevel() throws {
        let row = try recognize(#"{"prompt": "p", "response": "r", "generator": "top", "meta": {"generator": "meta"}}"#).get()
        #expect(row.provenance.generator == "meta")
    }

    @Test("ids: strings and integers are kept, blanks and nulls are not", arguments: [
        (#""abc""#, "abc" as String?), ("7", "7"), ("-3", "-3"), ("null", nil), (#""  ""#, nil), (#""\u00e9""#, "\u{E9}"),
    ])
    func ids(_ id: String, _ expected: String?) throws {
        #expect(try recognize(#"{"id": \#(id), "prompt": "p", "response": "r"}"#).get().ownID == expected)
    }

    static var flags: Provenance {
        var p = Provenance()
        p.origin = .synthetic
        p.generator = "flag-gen"
        p.template = "flag-tpl"
        p.seed = "flag-seed"
        p.created = "2024-01-01"
        p.slices = ["general"]
        return p
    }

    @Test func flagsFillGaps() throws {
        let row = try recognize(#"{"prompt": "p", "response": "r", "meta": {"generator": null, "template": " "}}"#,
                                RowRecognizer(defaults: Self.flags)).get()
        #expect(row.provenance == Self.flags, "null and blank values leave the flags in place")
        #expect(row.conflicts.isEmpty)
    }

    @Test func agreeingValuesAreNotConflicts() throws {
        let row = try recognize(#"""
            {"prompt": "p", "response": "r", "meta": {"origin": "synthetic", "generator": "flag-gen", "slices": ["general"]}}
            """#, RowRecognizer(defaults: Self.flags)).get()
        #expect(row.provenance == Self.flags)
        #expect(row.conflicts.isEmpty)
    }

    @Test func rowWinsOverADifferingFlagAndTheConflictIsListed() throws {
        let row = try recognize(#"""
            {"prompt": "p", "response": "r", "meta": {"origin": "human", "generator": "row-gen", "template": "row-tpl",
             "seed": 5, "created": "2025-02-02", "slice": "legal"}}
            """#, RowRecognizer(defaults: Self.flags)).get()
        #expect(row.provenance.origin == .human)
        #expect(row.provenance.generator == "row-gen")
        #expect(row.provenance.template == "row-tpl")
        #expect(row.provenance.seed == "5")
        #expect(row.provenance.created == "2025-02-02")
        #expect(row.provenance.slices == ["legal"])
        #expect(Set(row.conflicts) == [.origin, .generator, .template, .seed, .created, .slice])
    }

    @Test func flagWithoutRowValueIsNoConflict() throws {
        var flags = Provenance()
        flags.generator = "g"
        let row = try recognize(#"{"prompt": "p", "response": "r", "meta": {"template": "t"}}"#,
                                RowRecognizer(defaults: flags)).get()
        #expect(row.provenance.generator == "g" && row.provenance.template == "t")
        #expect(row.conflicts.isEmpty)
    }

    @Test func customPaths() throws {
        let recognizer = RowRecognizer(paths: [
            .generator: [FieldPath("provenance.model.name")!],
            .origin: [FieldPath("source.kind")!],
            .slice: [FieldPath("tags")!],
            .id: [FieldPath("uid")!],
        ])
        let row = try recognize(#"""
            {"uid": "u-1", "id": {"ignored": true}, "prompt": "p", "response": "r", "provenance": {"model": {"name": "m"}},
             "source": {"kind": "synthetic"}, "tags": ["a", "b"], "meta": {"generator": "not this one"}}
            """#, recognizer).get()
        #expect(row.ownID == "u-1")
        #expect(row.provenance.generator == "m")
        #expect(row.provenance.origin == .synthetic)
        #expect(row.provenance.slices == ["a", "b"])
        // Fields without a custom path keep their defaults.
        #expect(recognizer.paths[.template] == ["meta.template", "template"].map { FieldPath($0)! })
    }

    @Test func pathsEditedAfterInitAreUsed() throws {
        var recognizer = RowRecognizer()
        recognizer.paths[.generator] = [FieldPath("provenance.model")!]
        let row = try recognize(#"{"prompt": "p", "response": "r", "provenance": {"model": "m"}, "meta": {"generator": "g"}}"#,
                                recognizer).get()
        #expect(row.provenance.generator == "m")
    }

    @Test func fieldOrdinalsFollowAllCases() {
        for (i, field) in RowField.allCases.enumerated() { #expect(field.ordinal == i, "\(field)") }
    }

    /// A self-instruct seed task: the output sits inside the first instance.
    static let seedTask = #"""
        {"id": "seed_task_0", "name": "breakfast_suggestion", "instruction": "Is there anything I can eat for a breakfast that doesn't include eggs, yet includes protein?",
         "instances": [{"input": "", "output": "Yes, you can have 1 oatmeal banana protein shake and 4 strips of bacon."}],
         "is_classification": false}
        """#

    @Test func arrayIndexPaths() throws {
        let recognizer = RowRecognizer(paths: [.input: [FieldPath("instances.0.input")!],
                                               .output: [FieldPath("instances.0.output")!]])
        let row = try recognize(Self.seedTask, recognizer).get()
        #expect(row.shape == .alpaca)
        #expect(row.ownID == "seed_task_0")

        // A path past the end finds nothing: the row reads its instances, all of them, as a
        // seed task without any path does (issue 10: nothing of them is dropped).
        let beyond = RowRecognizer(format: .alpaca, paths: [.output: [FieldPath("instances.1.output")!]])
        #expect(try recognize(Self.seedTask, beyond).get().unused == ["name", "is_classification"])
        let native = try recognize(Self.seedTask).get()
        #expect(native.shape == .alpaca)
        #expect(native.unused == ["name", "is_classification"])
    }

    @Test func fieldPathParsing() throws {
        let path = try #require(FieldPath("instances.0.output"))
        #expect(path.segments == [.member(Array("instances".utf8)), .index(0), .member(Array("output".utf8))])
        #expect(path.description == "instances.0.output")
        #expect(FieldPath("a.-1")?.segments == [.member(Array("a".utf8)), .member(Array("-1".utf8))])
        #expect(FieldPath("a.١")?.segments.last == .member(Array("١".utf8)), "only ASCII digits index arrays")
        for bad in ["", ".", "a.", ".a", "a..b"] { #expect(FieldPath(bad) == nil, "\(bad)") }
    }

    @Test func resolveWalksObjectsAndArrays() throws {
        let bytes = Array(#"{"a": [{"b": 1}, {"b": [10, 20, 30]}], "a.b": 2, "c\u0064": 3}"#.utf8)
        let tape = try JSONTape.parse(bytes)
        bytes.withUnsafeBufferPointer { source in
            func text(_ path: String) -> String? {
                guard let node = tape.resolve(FieldPath(path)!, source: source) else { return nil }
                let n = tape.nodes[node]
                return String(decoding: source[Int(n.start)..<Int(n.end)], as: UTF8.self)
            }
            #expect(text("a.1.b.2") == "30")
            #expect(text("a.0.b") == "1")
            #expect(text("a.2") == nil && text("a.0.c") == nil && text("a.b") == nil && text("a.0.b.0") == nil)
            #expect(text("cd") == "3", "member names are compared decoded")
            #expect(tape.member(0, named: "cd", source: source) != nil)
        }
    }
}
