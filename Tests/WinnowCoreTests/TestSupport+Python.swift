import Foundation
import TestSupport
import Testing

/// Runs small Python scripts as the reference implementation of canonical JSON and float repr.
enum Python {
    /// The python3 on PATH, if any; tests that need it are disabled (and say so) without it.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    static var isAvailable: Bool { executable != nil }

    /// Canonical JSON per line: `json.dumps(json.loads(line), sort_keys=True,
    /// separators=(",", ":"), ensure_ascii=False)`, read and written as raw UTF-8 bytes so no
    /// text-mode newline or encoding translation gets between the two implementations.
    static let canonicalScript = """
        import json, sys
        out = []
        with open(sys.argv[1], "rb") as f:
            for line in f.read().split(b"\\n"):
                if line:
                    value = json.loads(line)
                    out.append(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        sys.stdout.buffer.write(b"\\n".join(out) + b"\\n")
        """

    /// `repr(float)` of each line's 16-hex-digit IEEE 754 bit pattern.
    static let reprScript = """
        import struct, sys
        out = []
        with open(sys.argv[1]) as f:
            for line in f:
                line = line.strip()
                if line:
                    out.append(repr(struct.unpack(">d", bytes.fromhex(line))[0]))
        sys.stdout.write("\\n".join(out) + "\\n")
        """

    /// Writes `lines` to a temporary file, runs `script` on it and returns stdout split into lines.
    static func run(_ script: String, lines: [[UInt8]]) throws -> [[UInt8]] {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("winnow-core-tests-\(UUID().uuidString).jsonl")
        var input: [UInt8] = []
        for line in lines {
            input.append(contentsOf: line)
            input.append(0x0A)
        }
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        guard let executable else { throw PythonFailure(status: -1, stderr: "no python3 on PATH") }
        let python = try ChildProcess.run(executable.path, ["-c", script, file.path])
        guard python.status == 0 && !python.signalled else { throw PythonFailure(status: python.status, stderr: python.stderr) }
        var result = Array(python.stdoutBytes).split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if result.last?.isEmpty == true { result.removeLast() }
        return result
    }
}

struct PythonFailure: Error, CustomStringConvertible {
    var status: Int32
    var stderr: String
    var description: String { "python3 exited with \(status): \(stderr)" }
}
