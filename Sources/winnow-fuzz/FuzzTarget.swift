import CProcessSettings
import Foundation
import Keymap
import Mixer
import ProvenanceLog
import WinnowCore
import Workbench
import Workspace

/// The parsers of untrusted bytes, each a function libFuzzer can call with any input. A target
/// fails only by crashing, hanging or breaking one of the invariants it checks (a trap), never
/// by reporting bad input: reporting bad input is what the parsers are for.
enum FuzzTarget: String, CaseIterable {
    /// A line of an imported file: JSON parse, shape recognition, the rendered text, the
    /// canonical form the content hash is taken over.
    case rows
    /// A line of the provenance log: envelope, hash and every kind's payload checks.
    case logline
    /// A keymap file (`bind`, `unbind`, `source`, key names).
    case keymap
    /// The terminal sanitiser and the JSON escaper: whatever comes in, nothing unsafe comes out.
    case sanitiser
    /// `winnow.toml`, read and validated as every command does.
    case config
    /// A mix spec.
    case mixspec

    func run(_ bytes: [UInt8]) {
        switch self {
        case .rows: Self.row(bytes)
        case .logline: _ = (try? LogEntry(parsing: bytes))?.payloadProblem
        case .keymap: Self.keymap(bytes)
        case .sanitiser: Self.sanitise(bytes)
        case .config:
            Self.catchingTOMLAssertions { _ = try? WorkspaceConfig.parse(text: String(decoding: bytes, as: UTF8.self), path: "fuzz.toml") }
        case .mixspec:
            Self.catchingTOMLAssertions {
                _ = try? MixSpec.parse(text: String(decoding: bytes, as: UTF8.self), path: "fuzz.toml", defaults: WorkspaceConfig.defaults.mix)
            }
        }
    }

    /// Runs a TOML parse so that a toml++ assertion (which winnow turns into "invalid TOML",
    /// exit 1: see CProcessSettings/assertions.c) returns here instead of ending the process.
    /// Under libFuzzer that exit stopped the whole run at the first such input (a known one is
    /// among the seeds), so the TOML targets could not be fuzzed for more than a moment. The
    /// input is still handled: the plain build's regression replay checks its exit and message.
    static func catchingTOMLAssertions(_ body: @escaping () -> Void) {
        #if FUZZING
        // A heap box, not `withoutActuallyEscaping`: a jump out of the parse skips the Swift
        // frames that would release what they hold, and that check traps on it.
        final class Box { let body: () -> Void; init(_ body: @escaping () -> Void) { self.body = body } }
        let box = Unmanaged.passRetained(Box(body))
        defer { box.release() }
        _ = winnow_catching_toml_assertions({ context in
            Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue().body()
        }, box.toOpaque())
        #else
        body()
        #endif
    }

    static func row(_ bytes: [UInt8]) {
        var tape = JSONTape()
        bytes.withUnsafeBufferPointer { buffer in
            guard (try? tape.parse(buffer)) != nil else { return }
            let recognizer = RowRecognizer()
            guard case .success(let row) = recognizer.recognize(tape, source: buffer) else { return }
            let text = recognizer.text(of: row.shape, tape, source: buffer)
            _ = text.fullText
            // The importer quarantines what has no canonical form (a duplicate key, a number out
            // of range); what has one must read back to the same canonical bytes.
            guard let value = try? tape.value(0, source: buffer) else { return }
            let canonical = value.canonicalBytes
            // (Compared as canonical bytes: JSONValue equality also compares member order.)
            guard (try? JSONValue.parse(canonical))?.canonicalBytes == canonical else { fatalError("canonical form does not read back") }
        }
    }

    static func keymap(_ bytes: [UInt8]) {
        var keymap = Keymap()
        let loader = KeymapLoader(catalog: Action.catalog, searchDirectories: [])
        _ = loader.apply(bytes: bytes, file: "fuzz.keymap", into: &keymap)
    }

    static func sanitise(_ bytes: [UInt8]) {
        for mode in [Sanitiser.Mode.singleLine, .multiLine] {
            let clean = Sanitiser.clean(bytes: bytes, mode: mode)
            guard Sanitiser.isClean(clean, mode: mode) else { fatalError("sanitised text is not clean") }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let json = Sanitiser.jsonSafe(JSONValue.string(text).canonicalString)
        guard json.unicodeScalars.allSatisfy({ Sanitiser.replacement(for: $0, mode: .multiLine) == nil }) else {
            fatalError("jsonSafe left a character unsafe on a terminal")
        }
        guard (try? JSONValue.parse(Array(json.utf8)))?.stringValue == text else { fatalError("jsonSafe changed the string") }
    }
}
