import Foundation
import Keymap
import ReviewQueue
import TerminalCore
import WinnowCore
import Workspace

/// Everything between "open this workspace" and the first frame, shared by `winnow review`,
/// `winnow demo` and the launch benchmark, so what is measured is what reviewers run.
public enum WorkbenchLauncher {
    /// The keymap for `--keymap NAME|FILE` (default: `default`, the user's own first), or the
    /// diagnostics that stop the session: a reviewer should not find out mid-row that a key
    /// they rely on was never bound.
    ///
    /// Keymaps left in the folder older winnows read (`~/.config/winnow/*.keymap`) stop it too:
    /// they are not read any more, and a reviewer used to their own keys must not find out by
    /// pressing one.
    public static func keymap(named name: String?, loader: KeymapLoader = .standard(catalog: Action.catalog),
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Keymap {
        let legacy = KeymapLoader.legacyUserKeymaps(environment: environment)
        if let folder = KeymapLoader.userDirectory(environment: environment), !legacy.isEmpty {
            throw WorkbenchSetupError.keymap(legacy.map { "\(Sanitiser.clean($0)): not read any more (keymaps now live in \(Sanitiser.clean(folder))/)" },
                                             advice: "move \(legacy.count == 1 ? "it" : "them") into \(Sanitiser.clean(folder))/ (or delete \(legacy.count == 1 ? "it" : "them")) and start again")
        }
        let name = name ?? KeymapLoader.defaultKeymapName
        var keymap = Keymap()
        let problems = loader.load(named: name, into: &keymap)
        guard problems.isEmpty else {
            throw WorkbenchSetupError.keymap(problems.map(\.description), advice: advice(after: name, loader: loader))
        }
        return keymap
    }

    /// What to do about a keymap with problems, naming a keymap that will load: before, the
    /// advice was always "--keymap default", which failed the same way when no keymap could be
    /// found at all, or when the broken file was the user's own `default.keymap`.
    static func advice(after name: String, loader: KeymapLoader) -> String {
        let fallback = KeymapLoader.defaultKeymapName
        let builtInDefault = KeymapLoader.builtInFolder + "/" + fallback + ".keymap"
        guard loader.builtIn[fallback + ".keymap"] != nil else { return "the keymap has problems (above); fix them" }
        if let path = loader.resolve(name), !path.hasPrefix(KeymapLoader.builtInFolder + "/"),
           loader.builtIn[(path as NSString).lastPathComponent] != nil {
            return "the keymap has problems (above); fix \(path), or move it aside to use the built-in one, "
                + "or start with --keymap '\(builtInDefault)'"
        }
        var probe = Keymap()
        let start = loader.load(named: fallback, into: &probe).isEmpty ? fallback : "'\(builtInDefault)'"
        return "the keymap has problems (above); fix them, or start with --keymap \(start)"
    }

    /// Checks the slice name before any terminal is touched.
    public static func check(slice: String?, in config: WorkspaceConfig) throws {
        guard let slice else { return }
        let known = config.slices.map(\.name)
        guard known.contains(slice) else { throw WorkbenchSetupError.unknownSlice(slice, known: known) }
    }

    /// A workbench on `terminal`, its first frame drawn. Frames and marks are ASCII unless the
    /// locale (`environment`'s LC_ALL, LC_CTYPE, LANG) is UTF-8: the one place that is decided.
    public static func open(session: WorkspaceSession, terminal: any Terminal, keymap: Keymap, slice: String?,
                            home: Bool, reviewer: Reviewer? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Workbench {
        // The queue plan is built as far as the first row needs and then between keys: a
        // million freshly imported rows put no blank screen of several seconds in front of the
        // reviewer (see QueuePlanBuild).
        let queue = try QueueService(session: session, reviewer: reviewer, planning: .asNeeded)
        queue.prepareForReview()
        let workbench = Workbench(terminal: terminal, keymap: keymap, desk: ReviewDesk(session: session, queue: queue),
                                  glyphs: Glyphs.forLocale(environment))
        workbench.start(reviewing: !home, slice: slice)
        return workbench
    }
}

/// Why the workbench could not start, before the screen is taken over.
public enum WorkbenchSetupError: UserFacingError {
    case keymap([String], advice: String)
    case unknownSlice(String, known: [String])
    case notATerminal

    public var message: String {
        switch self {
        case let .keymap(problems, advice):
            return (problems + [advice]).joined(separator: "\n")
        case let .unknownSlice(slice, known):
            let near = Suggestion.nearest(to: slice, in: known).map { " (did you mean '\($0)'?)" } ?? ""
            return "no slice '\(slice)' in this workspace\(near); slices: \(known.joined(separator: ", "))"
        case .notATerminal:
            return "the review workbench needs a terminal on stdin and stdout; in scripts use 'winnow next' and 'winnow decide'"
        }
    }
}
