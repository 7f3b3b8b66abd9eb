import ArgumentParser
import CursesTerminal
import Foundation
import TerminalCore
import WinnowCore
import Workbench
import Workspace

/// `winnow review`: the keyboard workbench. Everything that can be refused (the workspace, the
/// slice, the keymap, a missing terminal) is refused before the screen is taken over, so the
/// message lands in a normal terminal.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "Review rows in the terminal workbench (critical slices first).",
        discussion: """
            Keys come from the keymap named by --keymap (default: default); ? shows them on every screen. \
            A name is looked up in $WINNOW_KEYMAPS, then $XDG_CONFIG_HOME/winnow/keymaps (~/.config/winnow/keymaps), \
            then PREFIX/share/winnow/keymaps beside the installed binary, then among the keymaps built into winnow \
            (default, vim); the first NAME.keymap found wins. A value with a / or ending in .keymap is a file, used as is.
            """)

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: "Review only this slice.")
    var slice: String?
    @Option(help: ArgumentHelp("A keymap by name (default, vim, or one of your own) or a file.", valueName: "NAME|FILE"))
    var keymap: String?
    @Flag(help: "Start on the home screen instead of the first row.")
    var home = false

    func run() throws {
        let session = try workspace.open()
        try ReviewSession.run(session: session, slice: slice, keymapName: keymap, home: home)
    }
}

/// Runs the workbench on the real terminal until the reviewer leaves or a signal ends it.
enum ReviewSession {
    static func run(session: WorkspaceSession, slice: String?, keymapName: String?, home: Bool) throws {
        try WorkbenchLauncher.check(slice: slice, in: session.config)
        let keymap = try WorkbenchLauncher.keymap(named: keymapName)
        let terminal: CursesTerminal
        do { terminal = try CursesTerminal() } catch .notATerminal { throw WorkbenchSetupError.notATerminal }
        let ending: Workbench.Ending
        let drafts: [String]
        do {
            let workbench = try WorkbenchLauncher.open(session: session, terminal: terminal, keymap: keymap, slice: slice, home: home)
            ending = workbench.run()
            drafts = workbench.desk.keptDrafts
            terminal.close()
        } catch {
            terminal.close()
            throw error
        }
        if let notice = terminal.fallbackNotice { Output.error("winnow: " + Output.safe(notice)) }
        for draft in drafts { Output.error("winnow: an unsaved edit is kept in \(Output.safe(draft))") }
        let head = try session.log.head()
        Output.line("Log: \(head.seq) entries, head \(head.hash.prefix(12)) (winnow log verify checks the chain)")
        if case .signal(let signal) = ending {
            Output.error("winnow: ended by \(signal.rawValue); every decision confirmed on screen is in the log")
            throw CommandExit(status: 128 + KeysCommand.number(of: signal))
        }
    }
}
