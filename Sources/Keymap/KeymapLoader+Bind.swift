import TerminalCore
import WinnowCore

extension KeymapLoader {
    /// Checks everything a `bind` line could get wrong before touching the keymap, so a refused
    /// line leaves no half-applied binding behind in some of its contexts.
    func bind(_ keys: [Key], to actionName: String, in contexts: [String], file: String, line: Int,
              into keymap: inout Keymap, run: inout Run) {
        let shownKeys = KeyNotation.name(keys)
        guard let action = catalog.action(named: actionName) else {
            let hint = Suggestion.nearest(to: actionName, in: catalog.actions.map(\.name))
                .map { " (did you mean '\($0)'?)" } ?? ""
            run.report(file, line, "unknown action '\(actionName)'\(hint)")
            return
        }
        if !action.contexts.contains(KeymapCatalog.globalContext),
           let wrong = contexts.first(where: { !action.contexts.contains($0) }) {
            let valid = action.contexts.sorted().joined(separator: ", ")
            run.report(file, line, "'\(action.name)' can't be bound in '\(wrong)': it is valid in \(valid)")
            return
        }
        if let reason = keys.lazy.compactMap(\.reservedReason).first {
            run.report(file, line, "'\(shownKeys)' can't be bound: \(reason)")
            return
        }
        for context in contexts {
            guard let own = catalog.screenKeys[context], let first = keys.first, own.keys.contains(first) else { continue }
            run.report(file, line, "'\(shownKeys)' can't be bound in '\(context)': \(own.why)")
            return
        }
        if action.isPrimary, keys.contains(.escape) {
            run.report(file, line, "'\(action.name)' is a decision and can't be on <Esc>: Esc also starts every "
                + "arrow and function key the terminal sends, so on a slow link it would fire by itself")
            return
        }
        var conflicted = false
        for context in contexts {
            guard let other = keymap.prefixConflict(with: keys, in: context) else { continue }
            let (short, long) = other.count < keys.count ? (other, keys) : (keys, other)
            let earlier = keymap.origins[context]?[other].map { " (\(KeyNotation.name(other)) is bound at \($0))" } ?? ""
            run.report(file, line, "'\(KeyNotation.name(short))' and '\(KeyNotation.name(long))' can't both be bound "
                + "in '\(context)': the shorter fires before the longer can be typed\(earlier)")
            conflicted = true
        }
        guard !conflicted else { return }
        for context in contexts { keymap.bind(keys, to: action.name, in: context, origin: "\(file):\(line)") }
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
