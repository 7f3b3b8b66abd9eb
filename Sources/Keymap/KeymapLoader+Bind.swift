import TerminalCore
import WinnowCore

extension KeymapLoader {
    /// Checks everything a `bind` line could get wrong before touching the keymap, so a refused
    /// line leaves no half-applied binding behind in some of its contexts.
    func bind(_ keys: [Key], to actionName: String, in contexts: [String], file: String, line: Int,
              into keymap: inout Keymap, run: inout Run) {
        guard let action = catalog.action(named: actionName) else {
            let hint = Suggestion.nearest(to: actionName, in: catalog.actions.map(\.name))
                .map { " (did you mean '\($0)'?)" } ?? ""
            run.report(file, line, "unknown action '\(actionName)'\(hint)")
            return
        }
        if let refusal = refusal(of: keys, for: action, in: contexts) {
            run.report(file, line, refusal)
            return
        }
        let conflicts = contexts.compactMap { context in
            keymap.prefixConflict(with: keys, in: context).map { (context, $0) }
        }
        for (context, other) in conflicts {
            let (short, long) = other.count < keys.count ? (other, keys) : (keys, other)
            let earlier = keymap.origins[context]?[other].map { " (\(KeyNotation.name(other)) is bound at \($0))" } ?? ""
            run.report(file, line, "'\(KeyNotation.name(short))' and '\(KeyNotation.name(long))' can't both be bound "
                + "in '\(context)': the shorter fires before the longer can be typed\(earlier)")
        }
        guard conflicts.isEmpty else { return }
        for context in contexts { keymap.bind(keys, to: action.name, in: context, origin: "\(file):\(line)") }
    }

    /// Why these keys may not do this action in these contexts, whatever else is bound: the
    /// action belongs elsewhere, the terminal or the screen owns the key, or a decision on Esc.
    func refusal(of keys: [Key], for action: KeymapCatalog.Action, in contexts: [String]) -> String? {
        let shownKeys = KeyNotation.name(keys)
        if !action.contexts.contains(KeymapCatalog.globalContext),
           let wrong = contexts.first(where: { !action.contexts.contains($0) }) {
            return "'\(action.name)' can't be bound in '\(wrong)': it is valid in \(action.contexts.sorted().joined(separator: ", "))"
        }
        if let reason = keys.lazy.compactMap(\.reservedReason).first {
            return "'\(shownKeys)' can't be bound: \(reason)"
        }
        for context in contexts {
            if let own = catalog.screenKeys[context], let first = keys.first, own.keys.contains(first) {
                return "'\(shownKeys)' can't be bound in '\(context)': \(own.why)"
            }
        }
        if action.isPrimary, keys.contains(.escape) {
            return "'\(action.name)' is a decision and can't be on <Esc>: Esc also starts every arrow and function key "
                + "the terminal sends, so on a slow link it would fire by itself"
        }
        return nil
    }

    /// Unbinds where bound; warns where there was nothing to unbind, since that is usually a
    /// misspelt context or a key written in another notation than the one that bound it.
    func unbind(_ keys: [Key], in contexts: [String], file: String, line: Int,
                from keymap: inout Keymap, run: inout Run) {
        for context in contexts {
            if keymap.bindings[context]?[keys] != nil {
                keymap.unbind(keys, in: context)
                continue
            }
            let elsewhere = keymap.bindings.keys.sorted()
                .filter { $0 != context && keymap.bindings[$0]?[keys] != nil }
            let hint = elsewhere.isEmpty ? "" : " (it is bound in \(elsewhere.joined(separator: ", ")))"
            run.report(file, line, "'\(KeyNotation.name(keys))' is not bound in '\(context)', nothing to unbind\(hint)",
                       .warning)
        }
    }
}
