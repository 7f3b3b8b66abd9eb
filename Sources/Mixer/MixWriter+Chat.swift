import Foundation
import WinnowCore

extension MixWriter {
    /// The common case of a big mix, a chat row written as chat, without decoding it: the
    /// contents' bytes are copied as they stand (the recognizer hands them over only when they
    /// hold no escapes, so they already are canonical JSON string content), turns merged and
    /// roles normalised as `MixFormat.turns` does. Writes exactly the bytes the decoding path
    /// would (a test holds the two to that); false, with nothing written, when the row has no
    /// assistant turn, so the decoding path reports it.
    static func writeRawChat(_ bytes: [UInt8], turns: [(role: String, content: Range<Int>)], metadata: MixField?,
                             into out: inout [UInt8]) -> Bool {
        var merged: [(role: String, parts: [Range<Int>])] = []
        for turn in turns {
            let role = MixFormat.chatRole(RowText.Segment(label: turn.role, text: ""))
            if let last = merged.last, last.role == role {
                merged[merged.count - 1].parts.append(turn.content)
            } else {
                merged.append((role, [turn.content]))
            }
        }
        guard merged.contains(where: { $0.role == "assistant" }) else { return false }
        out += #"{"messages":["#.utf8
        for (i, turn) in merged.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"content":""#.utf8
            for (k, part) in turn.parts.enumerated() {
                if k > 0 { out += #"\n\n"#.utf8 }
                out += bytes[part]
            }
            out += #"","role":"#.utf8
            CanonicalJSON.writeString(turn.role.utf8, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let metadata {
            out += #","metadata":"#.utf8
            metadata.write(into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return true
    }
}
