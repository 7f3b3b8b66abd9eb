import ReviewQueue
import Testing

struct StatisticsVarietyTests {
    @Test func distinctNOnTwoShortTexts() {
        // Words: [the, cat, sat] and [the, cat, ran] (case and punctuation dropped).
        // n = 1: 6 words, distinct {the, cat, sat, ran} = 4 → 4/6.
        // n = 2: "the cat", "cat sat", "the cat", "cat ran" → 3 distinct of 4 = 0.75
        //        (no "sat the": n-grams do not cross texts).
        // n = 3: "the cat sat", "the cat ran" → 2 of 2 = 1. n = 4: none → nil.
        let texts = ["The cat sat.", "the CAT, ran!"]
        StatisticsCheck.close(DistinctNGrams.ratio(texts, n: 1), 4.0 / 6, tolerance: 1e-12)
        #expect(DistinctNGrams.ratio(texts, n: 2) == 0.75)
        #expect(DistinctNGrams.ratio(texts, n: 3) == 1)
        #expect(DistinctNGrams.ratio(texts, n: 4) == nil)
    }

    @Test func counterFeedsOneTextAtATime() {
        // "a b a b a b": bigrams ab, ba, ab, ba, ab → 2 distinct of 5; then "b a" adds ba: 2 of 6.
        // Trigrams (hashed keys): aba, bab, aba, bab → 2 of 4.
        var bigrams = DistinctNGrams(n: 2)
        bigrams.add("a b a b a b")
        #expect(bigrams.distinct == 2 && bigrams.total == 5)
        bigrams.add("B A")
        #expect(bigrams.distinct == 2 && bigrams.total == 6)
        #expect(DistinctNGrams.ratio(["a b a b a b"], n: 3) == 0.5)
    }

    @Test func wordsAreLowercasedRunsOfLettersAndDigits() {
        #expect(DistinctNGrams.words("Héllo, WORLD! x2 don't  ÉTÉ") == ["héllo", "world", "x2", "don", "t", "été"])
        #expect(DistinctNGrams.words(" ... ").isEmpty)
    }

    @Test func hashedNGramsKeepOrder() {
        // "a b c" and "c b a" share no trigram: 2 distinct of 2.
        #expect(DistinctNGrams.ratio(["a b c", "c b a"], n: 3) == 1)
        #expect(DistinctNGrams.ratio(["a b c", "a b c"], n: 3) == 0.5)
    }
}
