import Foundation

/// The public datasets in `../shared/realdata` beside the package (read-only, never copied into
/// the repository); tests that read them are skipped only where the folder is absent.
public enum RealData {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/realdata").path
    public static var present: Bool { FileManager.default.fileExists(atPath: root) }
    public static func file(_ relative: String) -> String { root + "/" + relative }
}
