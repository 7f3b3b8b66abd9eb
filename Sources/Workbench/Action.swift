import Keymap
import TerminalCore

/// Everything a key can do in the workbench. One registry feeds the keymap checker, the help
/// screen, the status line and the README's key table, so none of them can drift from the
/// others.
public enum Action: String, CaseIterable, Sendable {
    // Anywhere
    case quit, back, help, home = "go-home", stats = "show-stats", log = "show-log", redraw
    case moveDown = "move-down", moveUp = "move-up", pageDown = "page-down", pageUp = "page-up"
    case top = "go-top", bottom = "go-bottom"
    case commandLine = "command-line"
    // Home
    case startReview = "start-review", reviewAll = "review-all", startAdjudication = "start-adjudication"
    // Review: decisions
    case accept, reject, edit, flag, skip, undo, swapPair = "swap-pair", bothBad = "both-bad"
    case backToSkipped = "back-to-skipped", previousRow = "previous-row"
    // Review: a pair's shared context
    case toggleContext = "toggle-context"
    // Review: looking around
    case openNeighbour = "open-neighbour", search, searchNext = "search-next", searchPrevious = "search-previous"
    // Reject reason picker
    case addNote = "add-note"
    // Adjudication
    case pickFirst = "pick-first", pickSecond = "pick-second"
    // Confirming an edit
    case confirm, cancel, editAgain = "edit-again"

    public var name: String { rawValue }

    /// One line for the help screen and the README.
    public var summary: String {
        switch self {
        case .quit: return "leave winnow (claims are released, nothing is lost)"
        case .back: return "close this screen"
        case .help: return "keys for this screen"
        case .home: return "home: slices, budgets, backlog"
        case .stats: return "trust statistics per slice and generator"
        case .log: return "recent log entries, live"
        case .redraw: return "redraw the screen"
        case .moveDown: return "down a line / next item"
        case .moveUp: return "up a line / previous item"
        case .pageDown: return "down a page"
        case .pageUp: return "up a page"
        case .top: return "to the top"
        case .bottom: return "to the bottom"
        case .commandLine: return "command line: :goto ID, :slice NAME, :help, any action's name (Tab completes)"
        case .startReview: return "review the chosen slice (or all, by priority)"
        case .reviewAll: return "review every slice, critical first"
        case .startAdjudication: return "settle rows two reviewers disagreed on"
        case .accept: return "accept the row (keep a preference pair as it is)"
        case .reject: return "reject: pick a reason code"
        case .edit: return "edit in $VISUAL/$EDITOR, then confirm the diff"
        case .flag: return "flag for an expert"
        case .skip: return "skip for now (the row goes back to the queue; you can come back to it)"
        case .backToSkipped: return "back to the row you skipped last (again: the one before)"
        case .previousRow: return "show the row you decided last with your decision, to undo it there (again: the one before)"
        case .undo: return "undo your last decision (logged as a revert)"
        case .swapPair: return "swap chosen and rejected, after a confirmation (logged as an edit)"
        case .bothBad: return "reject a preference pair as both bad (reason both-bad: never in a mix)"
        case .toggleContext: return "show or collapse a preference pair's shared context"
        case .openNeighbour: return "show the near-duplicate neighbour beside the row"
        case .search: return "search: this row, then the queue"
        case .searchNext: return "next match"
        case .searchPrevious: return "previous match"
        case .addNote: return "add a note to this rejection"
        case .pickFirst: return "side with the first reviewer"
        case .pickSecond: return "side with the second reviewer"
        case .confirm: return "save the edit"
        case .cancel: return "cancel"
        case .editAgain: return "back to the editor"
        }
    }

    /// Screens (keymap contexts) the action means something in.
    public var contexts: Set<String> {
        switch self {
        case .quit, .back, .help, .home, .stats, .log, .redraw, .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom, .commandLine:
            return [KeymapCatalog.globalContext]
        case .startReview, .reviewAll, .startAdjudication: return ["home"]
        case .accept, .reject, .edit, .flag, .skip, .undo, .swapPair, .bothBad, .backToSkipped, .toggleContext, .previousRow:
            return ["review", "adjudicate"]
        case .openNeighbour, .search, .searchNext, .searchPrevious: return ["review"]
        case .addNote: return ["reasons"]
        case .pickFirst, .pickSecond: return ["adjudicate"]
        case .confirm, .cancel, .editAgain: return ["confirm", "reasons"]
        }
    }

    public var isPrimary: Bool {
        switch self {
        case .accept, .reject, .edit, .flag, .skip, .undo, .swapPair, .bothBad, .pickFirst, .pickSecond, .confirm: return true
        default: return false
        }
    }

    /// Keymap contexts, in the order the help screen lists them.
    public static let contexts = [KeymapCatalog.globalContext, "home", "review", "reasons", "adjudicate", "confirm",
                                  "help", "stats", "log"]

    public static let catalog = KeymapCatalog(
        contexts: contexts,
        actions: allCases.map { KeymapCatalog.Action(name: $0.name, contexts: $0.contexts, isPrimary: $0.isPrimary) },
        screenKeys: ["reasons": .init(keys: Set("123456789".map { Key.character($0) }), why: "the digits pick a reason code on this screen")])
}
