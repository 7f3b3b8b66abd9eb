import Foundation
import WinnowCore

extension KeymapLoader {
    /// The folder of shipped keymaps in the source tree (and the release archive).
    public static let shippedFolderName = "Keymaps"
    /// Present in every shipped folder; how a folder named `Keymaps` is recognised as ours.
    public static let defaultKeymapName = "default"

    /// A loader that looks where `winnow review --keymap NAME` should: see `searchDirectories(...)`.
    public static func standard(catalog: KeymapCatalog,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> KeymapLoader {
        KeymapLoader(catalog: catalog, searchDirectories: searchDirectories(environment: environment))
    }

    /// Where keymap names are looked up, in order: the user's folder first, so a reviewer's own
    /// `vim.keymap` (or `default.keymap`) wins over the shipped one, then the shipped folder.
    /// Folders that do not exist are left out.
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executable: String? = nil) -> [String] {
        var folders: [String] = []
        if let user = userDirectory(environment: environment), isFolder(user) { folders.append(user) }
        if let shipped = shippedDirectory(environment: environment, executable: executable), !folders.contains(shipped) {
            folders.append(shipped)
        }
        return folders
    }

    /// `$XDG_CONFIG_HOME/winnow`, else `~/.config/winnow` (the XDG spec ignores a relative
    /// `XDG_CONFIG_HOME`, so do we); nil without a home to put it in.
    public static func userDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return joined(config, "winnow")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return joined(joined(home, ".config"), "winnow")
    }

    /// The shipped keymaps: `$WINNOW_KEYMAPS` when set (packagers and tests point it anywhere);
    /// otherwise the nearest `Keymaps/` (or `share/winnow/Keymaps/`, for an installed prefix)
    /// holding `default.keymap`, walking up from the running executable's real path. That finds
    /// the repository's folder for `swift run winnow`, `.build/release/winnow` and test runners
    /// alike, without depending on the current directory.
    public static func shippedDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        executable: String? = nil) -> String? {
        if let configured = environment["WINNOW_KEYMAPS"], !configured.isEmpty { return expandingTilde(configured) }
        guard let start = executable ?? runningExecutable(environment: environment) else { return nil }
        var folder = self.folder(of: identity(of: start))
        while !folder.isEmpty {
            for candidate in [joined(folder, shippedFolderName), joined(folder, "share/winnow/" + shippedFolderName)]
            where isFile(joined(candidate, defaultKeymapName + ".keymap")) {
                return candidate
            }
            if folder == "/" { break }
            folder = self.folder(of: folder)
        }
        return nil
    }

    /// The real path of this process's executable: `/proc/self/exe` on Linux; else argv[0],
    /// made absolute against the current folder or found on `$PATH` like the shell found it.
    static func runningExecutable(environment: [String: String]) -> String? {
        if let linked = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return linked
        }
        guard let argument = CommandLine.arguments.first, !argument.isEmpty else { return nil }
        if argument.contains("/") { return argument }
        let path = environment["PATH"] ?? ""
        return path.split(separator: ":").map { joined(String($0), argument) }.first(where: isFile)
    }

    static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }
}

extension KeymapLoader {
    /// Keymap names in the search folders (`default`, `vim`, a user's own), first folder first,
    /// each once: for `--keymap` suggestions and the help screen.
    public func availableNames() -> [String] {
        var names: [String] = []
        for folder in searchDirectories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.expandingTilde(folder))) ?? []
            for file in files.sorted() where file.hasSuffix(".keymap") {
                let name = String(file.dropLast(".keymap".count))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// `--keymap NAME|FILE`: resolves, then loads. A name that matches nothing is one diagnostic
    /// (naming where it looked and the nearest keymap name), so the caller has one path for
    /// every problem with the user's choice of keymap.
    public func load(named nameOrPath: String, into keymap: inout Keymap) -> [KeymapDiagnostic] {
        if let path = resolve(nameOrPath) { return load(file: path, into: &keymap) }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".keymap") {
            return [KeymapDiagnostic(file: nameOrPath, line: 0, message: "cannot read the keymap: no such file")]
        }
        let looked = searchDirectories.isEmpty ? "no keymap folders were found"
            : "looked in \(searchDirectories.joined(separator: ", "))"
        let hint = Suggestion.nearest(to: nameOrPath, in: availableNames()).map { "; did you mean '\($0)'?" } ?? ""
        return [KeymapDiagnostic(file: nameOrPath, line: 0, message: "no keymap by that name (\(looked))\(hint)")]
    }
}
