extension NearDuplicateDetector {
    /// Disjoint sets over row positions, with path halving and union by size. Near-duplicate
    /// clusters are the connected components of the verified pairs: if a is close to b and b to
    /// c, all three are shown together even when a and c fall just under the threshold.
    struct UnionFind {
        private var parent: [Int32]
        private var size: [Int32]

        init(count: Int) {
            parent = (0..<count).map { Int32($0) }
            size = Array(repeating: 1, count: count)
        }

        mutating func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x {
                parent[x] = parent[Int(parent[x])]
                x = Int(parent[x])
            }
            return x
        }

        mutating func union(_ a: Int, _ b: Int) {
            var ra = find(a), rb = find(b)
            guard ra != rb else { return }
            if size[ra] < size[rb] || (size[ra] == size[rb] && rb < ra) { swap(&ra, &rb) }
            parent[rb] = Int32(ra)
            size[ra] += size[rb]
        }
    }

    /// Clusters, nearest neighbours and findings from the verified pairs.
    ///
    /// Each clustered row's nearest neighbour is its partner of highest agreement, ties going
    /// to the earlier row; a cluster is named by its smallest member id. Both rules depend only
    /// on the set of pairs, not on the order they were found in, which is what keeps the report
    /// identical across runs and thread schedules.
    static func report(
        ids: [String], pairs: [Pair], options: NearDuplicateOptions, banding: NearDuplicateBanding
    ) -> NearDuplicateReport {
        let n = ids.count
        var sets = UnionFind(count: n)
        var neighbour = [Int32](repeating: -1, count: n)
        var best = [UInt16](repeating: 0, count: n)
        func offer(_ row: Int, _ other: Int, _ agreement: UInt16) {
            let current = Int(neighbour[row])
            if current < 0 || agreement > best[row] || (agreement == best[row] && other < current) {
                neighbour[row] = Int32(other)
                best[row] = agreement
            }
        }
        for pair in pairs {
            let a = Int(pair.first), b = Int(pair.second)
            sets.union(a, b)
            offer(a, b, pair.agreement)
            offer(b, a, pair.agreement)
        }
        // Cluster names: the smallest id among each root's members.
        var name: [Int: String] = [:]
        var members: [Int: [Int]] = [:]
        for row in 0..<n where neighbour[row] >= 0 {
            let root = sets.find(row)
            members[root, default: []].append(row)
            if let current = name[root] {
                if ids[row] < current { name[root] = ids[row] }
            } else {
                name[root] = ids[row]
            }
        }
        let scale = Double(options.permutations)
        var matches: [NearDuplicateMatch] = []
        for row in 0..<n where neighbour[row] >= 0 {
            matches.append(NearDuplicateMatch(
                id: ids[row], cluster: name[sets.find(row)]!, neighbour: ids[Int(neighbour[row])],
                similarity: Double(best[row]) / scale))
        }
        let clusters = members.map { root, rows in
            NearDuplicateCluster(id: name[root]!, members: rows.map { ids[$0] })
        }.sorted { $0.id < $1.id || ($0.id == $1.id && $0.members.first! < $1.members.first!) }
        return NearDuplicateReport(
            options: options, banding: banding, rowsCompared: n,
            pairs: pairs.map {
                NearDuplicatePair(first: ids[Int($0.first)], second: ids[Int($0.second)], similarity: Double($0.agreement) / scale)
            },
            matches: matches, clusters: clusters)
    }
}

/// A row that has at least one near duplicate.
public struct NearDuplicateMatch: Sendable, Equatable {
    public var id: String
    /// The cluster's name: its smallest member id.
    public var cluster: String
    /// The most similar other row (ties: the earlier one), and the estimated Jaccard similarity.
    public var neighbour: String
    public var similarity: Double

    public init(id: String, cluster: String, neighbour: String, similarity: Double) {
        self.id = id
        self.cluster = cluster
        self.neighbour = neighbour
        self.similarity = similarity
    }
}

/// Two rows found similar directly (one LSH band in common and, when verifying, an estimate at
/// or above the threshold); `first` is the earlier row.
public struct NearDuplicatePair: Sendable, Equatable {
    public var first: String
    public var second: String
    public var similarity: Double
}

/// A set of rows connected by near-duplicate pairs; members in input order.
public struct NearDuplicateCluster: Sendable, Equatable {
    public var id: String
    public var members: [String]
}

/// Everything one near-duplicate run found.
public struct NearDuplicateReport: Sendable {
    public var options: NearDuplicateOptions
    public var banding: NearDuplicateBanding
    public var rowsCompared: Int
    /// Distinct pairs that share a band and (when verifying) reach the threshold, ordered by
    /// their rows' positions. Clusters are their connected components.
    public var pairs: [NearDuplicatePair]
    public var pairCount: Int { pairs.count }
    /// Every clustered row, in input order.
    public var matches: [NearDuplicateMatch]
    /// Clusters ordered by id.
    public var clusters: [NearDuplicateCluster]

    /// Share of compared rows that belong to some cluster (the "variety" figure for stats).
    public var clusteredShare: Double {
        rowsCompared == 0 ? 0 : Double(matches.count) / Double(rowsCompared)
    }

    /// One finding per clustered row, in input order: gate "near-duplicate", reason
    /// "duplicate", a flag (a reviewer decides which copy to keep), with the neighbour, its
    /// similarity and the cluster id.
    public var findings: [(id: String, finding: GateFinding)] {
        matches.map { ($0.id, Self.finding(for: $0)) }
    }

    public static func finding(for match: NearDuplicateMatch) -> GateFinding {
        GateFinding(
            gate: "near-duplicate", reason: "duplicate", action: .flag,
            detail: [
                ("neighbour", .string(match.neighbour)),
                ("similarity", .double(match.similarity)),
                ("cluster", .string(match.cluster)),
            ])
    }
}
