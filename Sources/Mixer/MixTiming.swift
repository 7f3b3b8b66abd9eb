import WinnowCore

extension PhaseTiming {
    /// A mix's phases (reading the index, hashing, selecting, writing) on stderr when
    /// `WINNOW_MIX_TIMING` is set.
    static func mix() -> PhaseTiming { PhaseTiming("mix", variable: "WINNOW_MIX_TIMING") }
}
