import TerminalCore

/// Key sequences bound to action names, per context. Built by `KeymapLoader` from keymap files;
/// the workbench only looks keys up.
public struct Keymap: Sendable {
    /// What a sequence of keys typed so far means in a context.
    public enum Lookup: Sendable, Equatable {
        case action(String)
        /// A prefix of a longer binding (`g` of `gg`): wait for the next key.
        case pending
        case none
    }

    /// context → key sequence → action name.
    public private(set) var bindings: [String: [[Key]: String]] = [:]
    /// context → key sequence → where it was bound (`file:line`), for diagnostics that point
    /// back at the earlier line and for a help screen that can say where a key came from.
    public private(set) var origins: [String: [[Key]: String]] = [:]

    public init() {}

    public mutating func bind(_ keys: [Key], to action: String, in context: String, origin: String? = nil) {
        bindings[context, default: [:]][keys] = action
        origins[context, default: [:]][keys] = origin
    }

    public mutating func unbind(_ keys: [Key], in context: String) {
        bindings[context]?[keys] = nil
        origins[context]?[keys] = nil
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

    /// A sequence already bound in `context` that one of `keys` and it starts the other: the
    /// shorter fires first, so the longer could never be typed.
    public func prefixConflict(with keys: [Key], in context: String) -> [Key]? {
        bindings[context]?.keys
            .filter { $0 != keys && ($0.starts(with: keys) || keys.starts(with: $0)) }
            .min { KeyNotation.name($0) < KeyNotation.name($1) }
    }
}

extension Keymap: Equatable {
    /// Two keymaps are equal when the same keys do the same things; which file said so is not
    /// part of what a keymap means.
    public static func == (lhs: Keymap, rhs: Keymap) -> Bool {
        lhs.bindings.filter { !$0.value.isEmpty } == rhs.bindings.filter { !$0.value.isEmpty }
    }
}
