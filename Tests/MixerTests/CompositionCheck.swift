import Foundation

/// Computes a mix's composition from the provenance its rows carry (not from anything the
/// mixer reports about itself) and lists every constraint of a spec that does not hold.
struct CompositionCheck {
    var humans: [String: Int] = [:]
    var synthetic: [String: Int] = [:]
    var total: Int { humans.values.reduce(0, +) + synthetic.values.reduce(0, +) }
    var humanTotal: Int { humans.values.reduce(0, +) }
    var syntheticTotal: Int { synthetic.values.reduce(0, +) }

    init(_ metadata: [[String: Any]]) {
        for m in metadata {
            let slice = m["slice"] as! String
            if m["origin"] as! String == "human" { humans[slice, default: 0] += 1 } else { synthetic[slice, default: 0] += 1 }
        }
    }

    /// `sliceHumanMin`: per slice, the smallest human share (synthetic_max_fraction f given as 1 - f).
    func violations(humanMin: Double, perHuman: Double, sliceHumanMin: [String: Double], total wanted: Int? = nil) -> [String] {
        var problems: [String] = []
        if total > 0 && Double(humanTotal) / Double(total) < humanMin - 1e-9 {
            problems.append("overall human share \(humanTotal)/\(total) below \(humanMin)")
        }
        if Double(syntheticTotal) > Double(humanTotal) * perHuman + 1e-9 {
            problems.append("\(syntheticTotal) synthetic rows exceed \(perHuman) per human (\(humanTotal) humans)")
        }
        for (slice, floor) in sliceHumanMin {
            let h = humans[slice] ?? 0, s = synthetic[slice] ?? 0
            if h + s > 0 && Double(h) / Double(h + s) < floor - 1e-9 {
                problems.append("slice \(slice): human share \(h)/\(h + s) below \(floor)")
            }
        }
        if let wanted, wanted != total { problems.append("total \(total), wanted \(wanted)") }
        return problems
    }
}
