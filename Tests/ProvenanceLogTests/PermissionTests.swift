import Foundation
@testable import ProvenanceLog
import TestSupport
import Testing

/// Files the log creates are group-writable and never world-writable, whatever the umask.
@Suite struct PermissionTests {
    func mode(_ path: String) -> mode_t {
        var st = stat()
        _ = stat(path, &st)
        return st.st_mode & 0o7777
    }

    @Test func logLockAndBrokenFilesAreGroupWritableOnly() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("ws/log/provenance.jsonl")
        let log = try LogFile.open(at: path)
        try log.append(RevertPayload(reverts: 1))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"torn".utf8))
        try handle.close()
        _ = try LogFile.open(at: path)
        for file in [path, path + ".lock", path + ".broken"] {
            #expect(mode(file) == 0o660, "\(file): \(String(mode(file), radix: 8))")
        }
        for folder in [dir.file("ws"), dir.file("ws/log")] {
            #expect(mode(folder) & 0o777 == 0o770, "\(folder): \(String(mode(folder), radix: 8))")
            #expect(mode(folder) & 0o2000 != 0, "\(folder) is not setgid")
        }
    }

    @Test func helpersForTheWorkspace() throws {
        let dir = try TemporaryDirectory()
        try FilePermissions.createDirectory(dir.file("a/b/c"))
        try FilePermissions.createDirectory(dir.file("a/b/c"))  // exists: fine
        #expect(mode(dir.file("a/b/c")) & 0o7777 == 0o2770)
        let (fd, created) = try FilePermissions.createFile(dir.file("a/b/c/f"), flags: O_WRONLY)
        close(fd)
        #expect(created)
        #expect(mode(dir.file("a/b/c/f")) & 0o002 == 0)
        let (again, createdAgain) = try FilePermissions.createFile(dir.file("a/b/c/f"), flags: O_WRONLY)
        close(again)
        #expect(!createdAgain)
        #expect(throws: LogError.self) { try FilePermissions.createDirectory(dir.file("a/b/c/f/g")) }
        #expect(FilePermissions.parentPath(of: "log/provenance.jsonl") == "log")
        #expect(FilePermissions.parentPath(of: "provenance.jsonl") == ".")
        #expect(FilePermissions.parentPath(of: "/x") == "/")
        let previous = FilePermissions.restrictUmask()
        #expect(umask(previous) == 0o007)
    }
}
