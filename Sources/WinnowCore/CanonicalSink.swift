/// Where `JSONTape.writeCanonical` puts bytes: a fixed buffer written through a pointer.
///
/// Why: import writes the canonical form of every row, a few dozen pieces each (brackets,
/// keys, copied strings). Appending each piece to an `[UInt8]` paid a uniqueness and capacity
/// check per piece, a sixth of the writer's instructions. Here a piece costs one bounds
/// comparison. A sink never grows: when the output does not fit, it keeps counting without
/// writing, so the caller learns the size it needs and writes again into a larger buffer
/// (the output is deterministic, so the second pass writes exactly that many bytes).
struct CanonicalSink {
    let base: UnsafeMutablePointer<UInt8>?
    let capacity: Int
    /// Bytes the output has so far; more than `capacity` once it overflowed.
    private(set) var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress
        capacity = buffer.count
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        if count < capacity { base.unsafelyUnwrapped[count] = b }
        count &+= 1
    }

    @inline(__always)
    mutating func bytes(_ run: UnsafeBufferPointer<UInt8>) {
        let n = run.count
        if n > 0 && count &+ n <= capacity, let from = run.baseAddress {
            (base.unsafelyUnwrapped + count).update(from: from, count: n)
        }
        count &+= n
    }

    /// A quoted string body that is already canonical (no escapes, no control bytes).
    @inline(__always)
    mutating func quoted(_ run: UnsafeBufferPointer<UInt8>) {
        byte(UInt8(ascii: "\""))
        bytes(run)
        byte(UInt8(ascii: "\""))
    }

    /// Bytes from an array (the rare paths: escaped strings, reformatted numbers).
    mutating func bytes(_ array: [UInt8]) {
        array.withUnsafeBufferPointer { bytes($0) }
    }
}
