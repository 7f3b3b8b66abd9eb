/// Reads keymap files (`bind`, `unbind`, `source`, `#` comments) against a catalog.
/// STUB: being written; returns no bindings.
public struct KeymapLoader: Sendable {
    public var catalog: KeymapCatalog
    /// Where `--keymap NAME` looks for NAME.keymap, in order.
    public var searchDirectories: [String]

    public init(catalog: KeymapCatalog, searchDirectories: [String]) {
        self.catalog = catalog
        self.searchDirectories = searchDirectories
    }

    /// A name (`vim`) or a path (`./my.keymap`) to a file path, or nil when nothing matches.
    public func resolve(_ nameOrPath: String) -> String? { nil }

    /// Applies the file's lines to `keymap`; problems come back as diagnostics, never thrown.
    public func load(file path: String, into keymap: inout Keymap) -> [KeymapDiagnostic] { [] }

    /// Applies keymap text; `file` names it in diagnostics and anchors relative `source` paths.
    public func apply(text: String, file: String, into keymap: inout Keymap) -> [KeymapDiagnostic] { [] }
}
