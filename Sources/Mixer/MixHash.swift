import Crypto
import Foundation

/// Every sampling choice the mixer makes is a function of hash(seed, row id): which rows a
/// pool gives up first, where each lands in the output, which side of the split it goes to.
/// Nothing depends on file order, thread timing or the run, so the same inputs give the same
/// bytes, and a row's fate does not change when unrelated rows are added.
enum MixHash {
    /// Two independent 64-bit draws from one SHA-256 of (seed, id, copy): the selection key
    /// and the output-order key.
    static func keys(seed: String, id: String, copy: Int) -> (select: UInt64, order: UInt64) {
        let text = copy == 0 ? "\(seed)\u{0}\(id)" : "\(seed)\u{0}\(id)\u{0}\(copy)"
        let digest = SHA256.hash(data: Array(text.utf8))
        return digest.withUnsafeBytes { raw in
            var a: UInt64 = 0, b: UInt64 = 0
            for i in 0..<8 { a = a << 8 | UInt64(raw[i]) }
            for i in 8..<16 { b = b << 8 | UInt64(raw[i]) }
            return (a, b)
        }
    }

    /// A draw in [0, 1) for a named purpose (`salt`), independent of the keys above.
    static func unit(seed: String, id: String, salt: String) -> Double {
        let digest = SHA256.hash(data: Array("\(salt)\u{0}\(seed)\u{0}\(id)".utf8))
        let value = digest.withUnsafeBytes { raw in (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(raw[$1]) } }
        return Double(value >> 11) / Double(1 << 53)
    }
}
