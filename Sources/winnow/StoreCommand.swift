import ArgumentParser
import Foundation
import PostgresStore
import ProvenanceLog
import Workspace

/// `winnow store`: the PostgreSQL store (see README, "The PostgreSQL store").
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Create a PostgreSQL store, or move a workspace's log into one.",
        subcommands: [StoreInitCommand.self, StoreUpgradeCommand.self, StoreMigrateCommand.self, StoreConfigCommand.self])
}

/// `winnow store init URL`: the admin creates the store's tables, guard and functions.
struct StoreInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the winnow store in a PostgreSQL database (an admin role, once).",
        discussion: """
            Creates the log (append-only: reviewers read it and append through a function that writes \
            the envelope and the actor itself), the stored files, and the role winnow_reviewer, whose \
            members may review. Grant it to each reviewer's login role: GRANT winnow_reviewer TO ana;
            """)

    @Argument(help: ArgumentHelp("The database, as a libpq URL (postgresql:///labels).", valueName: "URL"))
    var url: String

    func run() throws {
        let store = try StoreURL(url, operatingSystemUser: LogActor.current.user)
        try StoreMigration.create(store)
        Output.line("Created the winnow store in \(Output.safe(store.text)) (schema version \(ServerLogSchema.version)), its settings"
            + " winnow init's defaults (version 1: change them in a workspace's winnow.toml, then winnow store config push).")
        Output.line("Next: GRANT \(ServerLogSchema.reviewerRole) TO each reviewer's role, then winnow init DIR --store \(Output.safe(store.text))")
    }
}

/// `winnow store upgrade URL`: the store's owner brings a store made by an earlier winnow up to
/// this version's schema (new functions; the log and its chain untouched).
struct StoreUpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade", abstract: "Bring a store made by an earlier winnow up to this version (its owner, once).")

    @Argument(help: ArgumentHelp("The database, as a libpq URL (postgresql:///labels).", valueName: "URL"))
    var url: String

    func run() throws {
        let store = try StoreURL(url, operatingSystemUser: LogActor.current.user)
        let server = ServerLog(try ServerConnection.connect(store))
        defer { server.connection.close() }
        let from = try server.upgrade()
        Output.line(from == ServerLogSchema.version
            ? "The store in \(Output.safe(store.text)) is at schema version \(from) already: nothing to do."
            : "Upgraded the store in \(Output.safe(store.text)) from schema version \(from) to \(ServerLogSchema.version).")
    }
}

/// `winnow store migrate --to URL`: a file workspace's log, byte for byte, into a store.
struct StoreMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Move this workspace's log and files into a PostgreSQL store.",
        discussion: """
            Proves the log, stores every source and verdict file in the server, adopts every entry as it \
            is (same actors, times and hashes) into the empty store, reads it back and compares it line \
            for line, and only then names the store in winnow.toml. Needs the admin role. Run it again \
            to finish a migration that was interrupted. To leave the store later: winnow log export.
            """)

    @OptionGroup var workspace: WorkspaceOption
    @Option(help: ArgumentHelp("The database, as a libpq URL.", valueName: "URL"))
    var to: String

    func run() throws {
        let store = try StoreURL(to, operatingSystemUser: LogActor.current.user)
        let paths = try WorkspacePaths.locate(explicit: workspace.workspace)
        let summary = try StoreMigration.migrate(paths, to: store)
        if summary.installed { Output.line("Created the winnow store in \(Output.safe(store.text)).") }
        let earlier = summary.entries - summary.adopted
        Output.line("\(summary.adopted) entries moved" + (earlier > 0 ? " (\(earlier) were moved by an earlier run)" : "")
            + ", and \(summary.files) files stored; head #\(summary.head.seq) \(summary.head.hash)")
        Output.line("\(Output.safe(paths.display(paths.config))) now names the store; \(Output.safe(paths.display(paths.log))) is its copy on this box.")
    }
}

/// `winnow store config push|pull`: the settings every box of a store shares.
struct StoreConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Push this workspace's settings to its store (its owner), or pull the store's.",
        discussion: """
            On a store the settings that grant power (slices and the roles that review them, review rates, \
            gates, mix bounds) are the store's: every command checks that winnow.toml holds the store's newest \
            version and stops if not. Its owner edits winnow.toml and pushes it as a new version; every other \
            box pulls it.
            """,
        subcommands: [StoreConfigPushCommand.self, StoreConfigPullCommand.self])
}

struct StoreConfigPushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", abstract: "Make this workspace's winnow.toml the store's next settings version (its owner only).")

    @OptionGroup var workspace: WorkspaceOption

    func run() throws {
        let (paths, store) = try workspace.onStore(toDo: "push to")
        let version = try StoreConfiguration.push(paths, to: store)
        Output.line("\(Output.safe(paths.display(paths.config))) is version \(version) of the settings of \(Output.safe(store.text));"
            + " other boxes: winnow store config pull")
    }
}

struct StoreConfigPullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Rewrite winnow.toml as the store's newest settings.")

    @OptionGroup var workspace: WorkspaceOption

    func run() throws {
        let (paths, store) = try workspace.onStore(toDo: "pull from")
        let latest = try StoreConfiguration.pull(paths, url: store)
        Output.line("\(Output.safe(paths.display(paths.config))) now holds version \(latest.version) of the store's settings"
            + " (pushed by \(Output.safe(latest.pushedBy)) at \(latest.pushedAt))")
    }
}

extension WorkspaceOption {
    /// The workspace and the store its winnow.toml names; a file workspace is refused.
    func onStore(toDo what: String) throws -> (WorkspacePaths, StoreURL) {
        let paths = try WorkspacePaths.locate(explicit: workspace)
        guard let store = try WorkspaceConfig.load(path: paths.config).store else {
            throw ValidationError("this workspace keeps its own log (no [store] url in winnow.toml): there is no store to \(what)")
        }
        return (paths, store)
    }
}
