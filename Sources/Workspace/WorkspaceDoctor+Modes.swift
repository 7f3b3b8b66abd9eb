import Foundation

extension WorkspaceDoctor {
    /// One folder or file against the rules in WorkspaceDoctor's description; each rule it
    /// breaks is its own finding, so the fixes can be applied one by one.
    static func check(_ entry: WorkspaceTree.Entry, shown: String, mustWrite: Bool, gid: gid_t?, name: String,
                      into report: inout Report) {
        let mode = entry.mode
        let modeText = "mode \(octal(mode))"
        func problem(_ text: String, _ fix: String?) {
            report.problems.append(Finding(path: shown, problem: text, fix: fix))
        }
        if entry.isLink {
            report.notes.append(Finding(path: shown, problem: "a symbolic link: not followed, so what it points to is not checked", fix: nil))
            return
        }
        guard entry.isFolder || entry.isFile else {
            problem("neither a file nor a folder (a FIFO, socket or device): winnow makes no such thing", "rm \(shown)")
            return
        }
        if let gid, entry.status.st_gid != gid {
            problem("belongs to group \(UnixGroup.describe(entry.status.st_gid)), not '\(name)': members get only what "
                + "others get here (nothing)", "chgrp \(name) \(shown)")
        }
        if mode & 0o002 != 0 {
            problem("world-writable (\(modeText)): anyone on this machine can change it", "chmod o-w \(shown)")
        }
        if entry.isFolder {
            if mode & S_ISGID == 0 {
                problem("folder without setgid (\(modeText)): files made in it get their creator's group, not '\(name)'",
                        "chmod g+s \(shown)")
            }
            if mode & 0o070 != 0o070 {
                problem("members of '\(name)' cannot create files in this folder (\(modeText))", "chmod g+rwx \(shown)")
            }
        } else {
            if mode & 0o040 == 0 {
                problem("members of '\(name)' cannot read it (\(modeText))", "chmod g+r \(shown)")
            }
            if mustWrite && mode & 0o020 == 0 {
                problem("members of '\(name)' cannot write it (\(modeText)): their next command that records "
                    + "anything fails", "chmod g+w \(shown)")
            }
        }
    }
}
