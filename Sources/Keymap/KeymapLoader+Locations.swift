import Foundation
import ShippedFiles
import WinnowCore

extension KeymapLoader {
    /// Present among the built-in keymaps and used when `--keymap` is not given.
    public static let defaultKeymapName = "default"

    /// A loader that looks where `winnow review --keymap NAME` should: the folders of
    /// `searchDirectories(...)`, then the keymaps compiled into winnow.
    public static func standard(catalog: KeymapCatalog,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> KeymapLoader {
        KeymapLoader(catalog: catalog, searchDirectories: searchDirectories(environment: environment),
                     builtIn: ShippedFiles.keymaps)
    }

    /// Where keymap names are looked up, first match wins (a path given to `--keymap` is used
    /// as is and never looked up):
    ///
    /// 1. `$WINNOW_KEYMAPS`, when set: one folder, for a packager, a test or a one-off session;
    /// 2. the user's folder, `$XDG_CONFIG_HOME/winnow/keymaps` (`~/.config/winnow/keymaps`), so
    ///    a reviewer's own `vim.keymap` (or `default.keymap`) wins over the box's;
    /// 3. the box's folder, `PREFIX/share/winnow/keymaps` for a winnow installed as
    ///    `PREFIX/bin/winnow` (found from the executable's real path, so a symbolic link in
    ///    `/usr/local/bin` leads to the prefix it points into), where `make install` puts them;
    /// 4. after these folders, the keymaps compiled into winnow (`KeymapLoader.builtIn`).
    ///
    /// Every folder is listed whether it exists or not, so a name that is found nowhere can
    /// be answered with each place that was looked in. There is no walk up from the binary to a
    /// checkout's `Keymaps/` any more: a build behaves as an installed binary does, and the
    /// built-in copy is the checkout's (ShippedFilesTests).
    public static func searchDirectories(environment: [String: String] = ProcessInfo.processInfo.environment,
                                         executable: String? = nil) -> [String] {
        var folders: [String] = []
        if let configured = environment["WINNOW_KEYMAPS"], !configured.isEmpty { folders.append(expandingTilde(configured)) }
        if let user = userDirectory(environment: environment), !folders.contains(user) { folders.append(user) }
        if let installed = installedDirectory(environment: environment, executable: executable), !folders.contains(installed) {
            folders.append(installed)
        }
        return folders
    }

    /// Keymaps in the folder winnow read before keymaps moved to `…/winnow/keymaps`
    /// (`$XDG_CONFIG_HOME/winnow/*.keymap`, `~/.config/winnow/*.keymap`): they are not read any
    /// more, and a reviewer must hear so rather than review with keys they did not choose.
    public static func legacyUserKeymaps(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        guard let folder = userDirectory(environment: environment).map({ ($0 as NSString).deletingLastPathComponent }),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.filter { $0.hasSuffix(".keymap") }.sorted().map { joined(folder, $0) }
    }

    /// `$XDG_CONFIG_HOME/winnow/keymaps`, else `~/.config/winnow/keymaps` (the XDG spec ignores
    /// a relative `XDG_CONFIG_HOME`, so do we); nil without a home to put it in.
    public static func userDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return joined(config, "winnow/keymaps")
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return joined(home, ".config/winnow/keymaps")
    }

    /// `PREFIX/share/winnow/keymaps` for the running executable `PREFIX/bin/winnow` (its real
    /// path: symbolic links resolved); nil when the executable cannot be found.
    public static func installedDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                          executable: String? = nil) -> String? {
        guard let start = executable ?? runningExecutable(environment: environment) else { return nil }
        let binFolder = folder(of: identity(of: start))
        let prefix = binFolder == "/" ? "/" : folder(of: binFolder)
        return joined(prefix.isEmpty ? "/" : prefix, "share/winnow/keymaps")
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
    /// Keymap names in the search folders (a user's own, `default`, `vim`), first folder first,
    /// then the built-in ones, each once: for `--keymap` suggestions and the help screen.
    public func availableNames() -> [String] {
        var names: [String] = []
        for folder in searchDirectories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.expandingTilde(folder))) ?? []
            for file in files.sorted() where file.hasSuffix(".keymap") {
                let name = String(file.dropLast(".keymap".count))
                if !names.contains(name) { names.append(name) }
            }
        }
        for file in builtIn.keys.sorted() where file.hasSuffix(".keymap") {
            let name = String(file.dropLast(".keymap".count))
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `--keymap NAME|FILE`: resolves, then loads. A name that matches nothing is one diagnostic
    /// (naming every place it looked, in order, and the nearest keymap name), so the caller has
    /// one path for every problem with the user's choice of keymap.
    public func load(named nameOrPath: String, into keymap: inout Keymap) -> [KeymapDiagnostic] {
        if let path = resolve(nameOrPath) { return load(file: path, into: &keymap) }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".keymap") {
            return [KeymapDiagnostic(file: nameOrPath, line: 0, message: "cannot read the keymap: no such file")]
        }
        let hint = Suggestion.nearest(to: nameOrPath, in: availableNames()).map { "; did you mean '\($0)'?" } ?? ""
        return [KeymapDiagnostic(file: nameOrPath, line: 0, message: "no keymap by that name (\(placesLookedIn()))\(hint)")]
    }

    /// The search folders in order, each missing one marked, then the built-in keymaps: what a
    /// person needs to put a keymap where winnow will find it.
    public func placesLookedIn() -> String {
        var places = searchDirectories.map { folder in
            Self.isFolder(Self.expandingTilde(folder)) ? folder : folder + " (no such folder)"
        }
        let shipped = builtIn.keys.sorted().map { String($0.dropLast(".keymap".count)) }
        if !shipped.isEmpty { places.append("the built-in keymaps (\(shipped.joined(separator: ", ")))") }
        return places.isEmpty ? "no keymap folders are configured" : "looked in " + places.joined(separator: ", ")
    }
}
