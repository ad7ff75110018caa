/// How much of a document comes from alias expansion, and whether that is too much.
///
/// Aliases are cheap to read but expand everywhere the node is used again (its JSON body, the extractor's walks),
/// so a few hundred bytes can stand for billions of nodes ("billion laughs"). The node rule is go-yaml v3's
/// (`allowedAliasRatio` in gopkg.in/yaml.v3 decode.go, which Kubernetes' sigs.k8s.io/yaml relies on): past 100
/// aliased nodes and 1,000 nodes in all, at most 99% of the nodes may come from aliases, falling to 10% from
/// 400,000 to 4,000,000 nodes. Text is bounded the same way: what aliases repeat may not exceed what the
/// document itself holds once it passes 8 MiB.
struct AliasBudget {
    /// The size of a node as its aliases repeat it.
    struct Weight {
        var nodes = 0
        var bytes = 0
        /// Collections nested inside it (0 for a scalar).
        var height = 0
    }

    private(set) var nodes = 0
    private(set) var aliasedNodes = 0
    private(set) var bytes = 0
    private(set) var aliasedBytes = 0
    private(set) var aliases = 0

    static let aliasedBytesFloor = 8 << 20

    mutating func countLiteral(bytes count: Int) {
        nodes += 1
        bytes += count
    }

    /// Counts an alias to a node of `weight`; returns a description of the excess when the document is now too aliased.
    mutating func countAlias(_ weight: Weight) -> String? {
        aliases += 1
        nodes += weight.nodes
        aliasedNodes += weight.nodes
        bytes += weight.bytes
        aliasedBytes += weight.bytes
        if aliasedNodes > 100, nodes > 1000, Double(aliasedNodes) / Double(nodes) > Self.allowedRatio(nodes) {
            return "\(aliases) aliases expand the document to \(nodes) nodes, \(aliasedNodes) of them repeated through aliases"
        }
        if aliasedBytes > Self.aliasedBytesFloor, aliasedBytes > bytes - aliasedBytes {
            return "\(aliases) aliases repeat \(aliasedBytes) bytes of text, more than the document's own \(bytes - aliasedBytes)"
        }
        return nil
    }

    static func allowedRatio(_ nodes: Int) -> Double {
        let low = 400_000.0, high = 4_000_000.0
        let count = Double(nodes)
        if count <= low { return 0.99 }
        if count >= high { return 0.10 }
        return 0.99 - 0.89 * (count - low) / (high - low)
    }
}
