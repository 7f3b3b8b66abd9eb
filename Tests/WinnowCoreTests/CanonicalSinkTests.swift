import PropertyBased
import Testing
@testable import WinnowCore

/// Import writes each row's canonical form into one reused buffer; a form that does not fit
/// must be counted exactly (so the retry gets enough room) and one that fits written whole.
@Suite struct CanonicalSinkTests {
    @Test("a canonical form too long for its buffer is counted, and written whole into one that fits")
    func canonicalSinkOverflow() async throws {
        let samples = JSONGen.written(JSONGen.value(maxDepth: 3), by: NoisyJSONWriter(shuffleMembers: true, newlines: false))
        await propertyCheck(count: 500, input: samples) { sample in
            guard let expected = try? tapeCanonical(sample.text), let tape = try? JSONTape.parse(sample.text) else { return }
            sample.text.withUnsafeBufferPointer { source in
                for room in [0, 1, expected.count / 2, expected.count, expected.count + 7] {
                    var buffer = [UInt8](repeating: 0, count: room)
                    let length = buffer.withUnsafeMutableBufferPointer { try? tape.writeCanonical(0, source: source, into: $0) }
                    #expect(length == expected.count)
                    if room >= expected.count { #expect(Array(buffer.prefix(expected.count)) == expected) }
                }
            }
        }
    }
}
