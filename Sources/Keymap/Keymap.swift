import TerminalCore

/// A problem in a keymap file, pointing at the line.
public struct KeymapDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Key sequences bound to action names, per context.
/// STUB: the grammar, lookup and diagnostics are being written (see KeymapLoader).
public struct Keymap: Sendable, Equatable {
    /// What a sequence of keys typed so far means in a context.
    public enum Lookup: Sendable, Equatable {
        case action(String)
        /// A prefix of a longer binding (`g` of `gg`): wait for the next key.
        case pending
        case none
    }

    /// context → key sequence → action name.
    public private(set) var bindings: [String: [[Key]: String]] = [:]

    public init() {}

    public mutating func bind(_ keys: [Key], to action: String, in context: String) {
        bindings[context, default: [:]][keys] = action
    }

    public mutating func unbind(_ keys: [Key], in context: String) {
        bindings[context]?[keys] = nil
    }

    /// The context's own bindings first, then `global`.
    public func lookup(_ keys: [Key], context: String) -> Lookup {
        for scope in [context, KeymapCatalog.globalContext] {
            guard let table = bindings[scope] else { continue }
            if let action = table[keys] { return .action(action) }
            if table.keys.contains(where: { $0.count > keys.count && Array($0.prefix(keys.count)) == keys }) { return .pending }
        }
        return .none
    }

    /// Every sequence that reaches `action` in `context` (its own bindings, then global ones not
    /// shadowed), sorted shortest first: for the status line and the help screen.
    public func keys(for action: String, in context: String) -> [[Key]] {
        var found: [[Key]] = []
        for scope in [context, KeymapCatalog.globalContext] {
            for (keys, bound) in bindings[scope] ?? [:] where bound == action {
                if case .action(action) = lookup(keys, context: context) { found.append(keys) }
            }
        }
        return found.sorted { ($0.count, KeyNotation.name($0)) < ($1.count, KeyNotation.name($1)) }
    }
}
