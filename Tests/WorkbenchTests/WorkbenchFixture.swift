import Foundation
import Keymap
import ProvenanceLog
import ReviewQueue
import TerminalCore
import TestSupport
import Testing
import VirtualTerminal
import WinnowCore
@testable import Workbench
import Workspace

/// A workspace built from SampleData (plus any rows a test adds), a workbench over it on a
/// virtual terminal, and a pinned clock, so every screen can be driven by keys and compared
/// as text.
final class WorkbenchFixture {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let sampleFiles = ["support-chat.jsonl", "instructions-alpaca.jsonl", "preferences.jsonl"]
    static let clock = Date(timeIntervalSince1970: 1_800_000_000)

    let tmp: TemporaryDirectory
    let paths: WorkspacePaths
    let session: WorkspaceSession
    let queue: QueueService
    let desk: ReviewDesk
    let terminal: VirtualTerminal
    let workbench: Workbench

    init(size: Size = Size(columns: 80, rows: 24), sampleFiles: [String] = WorkbenchFixture.sampleFiles,
         extraRows: [String] = [], reviewing: Bool = true, slice: String? = nil, keymap: Keymap? = nil,
         glyphs: Glyphs = .unicode, planning: QueueService.Planning = .whole, planningBatch: Int? = nil,
         configure: (String) -> String = { $0 }, before: (WorkspacePaths) throws -> Void = { _ in }) throws {
        setenv("TZ", "UTC", 1)
        setenv("LANG", "C.UTF-8", 1)
        tmp = try TemporaryDirectory(prefix: "winnow-workbench")
        paths = try WorkspaceCreator.create(at: tmp.file("ws"))
        try configure(try String(contentsOfFile: paths.config, encoding: .utf8)).write(toFile: paths.config, atomically: true, encoding: .utf8)
        do {
            let setup = try WorkspaceSession.open(paths)
            for file in sampleFiles {
                _ = try setup.importFile(Self.repository + "/SampleData/" + file, options: ImportOptions(), progress: nil)
            }
            if !extraRows.isEmpty {
                try (extraRows.joined(separator: "\n") + "\n").write(toFile: tmp.file("extra.jsonl"), atomically: true, encoding: .utf8)
                _ = try setup.importFile(tmp.file("extra.jsonl"), options: ImportOptions(), progress: nil)
            }
            _ = try setup.runGates()
        }
        try before(paths)
        session = try WorkspaceSession.open(paths)
        queue = try QueueService(session: session, reviewer: Reviewer(uid: Int(getuid()), user: "reviewer", groups: []), planning: planning)
        if let planningBatch { queue.planningBatch = planningBatch }
        queue.now = { WorkbenchFixture.clock }
        desk = ReviewDesk(session: session, queue: queue)
        terminal = VirtualTerminal(size: size)
        workbench = Workbench(terminal: terminal, keymap: try keymap ?? Self.defaultKeymap(), desk: desk, glyphs: glyphs)
        workbench.start(reviewing: reviewing, slice: slice)
    }

    static func defaultKeymap() throws -> Keymap {
        let loader = KeymapLoader(catalog: Action.catalog, searchDirectories: [repository + "/Keymaps"])
        var keymap = Keymap()
        let problems = loader.load(file: repository + "/Keymaps/default.keymap", into: &keymap)
        guard problems.isEmpty else { throw FixtureError(message: problems.map(\.description).joined(separator: "\n")) }
        return keymap
    }

    /// Types keys (keymap notation) one event at a time, as a reviewer would.
    func type(_ notation: String) throws {
        for key in try KeyNotation.parse(notation) { workbench.handle(.key(key)) }
    }

    /// Types text as typed characters, one event each (spaces too); `<Tab>`, `<Enter>`,
    /// `<Esc>` and `<C-u>` in it are those keys. For prompts, where keymap notation would make
    /// every space `<Space>`.
    func typeText(_ text: String) throws {
        var rest = Substring(text)
        while let first = rest.first {
            if first == "<", let close = rest.firstIndex(of: ">"), ["<Tab>", "<Enter>", "<Esc>", "<C-u>"].contains(String(rest[...close])) {
                try type(String(rest[...close]))
                rest = rest[rest.index(after: close)...]
            } else {
                workbench.handle(.key(.character(first)))
                rest = rest.dropFirst()
            }
        }
    }

    func resize(_ size: Size) {
        terminal.resize(to: size)
        workbench.handle(.resize(size))
    }

    var screen: String { terminal.text }

    /// Puts row `id` on the review screen on top (the row it held goes back to the queue).
    func show(_ id: String) throws {
        let review = try #require(workbench.top as? ReviewScreen)
        if let held = review.item { try queue.release(held.row.id) }
        try review.advance(workbench: workbench, to: try #require(try queue.claim(id: id)))
        workbench.draw()
    }

    /// The log's decision-like entries after import and gates: kind and main fields.
    func reviewEntries() throws -> [LogEntry] {
        try LogReader.tail(10_000, path: paths.log).filter { ["decision", "revert"].contains($0.kind) }
    }

    /// A decision by another reviewer (another OS user), at a fixed time so screens that show
    /// it stay the same from run to run.
    static func append(_ payload: DecisionPayload, as user: String, uid: Int, to paths: WorkspacePaths) throws {
        try appendForeignEntry(payload, user: user, uid: uid, ts: "2027-01-15T08:00:00.000Z", toLog: paths.log)
    }

    /// The edit flow's editor: a shell script run on the draft ("$1"), set on the workbench
    /// itself so parallel tests never race on $VISUAL.
    func useEditor(_ body: String) throws {
        let script = tmp.file("editor-\(UInt32.random(in: 0...UInt32.max)).sh")
        try ("#!/bin/sh\n" + body + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        workbench.editorCommand = script
    }

    /// Shell for `useEditor` that replaces the last piece of text (the answer) with `lines`.
    static func replacingLastPiece(with lines: [String]) -> String {
        let kept = lines.map { "'\($0)'" }.joined(separator: ",")
        return """
            python3 - "$1" <<'EOF'
            import sys
            p=sys.argv[1]
            lines=open(p).read().split('\\n')
            last=max(i for i,l in enumerate(lines) if l.startswith('=== '))
            open(p,'w').write('\\n'.join(lines[:last+1]+[\(kept)]))
            EOF
            """
    }

    struct FixtureError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
