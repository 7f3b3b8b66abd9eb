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

    @Test func theVariantIsOneOfThree() {
        let name = String(cString: winnow_minhash_variant())
        #expect(["avx512", "avx2", "baseline"].contains(name))
    }
}
