import Workspace

/// Whether a row is in the random review sample of its slice, decided exactly as the queue
/// decides it (hash(seed, row id) < the slice's review rate; every row of a critical slice).
/// The mixer trusts a slice's unreviewed rows only on what this sample says, and must not
/// depend on the queue table having been planned (a snapshot index for `mix verify` has none).
public enum ReviewSample {
    public static func contains(id: String, slice: String?, config: WorkspaceConfig) -> Bool {
        QueuePlan(config: config).entry(id: id, slice: slice).sampled
    }
}
