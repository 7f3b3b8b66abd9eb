/// What a keymap may name: the contexts (screens) and the actions valid in each. The workbench
/// owns the real list (its action registry); the keymap grammar only checks against it, so
/// a keymap file can be validated, and diagnosed, without a terminal.
public struct KeymapCatalog: Sendable {
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

    public init(contexts: [String], actions: [Action]) {
        self.contexts = contexts
        self.actions = actions
    }

    public func action(named name: String) -> Action? { actions.first { $0.name == name } }
}
