import Keymap
import ReviewQueue
import TerminalCore
import WinnowCore

/// The `:` command line, for hands trained on vim, mutt and tig: `:goto ID`, `:slice NAME`,
/// `:help`, and every action by its name (`:accept` does what the accept key does, on the
/// screen it does it on, and nothing where the key would do nothing). Tab completes command
/// and action names, slice names and row ids (CommandLine+Completion).
///
/// The command line adds no way to decide that a key does not already give: an action typed
/// here goes through the same path as its key, so the same refusals apply.
enum ColonCommand: String, CaseIterable {
    case goto, slice, help

    /// What `:help` and an unknown command list.
    var usage: String {
        switch self {
        case .goto: return ":goto ID      review the row with that id (Tab completes ids)"
        case .slice: return ":slice NAME   review that slice; (none) is the rows without one"
        case .help: return ":help         the keys and these commands"
        }
    }

    var takesArgument: Bool { self != .help }

    /// Every word the command line knows first: its own commands, then the action names.
    static var names: [String] {
        allCases.map(\.rawValue) + Action.allCases.filter { $0 != .commandLine }.map(\.name)
    }
}

extension Workbench {
    func openCommandLine() {
        push(LinePrompt(label: ":", separator: "", complete: { text, bench in try bench.completeCommand(text) }) { line, bench in
            bench.runCommand(line)
        })
    }

    /// Runs one command line (the prompt has closed: the screen it was typed over is on top).
    func runCommand(_ line: String) {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let name = words.first, let screen = top else { return }
        let argument = words.dropFirst().joined(separator: " ")
        if let command = ColonCommand(rawValue: name) {
            if command.takesArgument && argument.isEmpty {
                say("\(command.rawValue) needs \(command == .goto ? "a row id" : "a slice name") (Tab completes): \(command.usage)", error: true)
                return
            }
            do {
                switch command {
                case .goto: try goto(argument)
                case .slice: try reviewSlice(argument)
                case .help: push(HelpScreen(for: screen, keymap: keymap))
                }
            } catch {
                report(error)
            }
            return
        }
        guard let action = Action(rawValue: name), action != .commandLine else {
            let near = Suggestion.nearest(to: name, in: ColonCommand.names)
            say("unknown command '\(Sanitiser.clean(name))'" + (near.map { ": did you mean :\($0)?" } ?? "")
                + " (:help lists the commands, Tab completes them)", error: true)
            return
        }
        guard argument.isEmpty else {
            say(":\(action.name) takes nothing after it; nothing was done", error: true)
            return
        }
        // As its key would: an action of another screen does nothing here, and says so.
        guard action.contexts.contains(screen.context) || action.contexts.contains(KeymapCatalog.globalContext) else {
            say("\(action.name) does nothing on this screen (it is for \(action.contexts.sorted().joined(separator: ", ")))")
            return
        }
        perform(action, on: screen)
    }

    /// `:goto ID` on the review screen claims the row there (the row left goes back to the queue
    /// and on the skipped list); from anywhere else review opens on it. Nothing moves when the
    /// row cannot be served: the refusal says why.
    func goto(_ id: String) throws {
        if let review = top as? ReviewScreen, !review.adjudication {
            try review.goto(id, workbench: self)
            return
        }
        let item: QueueItem
        do { item = try desk.queue.goto(id: id) } catch let refusal as GotoRefusal {
            say(Sanitiser.clean(refusal.message), error: true)
            return
        }
        popToHome()
        let review = ReviewScreen()
        review.initial = item
        push(review)
        if message == nil { say("here is \(Sanitiser.clean(id)), as asked") }
    }

    /// `:slice NAME`: review that slice (from home, or in place of the review open now).
    func reviewSlice(_ name: String) throws {
        var known = try sliceNames(summaryIfNeeded: false)
        if !known.contains(name) { known = try sliceNames(summaryIfNeeded: true) }
        guard known.contains(name) else {
            let near = Suggestion.nearest(to: name, in: known)
            say("no slice named '\(Sanitiser.clean(name))'" + (near.map { ": did you mean \(Sanitiser.clean($0))?" } ?? "")
                + " (slices: \(known.map { Sanitiser.clean($0) }.joined(separator: ", ")))", error: true)
            return
        }
        if let group = desk.queue.groupKeeping(slice: name) {
            say("slice '\(Sanitiser.clean(name))' is reviewed by members of group '\(Sanitiser.clean(group))' only", error: true)
            return
        }
        popToHome()
        push(ReviewScreen(slice: name))
    }

    /// Slices a reviewer can name: the configured ones, `(none)`, and any other the rows carry
    /// (read from the home screen's summary when it has one; asked for only when the name typed
    /// is not configured, since it groups every row).
    func sliceNames(summaryIfNeeded: Bool = true) throws -> [String] {
        var names = desk.config.slices.map(\.name) + [QueueSummary.noSlice]
        var summary = (screens.first as? HomeScreen)?.summary
        if summary == nil, summaryIfNeeded { summary = try desk.summary() }
        if let summary {
            names += summary.slices.map(\.slice).filter { !names.contains($0) }
        }
        return names
    }
}
