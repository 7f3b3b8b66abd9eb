import WinnowCore

/// The choices one import was made with. They go into the log's import entry verbatim, so
/// reindex reads the source exactly as the import did, whatever the config says by then.
public struct ImportOptions: Sendable, Equatable {
    public var format: RowShape?
    /// Values from flags (--origin, --generator, --template, --seed, --slice).
    public var defaults = Provenance()
    /// `--map FIELD=PATH`, on top of the config's `[import.paths]`.
    public var map: [RowField: FieldPath] = [:]
    /// Load with a rollback journal (`RowIndex.beginBulkLoad`): nil decides by the file's size
    /// and the workspace's; tests force it either way. Not recorded: it changes no outcome.
    var bulkLoad: Bool?
    /// The command runs the gates over these rows once they are logged (`import` without
    /// `--no-gates`). Recorded in the import entry (`gates: true`), not in its replay options:
    /// until a gate run covers the rows, their gates are pending (`RowIndex.pendingGateRows`).
    public var gates = false

    public init() {}

    /// The recognizer for this import: config paths, then `--map`, then the built-in defaults.
    func recognizer(config: WorkspaceConfig) -> RowRecognizer {
        var paths = config.importPaths
        for (field, path) in map { paths[field] = [path] }
        return RowRecognizer(format: format, paths: paths, defaults: defaults)
    }

    /// Everything replay needs, with paths fully resolved.
    func record(config: WorkspaceConfig) -> JSONValue {
        let recognizer = recognizer(config: config)
        var defaultsJSON: [(String, JSONValue)] = [("origin", .string(defaults.origin.rawValue))]
        if let g = defaults.generator { defaultsJSON.append(("generator", .string(g))) }
        if let t = defaults.template { defaultsJSON.append(("template", .string(t))) }
        if let s = defaults.seed { defaultsJSON.append(("seed", .string(s))) }
        if !defaults.slices.isEmpty { defaultsJSON.append(("slices", .array(defaults.slices.map(JSONValue.string)))) }
        let paths = RowField.allCases.map { field in
            (field.rawValue, JSONValue.array((recognizer.paths[field] ?? []).map { .string($0.description) }))
        }
        return .object([
            ("format", .string(format?.rawValue ?? "auto")),
            ("defaults", .object(defaultsJSON)),
            ("paths", .object(paths)),
            ("max_line_bytes", .int(config.maxLineBytes)),
            ("rendering", .int(recognizer.rendering)),
        ])
    }

    /// The recognizer and line limit an import entry recorded.
    static func replaying(_ record: JSONValue) -> (RowRecognizer, Int)? {
        guard let format = record["format"]?.stringValue.flatMap(RowShape.parseFormat),
              let maxLine = record["max_line_bytes"]?.intValue else { return nil }
        var defaults = Provenance()
        let d = record["defaults"]
        defaults.origin = d?["origin"]?.stringValue.flatMap(Origin.init) ?? .unknown
        defaults.generator = d?["generator"]?.stringValue
        defaults.template = d?["template"]?.stringValue
        defaults.seed = d?["seed"]?.stringValue
        defaults.slices = d?["slices"]?.arrayValue?.compactMap(\.stringValue) ?? []
        // A field the entry does not list was not looked for by that import (it predates the
        // field): it stays unread, so the rows read back as they imported.
        var paths: [RowField: [FieldPath]] = Dictionary(uniqueKeysWithValues: RowField.allCases.map { ($0, []) })
        for (name, list) in record["paths"]?.objectValue ?? [] {
            guard let field = RowField(rawValue: name) else { continue }
            paths[field] = (list.arrayValue ?? []).compactMap { $0.stringValue.flatMap(FieldPath.init) }
        }
        var recognizer = RowRecognizer(format: format, paths: paths, defaults: defaults)
        // Entries from before issue 10 have no "rendering": they read rows the old way.
        recognizer.rendering = record["rendering"]?.intValue ?? 1
        return (recognizer, maxLine)
    }
}
