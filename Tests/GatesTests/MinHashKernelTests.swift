import CMinHash
@testable import Gates
import TestSupport
import Testing

/// The C MinHash loop must compute exactly the family's values (`minHashReference`): stored
/// band keys of existing workspaces were made with them, and a signature must never depend on
/// which vector unit the machine has.
struct MinHashKernelTests {
    static func kernel(_ shingles: [UInt64], _ a: [UInt64], _ b: [UInt64], start: [UInt32]) -> [UInt32] {
        var out = start
        out.withUnsafeMutableBufferPointer { out in
            out.withMemoryRebound(to: Int32.self) { out in
                winnow_minhash(shingles, shingles.count, a, b, a.count, out.baseAddress!)
            }
        }
        return out
    }

    /// One named version; nil when this CPU does not have it.
    static func variant(_ which: Int32, _ shingles: [UInt64], _ a: [UInt64], _ b: [UInt64], start: [UInt32]) -> [UInt32]? {
        var out = start
        let status = out.withUnsafeMutableBufferPointer { out in
            out.withMemoryRebound(to: Int32.self) { out in
                winnow_minhash_run_variant(which, shingles, shingles.count, a, b, a.count, out.baseAddress!)
            }
        }
        return status == 0 ? out : nil
    }

    @Test func theKernelComputesTheFamilyOnRandomInputs() {
        var random = SplitMix64(0x4D49_4E48)
        // Permutation counts around the kernel's block of 16 (and its tail), shingle counts
        // from none to more than a row usually has, and extreme values of both operands.
        for permutations in [1, 3, 15, 16, 17, 31, 64, 128, 130] {
            for count in [0, 1, 2, 7, 8, 33, 300] {
                let a = (0..<permutations).map { _ in random.next() | 1 }
                let b = (0..<permutations).map { _ in random.next() }
                var shingles = (0..<count).map { _ in random.next() }
                if count > 2 { shingles[0] = 0; shingles[1] = .max }
                let start = (0..<permutations).map { k in k % 5 == 0 ? NearDuplicateSignatures.unset : UInt32(truncatingIfNeeded: random.next()) }
                var expected = start
                NearDuplicateSignatures.minHashReference(shingles: shingles, a: a, b: b, into: &expected)
                #expect(Self.kernel(shingles, a, b, start: start) == expected, "\(permutations) permutations, \(count) shingles")
                // Every version this CPU has, not only the one it picks: another machine picks another.
                for which: Int32 in [0, 1, 2] {
                    if let got = Self.variant(which, shingles, a, b, start: start) {
                        #expect(got == expected, "version \(which): \(permutations) permutations, \(count) shingles")
                    }
                }
            }
        }
    }

    @Test func aSignerGivesTheReferenceSignatureOfAText() {
        let options = NearDuplicateOptions()
        let family = NearDuplicateSignatures(permutations: options.permutations, shingleWords: options.shingleWords, seed: options.seed)
        var signer = NearDuplicateSigner(options: options)
        var shingler = NearDuplicateShingler()
        for text in ["", "one", "Your order 4411 ships today, thank you for waiting.",
                     String(repeating: "the refund policy says thirty days ", count: 40), "日本語 naïve café 👍🏽"] {
            signer.tokenize(text)
            shingler.tokenize(text)
            var shingles: [UInt64] = []
            shingler.forEachShingle(size: options.shingleWords) { shingles.append($0) }
            var expected = [UInt32](repeating: NearDuplicateSignatures.unset, count: options.permutations)
            NearDuplicateSignatures.minHashReference(shingles: shingles, a: family.multipliers, b: family.offsets, into: &expected)
            #expect(signer.signature().values == expected, "\(text.debugDescription)")
        }
    }

    /// The version picked is the widest the CPU runs (each narrower one runs too).
    @Test func thePickedVersionIsTheWidestThisCPURuns() {
        let one: [UInt64] = [1], start: [UInt32] = [NearDuplicateSignatures.unset]
        let runs = [Int32(0), 1, 2].filter { Self.variant($0, one, one, one, start: start) != nil }
        let names = ["baseline", "avx2", "avx512"]
        #expect(runs == Array(0...(runs.last ?? 0)), "\(runs)")
        #expect(String(cString: winnow_minhash_variant()) == names[Int(runs.last ?? 0)])
    }
}
