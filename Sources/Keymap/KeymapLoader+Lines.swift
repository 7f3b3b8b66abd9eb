import TerminalCore
import WinnowCore

extension KeymapLoader {
    /// The three things a keymap line can say.
    enum Directive: String, CaseIterable {
        case bind, unbind, source

        /// The whole form, for "wrong number of words" messages.
        var form: String {
            switch self {
            case .bind: return "bind CONTEXT[,CONTEXT...] KEYS ACTION"
            case .unbind: return "unbind CONTEXT[,CONTEXT...] KEYS"
            case .source: return "source FILE"
            }
        }

        var wordCount: Int {
            switch self {
            case .bind: return 4
            case .unbind: return 3
            case .source: return 2
            }
        }

        /// The word that holds keys: a `#` there is the key `#`, not a comment.
        var keysIndex: Int? { self == .source ? nil : 2 }
    }

    /// Words separated by spaces and tabs. A word starting with `#` starts a trailing comment,
    /// except in the KEYS position (`bind review # search` binds `#`).
    static func words(of line: String, for directive: Directive?) -> [String] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let directive else { return words }
        let comment = words.indices.dropFirst().first { $0 != directive.keysIndex && words[$0].hasPrefix("#") }
        return Array(words.prefix(comment ?? words.count))
    }

    func applyLine(_ line: String, number: Int, file: String, into keymap: inout Keymap, run: inout Run) {
        guard let first = Self.words(of: line, for: nil).first, !first.hasPrefix("#") else { return }
        guard let directive = Directive(rawValue: first) else {
            let names = Directive.allCases.map(\.rawValue)
            let hint = Suggestion.nearest(to: first, in: names).map { "did you mean '\($0)'?" }
                ?? "expected bind, unbind or source"
            run.report(file, number, "unknown directive '\(first)' (\(hint))")
            return
        }
        let words = Self.words(of: line, for: directive)
        guard words.count == directive.wordCount else {
            run.report(file, number, "wrong number of words: expected '\(directive.form)'")
            return
        }
        switch directive {
        case .bind:
            guard let contexts = contexts(words[1], file: file, line: number, run: &run),
                  let keys = keys(words[2], file: file, line: number, run: &run) else { return }
            bind(keys, to: words[3], in: contexts, file: file, line: number, into: &keymap, run: &run)
        case .unbind:
            guard let contexts = contexts(words[1], file: file, line: number, run: &run),
                  let keys = keys(words[2], file: file, line: number, run: &run) else { return }
            unbind(keys, in: contexts, file: file, line: number, from: &keymap, run: &run)
        case .source:
            source(words[1], from: file, line: number, into: &keymap, run: &run)
        }
    }

    /// `review,adjudicate` to its contexts; nil (reported) if any is not a context, so a typo
    /// never binds the key in only some of the screens the line names.
    func contexts(_ word: String, file: String, line: Int, run: inout Run) -> [String]? {
        let known = catalog.contexts.contains(KeymapCatalog.globalContext)
            ? catalog.contexts : [KeymapCatalog.globalContext] + catalog.contexts
        var contexts: [String] = []
        for piece in word.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard known.contains(piece) else {
                let hint = Suggestion.nearest(to: piece, in: known).map { "did you mean '\($0)'?" }
                    ?? "contexts: \(known.joined(separator: ", "))"
                run.report(file, line, piece.isEmpty ? "empty context in '\(word)' (\(hint))"
                                                     : "unknown context '\(piece)' (\(hint))")
                return nil
            }
            if !contexts.contains(piece) { contexts.append(piece) }
        }
        return contexts
    }

    func keys(_ word: String, file: String, line: Int, run: inout Run) -> [Key]? {
        do {
            return try KeyNotation.parse(word)
        } catch {
            run.report(file, line, "bad key '\(word)': \(error.message)")
            return nil
        }
    }
}
