import Foundation
import Testing
import WinnowCore
@testable import Workspace

struct WorkspaceConfigTests {
    @Test func theTemplateParsesToTheDocumentedDefaults() throws {
        let config = try WorkspaceConfig.parse(text: WorkspaceConfig.template, path: "winnow.toml")
        #expect(config.slices.map(\.name) == ["safety", "legal", "medical", "billing", "general"])
        #expect(config.slices.filter(\.critical).count == 4)
        #expect(config.slice(named: "general")?.reviewRate == 0.05)
        #expect(config.reasons.map(\.code) == ["factual-error", "invented-policy", "unsafe", "pii", "off-slice",
                                              "template-echo", "low-quality", "duplicate"])
        #expect(config.gates.nearDuplicateThreshold == 0.8)
        #expect(config.gates.contaminationNgram == 13)
        #expect(config.mix.humanFloor == 0.3)
        #expect(config.maxLineBytes == 8 * 1024 * 1024)
        #expect(config.importPaths[.generator]?.map(\.description) == ["meta.generator", "generator", "meta.model"])
    }

    @Test func anEmptyFileIsAValidConfiguration() throws {
        let config = try WorkspaceConfig.parse(text: "", path: "w.toml")
        #expect(config.slices.count == 5)
        #expect(!config.reasons.isEmpty)
    }

    @Test(arguments: [
        ("[slices.general]\nreveiw_rate = 0.1\n", "w.toml:2: unknown slice setting 'reveiw_rate' (did you mean 'review_rate'?)"),
        ("[reveiw]\nlease_minutes = 3\n", "w.toml:1: unknown section 'reveiw' (did you mean 'review'?)"),
        ("[review]\n\nlease_minutes = \"ten\"\n", "w.toml:3: [review] lease_minutes: expected a whole number, found a string"),
        ("[mix]\nhuman_floor = 1.5\n", "w.toml:2: [mix] human_floor: must be between 0.0 and 1.0, found 1.5"),
        ("[gates]\nblocklist_regex = [\"(a\"]\n", "w.toml:2: [gates] blocklist_regex: '(a' is not a valid regular expression"),
        ("[import.paths]\ngenerater = [\"x\"]\n", "w.toml:2: unknown field 'generater' (did you mean 'generator'?)"),
        ("[slices.Bad_Name]\npriority = 1\n", "w.toml:1: [slices.Bad_Name]: slice names are lowercase letters, digits and '-'"),
        ("x = [1,\n", "w.toml:1:9: invalid TOML"),
    ])
    func mistakesNameTheLine(_ text: String, _ expected: String) throws {
        try expectConfigError(text, expected)
    }

    @Test(arguments: [
        ("[gates]\ncontamination_ngram = 2\n", "w.toml:2: [gates] contamination_ngram: must be at least 3, found 2"),
        ("[gates]\ncontamination_ngram = 100\n", "w.toml:2: [gates] contamination_ngram: must be at most 64, found 100"),
        ("[gates]\ncontamination_min_words = 0\n", "w.toml:2: [gates] contamination_min_words: must be at least 1, found 0"),
        ("[gates]\ncontamination_ngram = 10\ncontamination_min_words = 12\n",
         "w.toml:3: [gates] contamination_min_words: must not be above contamination_ngram (10), found 12"),
        ("[gates]\ncontamination_exact_min_words = \"3\"\n",
         "w.toml:2: [gates] contamination_exact_min_words: expected a whole number, found a string"),
        ("[gates]\ncontamination_min_word = 5\n",
         "w.toml:2: unknown setting 'contamination_min_word' (did you mean 'contamination_min_words'?)"),
    ])
    func contaminationSettingsAreChecked(_ text: String, _ expected: String) throws {
        try expectConfigError(text, expected)
    }

    @Test func contaminationSettingsAreRead() throws {
        let template = try WorkspaceConfig.parse(text: WorkspaceConfig.template, path: "winnow.toml").gates
        #expect(template.contaminationNgram == 13 && template.contaminationMinimumWords == 8)
        #expect(template.contaminationExactMinimumWords == 3)
        let set = try WorkspaceConfig.parse(text: "[gates]\ncontamination_ngram = 9\ncontamination_min_words = 6\ncontamination_exact_min_words = 4\n", path: "w.toml").gates
        #expect(set.contaminationNgram == 9 && set.contaminationMinimumWords == 6 && set.contaminationExactMinimumWords == 4)
        // Unset, the minimum follows a smaller n rather than refusing it.
        #expect(try WorkspaceConfig.parse(text: "[gates]\ncontamination_ngram = 5\n", path: "w.toml").gates.contaminationMinimumWords == 5)
    }

    @Test func suggestionsFindLikelyTypos() {
        #expect(Suggestion.nearest(to: "reveiw_rate", in: ["review_rate", "priority"]) == "review_rate")
        #expect(Suggestion.nearest(to: "zzz", in: ["review_rate", "priority"]) == nil)
        #expect(Suggestion.distance("kitten", "sitting") == 3)
    }

    @Test func rowFieldOrdinalsFollowAllCases() {
        for (i, field) in RowField.allCases.enumerated() { #expect(field.ordinal == i) }
    }
}

struct SliceGateConfigTests {
    @Test func sliceGateSettingsAreReadAndChecked() throws {
        let config = try WorkspaceConfig.parse(text: """
            [slices.billing]
            priority = 4
            critical = true
            blocklist = ["no questions asked"]
            blocklist_regex = ["refund within \\\\d+ days"]
            max_turn_chars = 2000
            pii = "reject"
            """, path: "w.toml")
        let billing = try #require(config.slice(named: "billing"))
        #expect(billing.blocklist == ["no questions asked"] && billing.blocklistRegex.count == 1)
        #expect(billing.maxTurnChars == 2000 && billing.pii == "reject")
        #expect(throws: WorkspaceError.self) {
            try WorkspaceConfig.parse(text: "[slices.billing]\npii = \"maybe\"\n", path: "w.toml")
        }
        try expectConfigError("[slices.legal]\npriority = 2\nkeyword_regex = [\"(\"]\n",
                              "w.toml:3: [slices.legal] keyword_regex: '(' is not a valid regular expression")
    }
}

struct GateSettingLimitTests {
    @Test(arguments: [
        ("[gates]\nnear_duplicate_threshold = 0.0\n", "w.toml:2: [gates] near_duplicate_threshold: threshold must be above 0"),
        ("[gates]\nshingle_words = 40\n", "w.toml:2: [gates] shingle_words: shingle words must be between 1 and 32"),
        ("[gates]\ntemplate_share_max = 1.0\n", "w.toml:2: [gates] template_share_max: the share must be above 0 and below 1"),
    ])
    func settingsTheDetectorsCannotUseAreRefusedWithTheirLine(_ text: String, _ expected: String) throws {
        try expectConfigError(text, expected)
    }
}

/// `text` as a config must be refused with a message starting with `expected` (file and line).
func expectConfigError(_ text: String, _ expected: String) throws {
    do {
        _ = try WorkspaceConfig.parse(text: text, path: "w.toml")
        Issue.record("expected an error for \(text)")
    } catch let error as WorkspaceError {
        #expect(error.message.hasPrefix(expected), "\(error.message)")
    }
}
