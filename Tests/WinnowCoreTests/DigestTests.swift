import Crypto
import Testing
import WinnowCore

struct DigestTests {
    @Test func digestHexIsTheContentHashAndBytesRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 31, 32, 64, 1000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let digest = bytes.withUnsafeBufferPointer { Digest(of: $0) }
            #expect(digest.hex == ContentHash.hex(bytes))
            let raw = Array(SHA256.hash(data: bytes))
            #expect(Digest(bytes: raw) == digest)
            #expect(Digest(bytes: raw.dropLast()) == nil)
        }
    }
}
