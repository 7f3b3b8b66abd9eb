import Foundation
import PostgresStore
import WinnowCore

/// The settings in `winnow.toml`, typed and checked. Every value has a default (the template
/// documents them), so an empty file is a valid configuration.
public struct WorkspaceConfig: Sendable {
    public struct Slice: Sendable, Equatable {
        public var name: String
        public var priority: Int
        public var critical: Bool
        public var reviewRate: Double
        public var description: String
        public var keywords: [String]
        public var group: String?
        /// Gate settings for this slice only (nil: the [gates] value). Blocklists add to the
        /// global ones; `pii` is "reject" or "flag".
        public var keywordRegex: [String] = []
        public var blocklist: [String] = []
        public var blocklistRegex: [String] = []
        public var maxTurnChars: Int?
        public var maxRowChars: Int?
        public var pii: String?
    }

    public struct Reason: Sendable, Equatable {
        public var code: String
        public var label: String
    }

    public struct Gates: Sendable, Equatable {
        public var maxTurnChars = 16000
        public var maxRowChars = 64000
        public var nearDuplicateThreshold = 0.8
        public var shingleWords = 5
        public var templateShareMax = 0.3
        public var contaminationNgram = 13
        public var contaminationMinimumWords = 8
        public var contaminationExactMinimumWords = 3
        public var evalFiles: [String] = []
        public var blocklist: [String] = ["as an ai language model"]
        public var blocklistRegex: [String] = []
        /// What each gate's flag does to an undecided row (`[gates.on_flag]`); gates not named
        /// there are `.review`.
        public var onFlag: [String: FlagPolicy] = [:]

        public func policy(forGate gate: String) -> FlagPolicy { onFlag[gate] ?? .review }

        /// Gates whose flags keep an undecided row out of a mix (review and exclude).
        public func holdsBack(gate: String) -> Bool { policy(forGate: gate) != .ignore }
    }

    /// What a gate's flag does to a row no reviewer has decided. The default, `review`, is the
    /// fail-closed one: outside critical slices only a sample is reviewed, and a flagged row that
    /// missed the sample was once neither reviewed nor kept out of mixes.
    public enum FlagPolicy: String, Sendable, CaseIterable {
        /// Queued for a reviewer in any slice (flags first), and out of mixes until decided.
        case review
        /// Out of mixes until decided, but queued only when the review sample draws it.
        case exclude
        /// Shown, nothing more.
        case ignore
    }

    public struct Review: Sendable, Equatable {
        public var overlapShare = 0.10
        public var leaseMinutes = 10
        /// Precision an AI-judge score threshold must keep on reviewed rows (`winnow stats`).
        public var judgePrecision = 0.9
    }

    /// `[generators.NAME]`: what a generator was trained on. A generator trained on a winnow
    /// mix writes rows one generation after the synthetic rows of that mix (see `MixLineage`).
    public struct Generator: Sendable, Equatable {
        public var name: String
        /// Mix folders (holding `manifest.json`), as written: relative to the workspace root.
        public var trainedOn: [String]
        /// Where `trained_on` is written, for messages about it.
        public var location: SourceLocation
    }

    public struct Mix: Sendable, Equatable {
        public var humanFloor = 0.3
        public var syntheticCapRatio = 10.0
        public var criticalSyntheticMax = 0.5
        /// The least share of a mix's human rows that no earlier mix in its lineage held (a spec's
        /// `fresh_human_min_fraction` unless it sets its own); nil: not bounded.
        public var freshHumanFloor: Double?
    }

    public var seed = "winnow"
    /// Whether log/, sources/, quarantine/ and mixes/ may be symbolic links.
    public var followSymlinks = false
    /// The Unix group a team shares the workspace through (`winnow init --group`), which
    /// `winnow doctor` checks every file and folder against; nil for a workspace of one user.
    public var group: String?
    /// `[store] url`: the PostgreSQL store this workspace's log lives in (its `log/` then holds
    /// a replica); nil for a file workspace, whose log is its own.
    public var store: StoreURL?
    public var maxLineBytes = 8 * 1024 * 1024
    /// Provenance and id paths for import, as configured (fields not named use their defaults).
    public var importPaths: [RowField: [FieldPath]] = [:]
    /// Ordered by priority, then name.
    public var slices: [Slice] = []
    public var reasons: [Reason] = []
    public var gates = Gates()
    public var review = Review()
    public var mix = Mix()
    /// By name.
    public var generators: [Generator] = []
    /// Canonical JSON of the whole file, so a log entry can record which config produced it.
    public var configHash = ""
    /// The hash a store's boxes compare (see StoreConfiguration): `configHash` without the
    /// box's own `[workspace] group` and `follow_symlinks`.
    public var sharedSettingsHash = ""
    /// What the gates' verdicts depend on: `configHash` without `[generators]`, which says what
    /// models were trained on and changes after every round of training; declaring a lineage
    /// must not rerun every gate over every row. Equal to `configHash` when there is none.
    public var gatesConfigHash = ""

    public init() {}

    public func slice(named name: String) -> Slice? { slices.first { $0.name == name } }

    /// Reads and checks `winnow.toml`; errors name the file and line.
    public static func load(path: String) throws -> WorkspaceConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkspaceError.io(path: path, action: "read the configuration", errno: errno == 0 ? ENOENT : errno)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw WorkspaceError.config(SourceLocation(file: path), "not valid UTF-8")
        }
        return try parse(text: text, path: path)
    }

    public static func parse(text: String, path: String) throws -> WorkspaceConfig {
        let document = try TOMLDocument(path: path, text: text)
        let reader = ConfigReader(document: document)
        return try reader.read()
    }

    /// The configuration `winnow init` writes, parsed (for tests and for code that needs the
    /// defaults without a workspace).
    public static var defaults: WorkspaceConfig {
        // The template is part of the program and covered by tests; it always parses.
        (try? parse(text: template, path: "winnow.toml")) ?? WorkspaceConfig()
    }
}
