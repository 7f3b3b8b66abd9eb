import Foundation

/// Reads keymap files (`bind`, `unbind`, `source`, `#` comments) against a catalog.
///
/// The grammar is line-oriented like tig's and mutt's so a reviewer can change one key without
/// learning a format; every problem comes back as a `KeymapDiagnostic` naming file and line, and
/// the bad line is skipped while the rest still applies.
public struct KeymapLoader: Sendable {
    public var catalog: KeymapCatalog
    /// Where `--keymap NAME` (and a bare `source NAME.keymap` not found beside its includer)
    /// looks for NAME.keymap, in order.
    public var searchDirectories: [String]
    /// Keymaps compiled into winnow (file name → bytes), found after every search folder, so
    /// files on disk override them; empty for a loader that should see only disk (tests, fuzz).
    /// In diagnostics and `source` chains they are named `(built-in)/NAME.keymap`.
    public var builtIn: [String: [UInt8]]

    public init(catalog: KeymapCatalog, searchDirectories: [String], builtIn: [String: [UInt8]] = [:]) {
        self.catalog = catalog
        self.searchDirectories = searchDirectories
        self.builtIn = builtIn
    }

    /// A name (`vim`) or a path (`./my.keymap`) to a file path, or nil when nothing matches.
    /// Anything with a `/` or ending in `.keymap` is a path, taken as is (after `~/`), so a file
    /// in the current folder is never confused with a shipped keymap of the same name. A name
    /// is looked for in each search folder, then among the built-in keymaps.
    public func resolve(_ nameOrPath: String) -> String? {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".keymap") {
            if isBuiltIn(nameOrPath) { return nameOrPath }
            let path = Self.expandingTilde(nameOrPath)
            return Self.isFile(path) ? path : nil
        }
        guard !nameOrPath.isEmpty else { return nil }
        return searchDirectories
            .map { Self.joined(Self.expandingTilde($0), nameOrPath + ".keymap") }
            .first(where: Self.isFile) ?? builtInPath(nameOrPath + ".keymap")
    }

    /// Applies the file's lines to `keymap`; problems come back as diagnostics, never thrown.
    public func load(file path: String, into keymap: inout Keymap) -> [KeymapDiagnostic] {
        var run = Run()
        switch read(path) {
        case .failure(let problem):
            run.report(path, 0, "cannot read the keymap: \(problem.reason)")
        case .success(let bytes):
            run.stack.append(identity(of: path))
            apply(bytes: bytes, file: path, into: &keymap, run: &run)
        }
        return run.diagnostics
    }

    /// Applies keymap text; `file` names it in diagnostics and anchors relative `source` paths.
    public func apply(text: String, file: String, into keymap: inout Keymap) -> [KeymapDiagnostic] {
        var run = Run()
        if exists(file) { run.stack.append(identity(of: file)) }
        apply(bytes: Array(text.utf8), file: file, into: &keymap, run: &run)
        return run.diagnostics
    }

    /// Applies keymap bytes as a file holding them would be read (invalid UTF-8 included):
    /// the fuzz target's way in.
    public func apply(bytes: [UInt8], file: String, into keymap: inout Keymap) -> [KeymapDiagnostic] {
        var run = Run()
        apply(bytes: bytes, file: file, into: &keymap, run: &run)
        return run.diagnostics
    }

    /// What one top-level `load` or `apply` carries down through `source`: the files being read
    /// (to refuse cycles) and everything reported so far, in file order.
    struct Run {
        var stack: [String] = []
        var diagnostics: [KeymapDiagnostic] = []

        mutating func report(_ file: String, _ line: Int, _ message: String,
                             _ severity: KeymapDiagnostic.Severity = .error) {
            diagnostics.append(KeymapDiagnostic(file: file, line: line, message: message, severity: severity))
        }
    }

    /// Nested `source` deeper than this is a mistake even without a cycle (a cycle through
    /// differently spelled paths that resolve alike is caught earlier; this is the backstop).
    static let maximumDepth = 32

    /// Splits bytes into lines itself, rather than decoding the whole file first, so one line
    /// of invalid UTF-8 is reported with its number and the other lines still apply.
    func apply(bytes: [UInt8], file: String, into keymap: inout Keymap, run: inout Run) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) {
            lines[0] = first.dropFirst(3)
        }
        for (index, raw) in lines.enumerated() {
            let bytes = raw.last == 0x0D ? raw.dropLast() : raw
            guard let line = String(validating: bytes, as: UTF8.self) else {
                run.report(file, index + 1, "this line is not valid UTF-8 (keymap files are UTF-8 text)")
                continue
            }
            applyLine(line, number: index + 1, file: file, into: &keymap, run: &run)
        }
    }
}
