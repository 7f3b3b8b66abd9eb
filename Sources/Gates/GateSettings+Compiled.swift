import WinnowCore

extension GateSettings {
    /// Every per-row gate, built once from the settings (regular expressions compiled, phrase
    /// tables made) and then run on any number of rows from any number of threads.
    ///
    /// It runs the slice classifier first, so a row that came without a slice is checked with
    /// the settings of the slices it was tagged with (a medical row's PII is rejected whether
    /// the tag came with the row or from the classifier), and folds each segment once for both
    /// the classifier and the blocklist. Batch gates (duplicates, template lock-in) are not
    /// here: they need all rows at once.
    public struct Compiled: Sendable {
        public let classifier: SliceClassifier
        public let schema: SchemaGate
        public let length: LengthGate
        public let blocklist: BlocklistGate
        public let pii: PIIGate
        public let contamination: ContaminationGate?
        public let pair: PairGate
        /// The first words of every phrase the classifier and the blocklists search for: a
        /// row's folded text keeps only the words that may begin one.
        let phraseWords: TextNormaliser.WordFilter

        /// What the gates said about one row.
        public struct Result: Sendable {
            /// The row's slices (its own, or the classifier's tags).
            public var assignment: SliceClassifier.Assignment
            /// In gate order: schema, length, blocklist, PII, contamination, classifier, pair.
            public var findings: [GateFinding]
        }

        public init(settings: GateSettings, contamination: ContaminationIndex? = nil) throws(PatternError) {
            classifier = try SliceClassifier(settings: settings)
            schema = SchemaGate(settings: settings)
            length = LengthGate(settings: settings)
            blocklist = try BlocklistGate(settings: settings)
            pii = PIIGate(settings: settings)
            self.contamination = contamination.map(ContaminationGate.init)
            pair = PairGate(settings: settings)
            var words = classifier.keywords.filter
            for rules in [blocklist.global] + Array(blocklist.bySlice.values) { words.formUnion(rules.phrases.filter) }
            phraseWords = words
        }

        public func run(_ row: GateRow) -> Result {
            let needsFolding = !classifier.ruleSlice.isEmpty || !blocklist.isEmpty
            let folded = needsFolding ? row.text.segments.map { TextNormaliser.Folded($0.text, keeping: phraseWords) } : []
            let (assignment, classifierFindings) = classifier.evaluate(row, folded: folded)
            var row = row
            row.provenance.slices = assignment.slices
            var findings = schema.check(row)
            findings += length.check(row)
            if !blocklist.isEmpty { findings += blocklist.check(row, folded: folded) }
            findings += pii.check(row)
            if let contamination { findings += contamination.check(row) }
            findings += classifierFindings
            // Last: it reads what the others found on each side of a pair.
            if row.shape.isPreferencePair { findings += pair.check(row, findings: findings) }
            return Result(assignment: assignment, findings: findings)
        }
    }

    /// The gates for these settings; a bad regular expression throws, naming it.
    public func compile(contamination: ContaminationIndex? = nil) throws(PatternError) -> Compiled {
        try Compiled(settings: self, contamination: contamination)
    }
}
