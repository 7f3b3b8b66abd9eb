import ReviewQueue
import WinnowCore

/// Tab on the `:` command line, shell-style: one candidate is filled in; several extend the
/// text to what they share and are listed above the prompt; none says so. Row ids come from
/// the index by prefix (an indexed range, at most `idLimit + 1` read), never a scan, so Tab is
/// as quick on a million rows as on ten.
extension Workbench {
    static let idLimit = 50

    func completeCommand(_ text: String) throws -> (text: String, hint: String?) {
        // The first word: a command or an action name.
        guard let space = text.firstIndex(where: \.isWhitespace) else {
            return Self.completion(of: text, keeping: "", among: ColonCommand.names.filter { $0.hasPrefix(text) }.sorted(),
                                   more: false, addSpace: { ColonCommand(rawValue: $0)?.takesArgument ?? false },
                                   none: "no command or action starts with '\(Sanitiser.clean(text))'")
        }
        let head = String(text[..<space])
        let rest = text[space...].drop(while: \.isWhitespace)
        let kept = String(text[..<rest.startIndex])
        let word = String(rest)
        switch ColonCommand(rawValue: head) {
        case .goto:
            let ids = try desk.queue.rowIDs(startingWith: word, limit: Self.idLimit + 1)
            return Self.completion(of: word, keeping: kept, among: Array(ids.prefix(Self.idLimit)), more: ids.count > Self.idLimit,
                                   addSpace: { _ in false }, none: "no row id you may review starts with '\(Sanitiser.clean(word))'")
        case .slice:
            let names = try sliceNames(summaryIfNeeded: false).filter { $0.hasPrefix(word) }.sorted()
            return Self.completion(of: word, keeping: kept, among: names, more: false, addSpace: { _ in false },
                                   none: "no slice starts with '\(Sanitiser.clean(word))'")
        default:
            return (text, ColonCommand(rawValue: head) == nil && Action(rawValue: head) == nil
                ? "unknown command '\(Sanitiser.clean(head))': Tab completes only the first word" : "\(Sanitiser.clean(head)) takes nothing after it")
        }
    }

    /// `word` completed against `candidates` (all starting with it), after `kept`.
    static func completion(of word: String, keeping kept: String, among candidates: [String], more: Bool,
                           addSpace: (String) -> Bool, none: String) -> (text: String, hint: String?) {
        guard let first = candidates.first else { return (kept + word, none) }
        if candidates.count == 1 && !more { return (kept + first + (addSpace(first) ? " " : ""), nil) }
        let shared = candidates.dropFirst().reduce(first) { commonPrefix($0, $1) }
        let listed = candidates.map { Sanitiser.clean($0) }.joined(separator: "  ")
        return (kept + (shared.count > word.count ? shared : word), listed + (more ? "  (and more: type more of the id)" : ""))
    }

    /// The longest start two strings share, by character (never splitting one).
    static func commonPrefix(_ a: String, _ b: String) -> String {
        var shared = ""
        for (x, y) in zip(a, b) {
            guard x == y else { break }
            shared.append(x)
        }
        return shared
    }
}
