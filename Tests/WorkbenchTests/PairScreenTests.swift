import Foundation
import ProvenanceLog
import TerminalCore
import TestSupport
import Testing
@testable import Workbench
import Workspace

/// Issue 12, item 9: a preference pair shows what both sides share once, collapsed, and the
/// differing turns right below it, with the words that differ marked.
@Suite(.serialized) struct PairScreenTests {
    static let sizes = ScreenSnapshotTests.sizes

    /// An hh-rlhf-shaped pair written for these tests (real rows are checked below, never
    /// stored): three shared turns, then two answers that differ in a few words.
    static let hhPair: String = {
        let question = "My landlord kept my whole deposit after I moved out. The flat was clean and I have photos "
            + "of every room from the day I left. What can I do?"
        let shared = "\n\nHuman: " + question
            + "\n\nAssistant: I'm sorry, that sounds stressful. Do you know whether the deposit was protected in a "
            + "scheme? In England and Wales most deposits for assured shorthold tenancies have to be, and the scheme "
            + "runs a free dispute service that decides from evidence like your photos."
            + "\n\nHuman: It was protected, I got a certificate. How long do I have to raise a dispute?"
        let chosen = shared + "\n\nAssistant: You can raise a dispute with the scheme within three months of the "
            + "tenancy ending. Send your photos, the check-in inventory and any messages with the landlord."
        let rejected = shared + "\n\nAssistant: You can raise a dispute with the scheme within six months of the "
            + "tenancy ending. Send your photos and nothing else; the landlord has to prove everything."
        let object: [String: Any] = ["id": "hh-0001", "chosen": chosen, "rejected": rejected,
                                     "meta": ["origin": "synthetic", "slice": "general", "generator": "acme-teacher-7b-v2"]]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }()

    func current(_ f: WorkbenchFixture) throws -> ReviewScreen { try #require(f.workbench.top as? ReviewScreen) }


    @Test(arguments: sizes) func sharedContextOnceAndTheDifferenceMarked(size: Size) throws {
        let f = try WorkbenchFixture(size: size, extraRows: [Self.hhPair])
        try f.show("hh-0001")
        expectSnapshot(markedText(f.terminal.screen), named: "pair-hh-\(size)")
        let screen = f.screen
        // The shared turns once: the first question is hidden (collapsed), the last shown once.
        #expect(!screen.contains("My landlord kept"))
        #expect(screen.components(separatedBy: "It was protected").count == 2, "\(screen)")
        #expect(screen.contains("lines hidden") && screen.contains("c shows all"))
        #expect(screen.contains("A · CHOSEN") && screen.contains("within three"))
        if size.columns >= 160 { #expect(screen.contains("B · REJECTED") && screen.contains("within six")) }
        // The words that differ carry the diff styles; the shared words do not.
        #expect(try styles(of: "three", in: f.terminal.screen).allSatisfy { $0 == .diffRemoved })
        #expect(try styles(of: "tenancy", in: f.terminal.screen).allSatisfy { !$0.reverse })
        try f.type("c")
        expectSnapshot(markedText(f.terminal.screen), named: "pair-hh-expanded-\(size)")
        let body = try current(f).bodyLines(width: try current(f).bodyWidth(size.columns)).map(\.text).joined(separator: "\n")
        #expect(body.components(separatedBy: "My landlord kept").count == 2, "the first question once, not once per side")
        #expect(body.contains("collapses it"))
        try f.type("c")
        #expect(f.screen.contains("lines hidden"))
        #expect(try f.reviewEntries().isEmpty, "looking records nothing")
    }

    /// Real hh-rlhf pairs (never stored here): the turns both transcripts share are shown once,
    /// and the first differing turn of each side is on the first screen at 80 and 160 columns.
    @Test(.enabled(if: RealData.isPresent, "../shared/realdata is not present"), arguments: sizes)
    func realPairsShowTheDifferenceOnTheFirstScreen(size: Size) throws {
        let lines = try RealData.rawLines("hh-rlhf/harmless-base/test.jsonl.gz")
        var picked: [(line: String, chosen: [String], rejected: [String])] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let chosen = Self.turns(try #require(object["chosen"] as? String))
            let rejected = Self.turns(try #require(object["rejected"] as? String))
            // Long conversations, where the shared part used to push the difference down.
            if chosen.count >= 5 && rejected.count >= 5 { picked.append((line, chosen, rejected)) }
            if picked.count == 3 { break }
        }
        try #require(picked.count == 3)
        for pair in picked {
            let f = try WorkbenchFixture(size: size, sampleFiles: [], extraRows: [pair.line])
            let row = try #require(try f.session.index.allRows().first)
            try f.show(row.id)
            let shared = zip(pair.chosen, pair.rejected).prefix { $0.0 == $0.1 }.count
            try #require(shared > 0 && shared < pair.chosen.count)
            let screen = f.screen
            #expect(screen.contains("A · CHOSEN"), "\(screen)")
            #expect(screen.contains(Self.opening(pair.chosen[shared])), "the chosen answer starts on the first screen:\n\(screen)")
            if size.columns >= 160 {
                #expect(screen.contains(Self.opening(pair.rejected[shared])), "and the rejected one beside it:\n\(screen)")
            }
            // Expanded, every shared turn is there exactly once (it used to be there twice).
            try f.type("c")
            let review = try current(f)
            let body = review.bodyLines(width: review.bodyWidth(size.columns)).map(\.text).joined(separator: "\n")
            let first = Self.opening(pair.chosen[0])
            // Where else the words occur (a later turn may quote them), each counted once.
            let elsewhere = (pair.chosen.dropFirst() + pair.rejected.dropFirst(shared)).joined(separator: "\n")
                .components(separatedBy: first).count - 1
            #expect(body.components(separatedBy: first).count - 1 == 1 + elsewhere, "'\(first)' once in:\n\(body)")
            #expect(try f.reviewEntries().isEmpty)
        }
    }

    /// "\n\nHuman: …\n\nAssistant: …" split into turn texts, read here without winnow's parser.
    static func turns(_ transcript: String) -> [String] {
        transcript.components(separatedBy: "\n\n").reduce(into: [String]()) { turns, part in
            if part.hasPrefix("Human:") || part.hasPrefix("Assistant:") {
                turns.append(String(part.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces))
            } else if !turns.isEmpty {
                turns[turns.count - 1] += "\n\n" + part
            }
        }
    }

    /// The first words of a turn as written (under 20 characters, so no line break falls inside).
    static func opening(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        guard line.count > 20 else { return line }
        let head = line.prefix(21)
        guard let space = head.lastIndex(of: " "), space > head.startIndex else { return String(line.prefix(10)) }
        return String(head[..<space]).trimmingCharacters(in: .whitespaces)
    }

    func styles(of text: String, in canvas: Canvas) throws -> [Style] {
        for y in 0..<canvas.size.rows {
            let line = canvas.line(y)
            guard let range = line.range(of: text) else { continue }
            let start = line.distance(from: line.startIndex, to: range.lowerBound)
            return (start..<(start + text.count)).map { canvas[$0, y].style }
        }
        throw WorkbenchFixture.FixtureError(message: "'\(text)' is not on screen")
    }
}
