/// Distinct-n: distinct n-grams ÷ total n-grams over a set of texts, the usual measure of
/// variety collapse. A generator stuck in a template repeats its n-grams, and its distinct-2
/// falls long before anyone notices by reading rows.
///
/// Texts are word-tokenised: maximal runs of letters and digits, lowercased, so "Sure!" and
/// "sure," are the same word and punctuation is not a word. N-grams never span two texts (the
/// last words of one row and the first of the next are not a phrase anyone wrote).
///
/// It is a counter so the lead can feed rows one at a time from the index, per generator,
/// without holding every text. Words become integer ids from a vocabulary, and each n-gram is
/// kept as one 64-bit key: exact for n ≤ 2 (two 32-bit ids packed side by side), a well-mixed
/// hash for n ≥ 3, where two different n-grams share a key with probability 2⁻⁶⁴ per pair, about
/// 3 × 10⁻⁴ expected collisions over 10⁸ distinct n-grams: far below what the ratio shows.
public struct DistinctNGrams: Sendable {
    public let n: Int
    /// N-grams seen, repeats included.
    public private(set) var total = 0
    private var seen: Set<UInt64> = []
    private var vocabulary: [String: UInt32] = [:]

    public init(n: Int) {
        precondition(n >= 1, "n-grams need n >= 1, not \(n)")
        self.n = n
    }

    /// Distinct n-grams seen.
    public var distinct: Int { seen.count }

    /// distinct ÷ total; nil before any n-gram (every text shorter than n words).
    public var ratio: Double? {
        total == 0 ? nil : Double(distinct) / Double(total)
    }

    /// Adds one text's n-grams.
    public mutating func add(_ text: String) {
        let ids = DistinctNGrams.words(text).map { word -> UInt32 in
            if let id = vocabulary[word] { return id }
            let id = UInt32(truncatingIfNeeded: vocabulary.count)
            vocabulary[word] = id
            return id
        }
        guard ids.count >= n else { return }
        for start in 0...(ids.count - n) {
            seen.insert(key(ids[start..<(start + n)]))
            total += 1
        }
    }

    /// Distinct-n of `texts` in one call.
    public static func ratio<S: Sequence>(_ texts: S, n: Int) -> Double? where S.Element == String {
        var counter = DistinctNGrams(n: n)
        for text in texts { counter.add(text) }
        return counter.ratio
    }

    /// The words of `text`: maximal runs of letters and digits, lowercased.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (0x61...0x7A).contains(value) || (0x30...0x39).contains(value) {
                    current.append(scalar)
                    continue
                }
                if (0x41...0x5A).contains(value) {
                    current.append(Unicode.Scalar(value + 0x20)!)
                    continue
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                continue
            }
            if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    private func key(_ gram: ArraySlice<UInt32>) -> UInt64 {
        switch gram.count {
        case 1: return UInt64(gram.first!)
        case 2: return UInt64(gram.first!) << 32 | UInt64(gram.last!)
        default:
            // Position-sensitive: each step mixes the running hash before adding the next id.
            var hash: UInt64 = 0x9E37_79B9_7F4A_7C15
            for id in gram { hash = DistinctNGrams.mix(hash ^ UInt64(id)) }
            return hash
        }
    }

    /// SplitMix64's finaliser: a bijection on 64 bits that spreads every input bit over the output.
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
