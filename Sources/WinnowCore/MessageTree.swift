/// OpenAssistant message trees (`2023-04-12_oasst_ready.trees.jsonl`, the `*_tree.jsonl` and
/// `*_message.jsonl` eval files) turned into the rows winnow reviews.
///
/// A tree is one line: `{message_tree_id, tree_state, prompt: {message_id, text, role:
/// "prompter", synthetic, model_name, replies: [{..., rank, replies: [...]}]}}`, or the root
/// message itself (`{message_id, parent_id: null, text, role, replies}`). One line holds many
/// conversations, and the index stores a row as one line of a source, so import expands a tree
/// file into a derived file of ordinary rows (see `Importer`, which stores both), each line one
/// of these:
///
/// - **A conversation per root-to-leaf path**: every path through the tree, whatever the ranks
///   say, so no reply is left out (a path may end on an unanswered prompter turn; the schema
///   gate and the reviewer judge it). `messages` with roles user (prompter) and assistant.
/// - **A preference pair per ranked reply below the best**: among an assistant reply's ranked
///   siblings (those with a `rank`; lower is better; replies without one were never ranked, and
///   prompter replies never are), the best (lowest rank) is `chosen` against each of the others
///   as `rejected`, with the conversation up to their parent as `prompt` (a message list). A
///   group of n ranked replies gives n-1 pairs; equal ranks give no pair between them.
///
/// Provenance: a row is `synthetic` when any message on it says `synthetic: true` (its
/// `model_name` is the generator), else `human`. Everything else a message carries (ids, rank,
/// lang, review counts, emojis, labels, deleted) and the tree's own members stay in the row
/// under `oasst` (`oasst.path[i]` for the i-th message, `oasst.chosen`/`oasst.rejected` for a
/// pair's answers), not rendered: the import summary names `oasst` as not used. Nothing of the
/// tree is dropped: the text and role of every message are in some row, its other members
/// under `oasst`, and the original file is stored beside the derived one.
public enum MessageTree {
    /// A tree line (`message_tree_id` + `prompt`) or a root message line (`message_id`, `role`,
    /// `text`, `replies`): the shapes the expansion reads.
    public static func isTree(_ value: JSONValue) -> Bool {
        guard case .object = value else { return false }
        if value["message_tree_id"] != nil, case .object? = value["prompt"] { return true }
        return value["message_id"] != nil && value["role"] != nil && value["text"] != nil && value["replies"] != nil
    }

    /// The rows one tree expands to, conversations first (depth first, replies in file order),
    /// then preference pairs (by parent, depth first). Throws naming the member that is wrong.
    public static func expand(_ value: JSONValue) throws(RowProblem) -> [JSONValue] {
        let isWrapped = value["message_tree_id"] != nil
        let root = isWrapped ? value["prompt"]! : value
        let rootPath = isWrapped ? "prompt" : ""
        var tree: [(String, JSONValue)] = []
        if isWrapped {
            for (name, member) in value.objectValue ?? [] where name != "prompt" { tree.append((name, member)) }
        } else {
            guard case .string(let id)? = root["message_id"] else { throw RowProblem("'message_id' is missing or not a string") }
            tree.append(("message_tree_id", .string(id)))
        }
        var rows: [JSONValue] = []
        var pairs: [JSONValue] = []
        var path: [Message] = []
        func walk(_ node: JSONValue, at where_: String) throws(RowProblem) {
            let message = try Message(node, at: where_)
            path.append(message)
            defer { path.removeLast() }
            if message.replies.isEmpty {
                rows.append(conversation(path, tree: tree))
                return
            }
            let replies = try message.replies.enumerated().map { (i, reply) throws(RowProblem) in
                try Message(reply, at: "\(where_.isEmpty ? "" : where_ + ".")replies[\(i)]")
            }
            pairs += preferencePairs(path, replies, tree: tree)
            for (i, reply) in message.replies.enumerated() {
                try walk(reply, at: "\(where_.isEmpty ? "" : where_ + ".")replies[\(i)]")
            }
        }
        try walk(root, at: rootPath)
        return rows + pairs
    }

    /// One message: its turn, and what else it carries (kept under `oasst`).
    struct Message {
        var id: String
        var role: String
        var text: String
        var rank: Int?
        var synthetic: Bool
        var model: String?
        var replies: [JSONValue]
        /// Every member but `text`, `role`, `replies` and `parent_id` (the path gives it).
        var metadata: JSONValue

        init(_ value: JSONValue, at path: String) throws(RowProblem) {
            let name = { (member: String) in path.isEmpty ? member : "\(path).\(member)" }
            guard case .object(let members) = value else {
                throw RowProblem("'\(path.isEmpty ? "the line" : path)' is \(value.typeName), expected a message object")
            }
            guard case .string(let id)? = value["message_id"] else { throw RowProblem("'\(name("message_id"))' is missing or not a string") }
            guard case .string(let text)? = value["text"] else { throw RowProblem("'\(name("text"))' is missing or not a string") }
            guard case .string(let role)? = value["role"], role == "prompter" || role == "assistant" else {
                throw RowProblem("'\(name("role"))' is missing or not \"prompter\" or \"assistant\"")
            }
            switch value["replies"] {
            case nil, .null?: replies = []
            case .array(let list)?: replies = list
            default: throw RowProblem("'\(name("replies"))' is not a list of messages")
            }
            switch value["rank"] {
            case nil, .null?: rank = nil
            case .number(let n)? where n.intValue != nil: rank = n.intValue
            default: throw RowProblem("'\(name("rank"))' is not an integer")
            }
            switch value["synthetic"] {
            case nil, .null?: synthetic = false
            case .bool(let b)?: synthetic = b
            default: throw RowProblem("'\(name("synthetic"))' is not true or false")
            }
            model = value["model_name"]?.stringValue
            self.id = id
            self.text = text
            self.role = role == "prompter" ? "user" : "assistant"
            metadata = .object(members.filter { !["text", "role", "replies", "parent_id"].contains($0.0) })
        }

        var turn: JSONValue { .object([("content", .string(text)), ("role", .string(role))]) }
    }

    static func provenance(_ messages: [Message]) -> JSONValue {
        let synthetic = messages.filter(\.synthetic)
        var models: [String] = []
        for model in synthetic.compactMap(\.model) where !models.contains(model) { models.append(model) }
        var meta: [(String, JSONValue)] = []
        if !models.isEmpty { meta.append(("generator", .string(models.joined(separator: ",")))) }
        meta.append(("origin", .string(synthetic.isEmpty ? "human" : "synthetic")))
        return .object(meta)
    }

    static func conversation(_ path: [Message], tree: [(String, JSONValue)]) -> JSONValue {
        .object([
            ("id", .string(path.last!.id)),
            ("messages", .array(path.map(\.turn))),
            ("meta", provenance(path)),
            ("oasst", .object(tree + [("path", .array(path.map(\.metadata)))])),
        ])
    }

    static func preferencePairs(_ path: [Message], _ replies: [Message], tree: [(String, JSONValue)]) -> [JSONValue] {
        let ranked = replies.filter { $0.rank != nil && $0.role == "assistant" }
        guard let best = ranked.min(by: { $0.rank! < $1.rank! }) else { return [] }
        return ranked.filter { $0.rank! > best.rank! }.map { worse in
            .object([
                ("chosen", .string(best.text)),
                ("id", .string("\(best.id)>\(worse.id)")),
                ("meta", provenance(path + [best, worse])),
                ("oasst", .object(tree + [
                    ("chosen", best.metadata), ("path", .array(path.map(\.metadata))), ("rejected", worse.metadata),
                ])),
                ("prompt", .array(path.map(\.turn))),
                ("rejected", .string(worse.text)),
            ])
        }
    }
}
