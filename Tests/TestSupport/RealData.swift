import Foundation

/// The real public datasets tests read (`../shared/realdata` beside the package, read-only):
/// tests that need them are skipped only when the folder is absent.
public enum RealData {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/realdata").path
    public static var isPresent: Bool { FileManager.default.fileExists(atPath: directory) }

    /// `relative` inside the real-data folder.
    public static func path(_ relative: String) -> String { directory + "/" + relative }

    /// The bytes of a file in the folder, gzip undone by the system's `gzip -dc` (so the test's
    /// view of the file does not depend on the code under test).
    public static func bytes(_ relative: String) throws -> Data {
        guard relative.hasSuffix(".gz") else { return try Data(contentsOf: URL(fileURLWithPath: path(relative))) }
        let gzip = try ChildProcess.run("/usr/bin/env", ["gzip", "-dc", path(relative)])
        guard gzip.status == 0 && !gzip.signalled else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path(relative), "gzip": gzip.stderr])
        }
        return gzip.stdoutBytes
    }

    /// The lines of a JSON Lines file as bytes, blank lines left out.
    public static func lines(_ relative: String) throws -> [[UInt8]] {
        try bytes(relative).split(separator: 0x0A).map(Array.init)
    }

    /// The lines of a JSON Lines file as objects.
    public static func objects(_ relative: String) throws -> [[String: Any]] {
        try bytes(relative).split(separator: 0x0A).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return object
        }
    }
}

extension RealData {
    /// The lines of a JSON Lines file as they are, for importing real rows byte for byte.
    public static func rawLines(_ relative: String) throws -> [String] {
        String(decoding: try bytes(relative), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
