import Foundation

extension KeymapLoader {
    /// Why a file could not be read, in words for a diagnostic.
    struct ReadProblem: Error {
        var reason: String
    }

    /// Keymaps are a few kilobytes; anything this large is the wrong file (or `/dev/zero`).
    static let maximumSize = 1 << 20

    /// `source FILE`: beside the including file first; a bare name not found there is looked for
    /// in the search folders, so a user's keymap can `source default.keymap` and get the shipped
    /// one. A file already being read is passed over in that search and refused if nothing
    /// else matches, so a cycle is reported rather than followed.
    func source(_ word: String, from file: String, line: Int, into keymap: inout Keymap, run: inout Run) {
        let path = Self.expandingTilde(word)
        var candidates = [path.hasPrefix("/") ? path : Self.joined(Self.folder(of: file), path)]
        if !path.contains("/") {
            for folder in searchDirectories {
                let candidate = Self.joined(Self.expandingTilde(folder), path)
                if !candidates.contains(candidate) { candidates.append(candidate) }
            }
            if let shipped = builtInPath(path), !candidates.contains(shipped) { candidates.append(shipped) }
        }
        let existing = candidates.filter(exists)
        guard let first = existing.first else {
            let looked = candidates.count > 1 ? " (looked in \(candidates.joined(separator: ", ")))" : ""
            run.report(file, line, "cannot source '\(word)': no such file\(looked)")
            return
        }
        guard let chosen = existing.first(where: { !run.stack.contains(identity(of: $0)) }) else {
            let cycle = (run.stack + [identity(of: first)]).map { Self.lastComponent(of: $0) }
            run.report(file, line, "source cycle: \(cycle.joined(separator: " → ")) (each file may be read once per chain)")
            return
        }
        guard run.stack.count < Self.maximumDepth else {
            run.report(file, line, "cannot source '\(word)': sources nest deeper than \(Self.maximumDepth) files")
            return
        }
        switch read(chosen) {
        case .failure(let problem):
            run.report(file, line, "cannot source '\(word)': \(problem.reason)")
        case .success(let bytes):
            run.stack.append(identity(of: chosen))
            apply(bytes: bytes, file: chosen, into: &keymap, run: &run)
            run.stack.removeLast()
        }
    }

    /// The folder that built-in keymaps appear to be in: `(built-in)/default.keymap`. Not a
    /// real folder; `--keymap '(built-in)/default.keymap'` names the built-in one even when a
    /// file on disk overrides `default`.
    public static let builtInFolder = "(built-in)"

    /// `(built-in)/NAME` when a built-in keymap has that file name.
    func builtInPath(_ fileName: String) -> String? {
        builtIn[fileName] == nil ? nil : Self.builtInFolder + "/" + fileName
    }

    func isBuiltIn(_ path: String) -> Bool {
        path.hasPrefix(Self.builtInFolder + "/") && builtIn[String(path.dropFirst(Self.builtInFolder.count + 1))] != nil
    }

    /// A file on disk or a built-in keymap.
    func exists(_ path: String) -> Bool {
        isBuiltIn(path) || FileManager.default.fileExists(atPath: path)
    }

    /// One spelling per file (see `identity(of:)`); a built-in keymap's is its name.
    func identity(of path: String) -> String {
        isBuiltIn(path) ? path : Self.identity(of: path)
    }

    /// The bytes of a built-in keymap or a file.
    func read(_ path: String) -> Result<[UInt8], ReadProblem> {
        if isBuiltIn(path), let bytes = builtIn[String(path.dropFirst(Self.builtInFolder.count + 1))] {
            return .success(bytes)
        }
        return Self.read(path)
    }

    /// The file's bytes, or why not, checked in the order a person would look.
    static func read(_ path: String) -> Result<[UInt8], ReadProblem> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return .failure(ReadProblem(reason: "no such file"))
        }
        if isFolder.boolValue { return .failure(ReadProblem(reason: "it is a folder, not a keymap file")) }
        let real = identity(of: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: real)
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
            return .failure(ReadProblem(reason: "not a regular file"))
        }
        if let size = attributes?[.size] as? NSNumber, size.intValue > maximumSize {
            return .failure(ReadProblem(reason: "larger than \(maximumSize / 1024) KiB, so not a keymap"))
        }
        guard FileManager.default.isReadableFile(atPath: path), let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadProblem(reason: "permission denied"))
        }
        return .success(Array(data))
    }

    static func isFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
    }

    /// One spelling per file (absolute, symlinks resolved), so `./a.keymap` and `a.keymap` are
    /// recognised as the same file in a cycle.
    static func identity(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// `~` and `~/...` from `$HOME`; other paths unchanged.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }

    /// The folder part as written (`""` for a bare name), so sourced files are named in
    /// diagnostics the way the user would type them.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func joined(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
