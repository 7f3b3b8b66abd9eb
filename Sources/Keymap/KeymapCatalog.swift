import TerminalCore

/// What a keymap may name: the contexts (screens) and the actions valid in each. The workbench
/// owns the real list (its action registry); the keymap grammar only checks against it, so
/// a keymap file can be validated, and diagnosed, without a terminal.
public struct KeymapCatalog: Sendable {
    /// Keys a screen reads itself before the keymap sees them (the digits of the reason
    /// picker), and why: a binding on them there could never fire, so the loader refuses it.
    public struct ScreenKeys: Sendable, Equatable {
        public var keys: Set<Key>
        public var why: String

        public init(keys: Set<Key>, why: String) {
            self.keys = keys
            self.why = why
        }
    }

    public struct Action: Sendable, Equatable {
        public var name: String
        /// Contexts it may be bound in. `global` bindings apply in every context that does not
        /// bind the same keys itself.
        public var contexts: Set<String>
        /// A decision (accept, reject, ...): never bound to Esc, which ends every terminal
        /// escape sequence and would fire on a slow link.
        public var isPrimary: Bool

        public init(name: String, contexts: Set<String>, isPrimary: Bool = false) {
            self.name = name
            self.contexts = contexts
            self.isPrimary = isPrimary
        }
    }

    public static let globalContext = "global"

    public var contexts: [String]
    public var actions: [Action]
    /// context → the keys its screen keeps for itself.
    public var screenKeys: [String: ScreenKeys]

    public init(contexts: [String], actions: [Action], screenKeys: [String: ScreenKeys] = [:]) {
        self.contexts = contexts
        self.actions = actions
        self.screenKeys = screenKeys
    }

    public func action(named name: String) -> Action? { actions.first { $0.name == name } }
}
