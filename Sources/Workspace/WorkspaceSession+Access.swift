import Foundation
import ProvenanceLog

/// Who may do what to a workspace: commands that record something need to write it, and are
/// stopped with a plain message when they cannot; commands that only read open it read-only
/// (`WorkspaceSession.open(_:access: .readOnly)`), for a reviewer who may look but not write and
/// for a workspace on a read-only mount. Read-only means: the log is opened `O_RDONLY`, no lock
/// file or folder is created, a torn tail is reported and left (see `LogFile.openReadOnly`), no
/// append is possible; the index is opened read-only unless this user can write it anyway (see
/// RowIndex+ReadOnly for why), and the log is never written either way.
///
/// A read-only session still fails closed: the index is checked against the log (its last
/// applied entry and everything after it) exactly as in any session. When the index is behind
/// the log and this user cannot write it, the entries it lacks are applied to a private copy in
/// memory and the command answers from that (see RowIndex+ReadOnly), saying so on stderr.
/// Stopping instead ("ask someone with write access to run a command") would be safe too, but
/// it leaves the reader who has nobody to ask with nothing, when the log, which they can read,
/// is enough to give the right answer; an answer from stale rows is never given either way.
extension WorkspaceSession {
    /// The commands that open a workspace read-only, for messages.
    public static let readOnlyCommands = "queue, stats, log show, log verify, gates (without --rerun), quarantine, mix verify"

    /// Throws `readOnlyWorkspace` for the first of the workspace folder, log folder, log, lock
    /// file and index this user cannot write. `access(2)` answers for the real user, which is
    /// who winnow records as the actor; root passes unless the mount is read-only.
    static func checkWritable(_ paths: WorkspacePaths) throws {
        let needed = [(paths.root, true), (paths.logDirectory, false), (paths.log, false), (paths.log + ".lock", false),
                      (paths.index, false)]
        for (path, required) in needed {
            if access(path, W_OK) == 0 { continue }
            let code = errno
            if code == ENOENT && !required { continue }
            if code == EACCES || code == EPERM || code == EROFS {
                throw WorkspaceError.readOnlyWorkspace(path: paths.display(path), errno: code)
            }
        }
    }

    /// Throws unless this session was opened read-write. Claims are not derived from the log,
    /// so one written to a read-only session's copy of the index in memory would vanish with it:
    /// a command that opened the workspace read-only and tries is a bug, stopped here.
    public func requireWritable(to action: String) throws {
        guard index.access == .readWrite else {
            throw WorkspaceError.index(path: paths.display(paths.index), reason: "opened read-only by this command, which cannot \(action)")
        }
    }

    /// What a read-only session tells the person about its index: rebuilt in memory from the
    /// log (unreadable here), or caught up in memory (behind the log and not writable here).
    func noteReadOnlyIndex(replayed: Int) {
        let shown = paths.display(paths.index)
        if let why = index.unreadable {
            notices.append("\(shown) was not used (\(why)); this command replayed the log into an index in memory "
                + "(\(replayed) entries), so its answer is current, but slower than it needs to be "
                + "('winnow reindex', run with write access, rebuilds the file)")
        } else if replayed > 0 && index.isInMemory {
            notices.append("\(shown) is \(replayed) log \(replayed == 1 ? "entry" : "entries") behind and cannot be written here; this command applied "
                + "them to a copy in memory, so its answer is current (the next command run with write access updates the file)")
        }
    }
}
