import Foundation
import Keymap
import TerminalCore
import WinnowCore

/// The review workbench: a stack of screens over one terminal, driven by keys through the
/// keymap. Every decision is written (and fsynced) by the time the next row is on screen, so
/// an ssh drop or a kill between keys loses nothing; a signal only ends the loop between
/// actions, never in the middle of an append.
public final class Workbench {
    /// Why `run` returned.
    public enum Ending: Equatable, Sendable {
        case quit
        case signal(TerminalSignal)
    }

    /// Smallest terminal the screens are laid out for; below it a notice replaces them.
    public static let minimumSize = Size(columns: 60, rows: 16)

    let terminal: any Terminal
    public let keymap: Keymap
    public let desk: ReviewDesk
    var screens: [any Screen] = []
    var pendingKeys: [Key] = []
    /// A count typed before a motion (`5j`); see Workbench+Counts.
    var pendingCount: Int?
    /// The status line's message (an outcome, an error), cleared by the next key.
    var message: (text: String, isError: Bool)?
    var ending: Ending?
    let idleMilliseconds: Int
    /// The queue plan's batches between keys stopped after an error.
    var planningStopped = false
    /// The editor for edits; nil means `$VISUAL`, then `$EDITOR`, then vi (tests set a script
    /// here rather than change the process environment under other tests).
    public var editorCommand: String?
    /// What frames and marks are drawn with: decided from the locale by whoever opens the
    /// workbench (`Glyphs.forLocale`), handed to every frame on its canvas.
    public let glyphs: Glyphs

    public init(terminal: any Terminal, keymap: Keymap, desk: ReviewDesk, idleMilliseconds: Int = 1000,
                glyphs: Glyphs = .unicode) {
        self.terminal = terminal
        self.keymap = keymap
        self.desk = desk
        self.idleMilliseconds = idleMilliseconds
        self.glyphs = glyphs
    }

    /// Opens on the review screen (straight to the first row), or on home.
    public func start(reviewing: Bool, slice: String? = nil) {
        screens = []
        // Home is read when it is shown: opening straight on a row skips its summary (a second
        // or more on a million rows) until the reviewer goes there.
        if reviewing {
            screens = [HomeScreen()]
            push(ReviewScreen(slice: slice))
        } else {
            push(HomeScreen())
        }
        draw()
    }

    /// Runs until the reviewer quits or a signal arrives; leases are released either way.
    @discardableResult
    public func run() -> Ending {
        if screens.isEmpty { start(reviewing: true) }
        while ending == nil {
            // While the queue plan is still being built, a batch of it goes in whenever no key
            // is waiting (a key waits for at most one batch, about a tenth of a second).
            let planning = desk.queue.planningProgress != nil && !planningStopped
            guard let event = terminal.nextEvent(timeoutMilliseconds: planning ? 0 : idleMilliseconds) else {
                idleTick()
                continue
            }
            handle(event)
        }
        finish()
        return ending ?? .quit
    }

    /// Processes one event and redraws: the unit the tests and the benchmark drive.
    public func handle(_ event: TerminalEvent) {
        switch event {
        case .signal(let signal):
            ending = .signal(signal)
            return
        case .resize:
            break
        case .key(let key):
            message = nil
            handleKey(key)
        case .paste(let text):
            message = nil
            // Text for a prompt; anywhere else it is ignored whole, never read as keys.
            if let prompt = top as? LinePrompt {
                prompt.insert(pasted: text)
            } else {
                say("A paste is text, not keys: ignored here (paste into a prompt, such as / to search)")
            }
        case .ignoredSequence(let name):
            message = nil
            say("Ignored a key winnow does not know (\(Sanitiser.clean(name))); 'winnow keys' shows what each key sends")
        }
        if ending == nil { draw() }
    }

    /// Releases every claim this session holds; idempotent.
    public func finish() {
        for screen in screens.reversed() { screen.close(workbench: self) }
        screens.removeAll()
        desk.releaseAll()
    }

    // MARK: - Screens

    var top: (any Screen)? { screens.last }

    func push(_ screen: any Screen) {
        screens.append(screen)
        do { try screen.appear(workbench: self) } catch { report(error) }
    }

    func pop() {
        guard screens.count > 1 else {
            ending = .quit
            return
        }
        screens.removeLast().close(workbench: self)
        resumeTop()
    }

    private func resumeTop() {
        do { try top?.resume(workbench: self) } catch { report(error) }
    }

    func say(_ text: String, error: Bool = false) { message = (text, error) }

    /// Shows an error from below (the log, the index, the queue) on the status line: the
    /// session carries on, and the message says what did not happen.
    func report(_ error: Error) { say(Self.describe(error), error: true) }

    /// An error in words for the status line, sanitised (messages quote paths and row text).
    static func describe(_ error: Error) -> String {
        Sanitiser.clean((error as? UserFacingError)?.message ?? String(describing: error))
    }

    // MARK: - Keys

    private func handleKey(_ key: Key) {
        guard let screen = top else { return }
        do {
            // While the "too small" notice shows, nothing but the global keys may act.
            if pendingKeys.isEmpty, !tooSmall, try screen.consume(key, workbench: self) { return }
        } catch {
            report(error)
            return
        }
        if pendingKeys.isEmpty, !tooSmall, takeCount(key, context: screen.context) { return }
        pendingKeys.append(key)
        let context = tooSmall ? KeymapCatalog.globalContext : screen.context
        switch keymap.lookup(pendingKeys, context: context) {
        case .pending:
            return
        case .none:
            let typed = KeyNotation.name(pendingKeys)
            pendingKeys.removeAll()
            pendingCount = nil
            let helpKey = keymap.shortestKeys(for: .help, in: context).map(KeyNotation.name) ?? "?"
            say("\(typed) does nothing here (\(helpKey) lists the keys)")
        case .action(let name):
            let typed = pendingKeys
            pendingKeys.removeAll()
            let count = pendingCount
            pendingCount = nil
            guard let action = Action(rawValue: name) else { return }
            perform(action, on: screen, count: count, typed: typed)
        }
    }

    func perform(_ action: Action, on screen: any Screen) {
        do {
            if !tooSmall, try screen.perform(action, workbench: self) { return }
            switch action {
            case .quit: ending = .quit
            case .back, .cancel:
                // Home is the bottom screen: closing it would leave winnow, which has a key of
                // its own (a `q` too many must not end a session).
                guard screens.count > 1 else {
                    say("this is home: \(keymap.keyName(for: .quit, in: screen.context)) leaves winnow")
                    return
                }
                pop()
            case .help: push(HelpScreen(for: screen, keymap: keymap))
            case .home: popToHome()
            case .stats: push(StatsScreen())
            case .log: push(LogScreen())
            case .redraw: terminal.invalidate()
            case .commandLine:
                // While the "too small" notice shows, a prompt could not be typed into.
                if !tooSmall { openCommandLine() }
            default: say("\(action.name) does nothing on this screen")
            }
        } catch {
            report(error)
        }
    }

    func popToHome() {
        guard screens.count > 1 else { return }
        while screens.count > 1 { screens.removeLast().close(workbench: self) }
        resumeTop()
    }

    /// What the loop does when no key came for a while: live screens refresh, leases renew.
    public func idleTick() {
        if idle() { draw() }
    }

    private func idle() -> Bool {
        var redraw = false
        if !planningStopped {
            do { redraw = try desk.queue.continuePlanning() } catch {
                // Not retried between keys (a full disk would fail every batch as fast as the
                // loop turns); `next` still places what it needs, and says so when it cannot.
                planningStopped = true
                report(error)
                redraw = true
            }
        }
        for screen in screens {
            do { redraw = try screen.tick(workbench: self) || redraw } catch { report(error); redraw = true }
        }
        return redraw
    }
}
