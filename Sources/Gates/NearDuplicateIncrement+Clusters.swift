extension NearDuplicateIncrement {
    /// A row the gate has already clustered, as its last verdict says.
    public struct Standing: Sendable, Equatable {
        public var id: String
        public var cluster: String
        public var neighbour: String
        /// Signature positions its neighbour agrees on (similarity x permutations).
        public var agreement: Int

        public init(id: String, cluster: String, neighbour: String, agreement: Int) {
            self.id = id
            self.cluster = cluster
            self.neighbour = neighbour
            self.agreement = agreement
        }
    }

    /// The matches of every row whose cluster the new pairs change: clusters joined (named by
    /// their smallest member id, as a whole run names them), rows clustered for the first time,
    /// and rows whose nearest neighbour is now a closer new row.
    ///
    /// `standing` must hold every member of every cluster a pair touches (by position); `ids`
    /// the id of every other row in a pair. Nearest neighbours follow the whole run's rule
    /// (highest agreement, ties to the earlier row): every new pair has a new row in it, which
    /// comes after every existing row, so a standing neighbour keeps a tie.
    public static func merge(
        pairs: [Pair], standing: [Int64: Standing], ids: [Int64: String], permutations: Int
    ) -> [(position: Int64, match: NearDuplicateMatch)] {
        guard !pairs.isEmpty else { return [] }
        // Union-find over clusters (by name) and unclustered rows (by position).
        enum Node: Hashable { case cluster(String), row(Int64) }
        var parent: [Node: Node] = [:]
        func find(_ x: Node) -> Node {
            var x = x
            while let p = parent[x], p != x {
                parent[x] = parent[p] ?? p
                x = p
            }
            return x
        }
        func node(_ position: Int64) -> Node { standing[position].map { .cluster($0.cluster) } ?? .row(position) }
        for pair in pairs {
            let a = find(node(pair.first)), b = find(node(pair.second))
            parent[a] = parent[a] ?? a
            parent[b] = parent[b] ?? b
            if a != b { parent[b] = a }
        }
        // Every row of an affected component.
        var rows = Set(pairs.flatMap { [$0.first, $0.second] })
        for (position, row) in standing where parent[.cluster(row.cluster)] != nil { rows.insert(position) }
        func id(_ position: Int64) -> String { standing[position]?.id ?? ids[position] ?? String(position) }
        var name: [Node: String] = [:]
        for position in rows {
            let root = find(node(position)), candidate = id(position)
            if let current = name[root], current <= candidate { continue }
            name[root] = candidate
        }
        // Nearest neighbours: standing ones first, then every new pair offered both ways.
        var neighbour: [Int64: (position: Int64, id: String, agreement: Int)] = [:]
        for position in rows {
            if let row = standing[position] { neighbour[position] = (Int64.min, row.neighbour, row.agreement) }
        }
        func offer(_ row: Int64, _ other: Int64, _ agreement: Int) {
            if let current = neighbour[row],
               agreement < current.agreement || (agreement == current.agreement && other >= current.position) { return }
            neighbour[row] = (other, id(other), agreement)
        }
        for pair in pairs {
            offer(pair.first, pair.second, pair.agreement)
            offer(pair.second, pair.first, pair.agreement)
        }
        let scale = Double(permutations)
        return rows.sorted().compactMap { position in
            guard let best = neighbour[position] else { return nil }
            return (position, NearDuplicateMatch(
                id: id(position), cluster: name[find(node(position))]!, neighbour: best.id,
                similarity: Double(best.agreement) / scale))
        }
    }
}
