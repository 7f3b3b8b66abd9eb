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

    /// The lines of a JSON Lines file as objects (gzip read with the system's `gzip -dc`, so the
    /// test's view of the file does not depend on the code under test).
    public static func objects(_ relative: String) throws -> [[String: Any]] {
        var data: Data
        if relative.hasSuffix(".gz") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip", "-dc", path(relative)]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        } else {
            data = try Data(contentsOf: URL(fileURLWithPath: path(relative)))
        }
        return try data.split(separator: 0x0A).map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return object
        }
    }
}

extension RealData {
    /// The lines of a JSON Lines file as they are (gzip read with the system's `gzip -dc`), for
    /// importing real rows byte for byte.
    public static func rawLines(_ relative: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = relative.hasSuffix(".gz") ? ["gzip", "-dc", path(relative)] : ["cat", path(relative)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
