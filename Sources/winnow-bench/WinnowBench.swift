import ArgumentParser

/// Benchmarks and test helpers that need a real process: concurrent appenders, writers killed
/// mid-append, timing of verify. One subcommand per benchmark, each in its own file; add new
/// ones to `subcommands`.
@main
struct WinnowBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow-bench",
        abstract: "Benchmarks for winnow, and the writer processes its tests start.",
        subcommands: [
            LogAppendCommand.self,
            LogVerifyBenchCommand.self,
            ImportBenchCommand.self,
            GatesBenchCommand.self,
            DedupBenchCommand.self,
            NextBenchCommand.self,
            ReviewBenchCommand.self,
            MixBenchCommand.self,
            PIIBenchCommand.self,
            TrustChecksBenchCommand.self,
            StoreBenchCommand.self,
            StoreReviewerCommand.self,
        ])
}
