import Testing
@testable import WinnowCore

/// OpenAssistant trees expand into one conversation per root-to-leaf path and preference pairs
/// from ranked siblings, with provenance from `synthetic` and `model_name`.
@Suite struct MessageTreeTests {
    static let tree = #"""
        {"message_tree_id": "t1", "tree_state": "ready_for_export",
         "prompt": {"message_id": "p", "text": "Q1", "role": "prompter", "lang": "en", "synthetic": false, "replies": [
            {"message_id": "a", "parent_id": "p", "text": "A-best", "role": "assistant", "rank": 0, "synthetic": false, "replies": [
                {"message_id": "f", "parent_id": "a", "text": "Follow-up", "role": "prompter", "synthetic": false, "replies": []}]},
            {"message_id": "b", "parent_id": "p", "text": "B-worse", "role": "assistant", "rank": 2, "synthetic": true,
             "model_name": "chip20b", "replies": []},
            {"message_id": "c", "parent_id": "p", "text": "C-middle", "role": "assistant", "rank": 1, "synthetic": false, "replies": []},
            {"message_id": "d", "parent_id": "p", "text": "D-unranked", "role": "assistant", "synthetic": false, "replies": []}]}}
        """#

    @Test func everyPathIsAConversationAndRankedSiblingsPair() throws {
        let rows = try MessageTree.expand(try JSONValue.parse(Self.tree))
        let conversations = rows.filter { $0["messages"] != nil }
        let pairs = rows.filter { $0["chosen"] != nil }
        #expect(conversations.map { $0["id"]?.stringValue } == ["f", "b", "c", "d"])
        #expect(conversations[0]["messages"] == (try JSONValue.parse(#"""
            [{"content": "Q1", "role": "user"}, {"content": "A-best", "role": "assistant"}, {"content": "Follow-up", "role": "user"}]
            """#)))
        // b is synthetic: the row is, with its model as the generator; the others are human.
        #expect(conversations[1]["meta"]?["origin"]?.stringValue == "synthetic")
        #expect(conversations[1]["meta"]?["generator"]?.stringValue == "chip20b")
        #expect(conversations[2]["meta"]?["origin"]?.stringValue == "human")
        // Traceable: the tree and every message's id and rank, nothing but text/role/replies moved.
        #expect(conversations[0]["oasst"]?["message_tree_id"]?.stringValue == "t1")
        #expect(conversations[0]["oasst"]?["path"]?.arrayValue?.map { $0["message_id"]?.stringValue } == ["p", "a", "f"])
        #expect(conversations[0]["oasst"]?["path"]?.arrayValue?[1]["rank"]?.intValue == 0)
        // Best (rank 0) against each lower-ranked sibling; the unranked reply is in no pair.
        // (in the order the replies are written).
        #expect(pairs.map { "\($0["chosen"]!.stringValue!) > \($0["rejected"]!.stringValue!)" } == ["A-best > B-worse", "A-best > C-middle"])
        #expect(pairs.allSatisfy { $0["prompt"]?.arrayValue?.count == 1 })
        #expect(pairs.first { $0["rejected"]?.stringValue == "B-worse" }?["meta"]?["origin"]?.stringValue == "synthetic")
    }

    @Test func rowsAreImportableAndOnlyTheTraceIsNamed() throws {
        for row in try MessageTree.expand(try JSONValue.parse(Self.tree)) {
            let recognized = try recognize(row.canonicalString).get()
            #expect(recognized.unused == ["oasst"], "\(row.canonicalString)")
        }
    }

    @Test func messageFormAndProblems() throws {
        let message = #"{"message_id": "p", "parent_id": null, "text": "Q", "role": "prompter", "replies": [{"message_id": "a", "text": "A", "role": "assistant", "replies": []}]}"#
        let value = try JSONValue.parse(message)
        #expect(MessageTree.isTree(value))
        #expect(try MessageTree.expand(value).map { $0["id"]?.stringValue } == ["a"])
        #expect(!MessageTree.isTree(.string("How can I find the best 401k plan?")))
        let bad = #"{"message_tree_id": "t", "prompt": {"message_id": "p", "text": "Q", "role": "prompter", "replies": [{"message_id": "a", "text": 5, "role": "assistant"}]}}"#
        #expect(throws: RowProblem("'prompt.replies[0].text' is missing or not a string")) { try MessageTree.expand(try JSONValue.parse(bad)) }
    }
}
