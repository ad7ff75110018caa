/// The plan report's pictures, drawn from the stored plan alone: the waves with the dependencies between them, and
/// each wave's own dependency graph. Above `nodeLimit` boxes a picture summarises and says so.
struct PlanDiagrams {
    static let nodeLimit = 60

    struct WaveKey: Hashable {
        var cluster: String
        var number: Int
    }

    let plan: TransitionPlan
    /// Which wave each workload moves in, by cluster and label (labels are unique within a cluster).
    let waveOf: [String: WaveKey]
    /// The providers each workload calls (never itself), by cluster and label: read once for every wave's picture.
    let providers: [String: Set<String>]

    init(_ plan: TransitionPlan) {
        self.plan = plan
        var waveOf: [String: WaveKey] = [:]
        for wave in plan.waves {
            for workload in wave.workloads { waveOf[wave.cluster + "\u{0}" + workload.label] = WaveKey(cluster: wave.cluster, number: wave.number) }
        }
        self.waveOf = waveOf
        var providers: [String: Set<String>] = [:]
        for dependency in plan.dependencies where dependency.provider != dependency.consumer {
            providers[dependency.cluster + "\u{0}" + dependency.consumer, default: []].insert(dependency.provider)
        }
        self.providers = providers
    }

    /// Pairs of distinct waves (provider's, consumer's) with how many dependencies join them.
    func waveEdges() -> [(provider: WaveKey, consumer: WaveKey, count: Int)] {
        var counts: [[WaveKey]: Int] = [:]
        for (consumerKey, called) in providers {
            guard let consumer = waveOf[consumerKey] else { continue }
            for provider in called {
                guard let wave = waveOf[consumer.cluster + "\u{0}" + provider], wave != consumer else { continue }
                counts[[wave, consumer], default: 0] += 1
            }
        }
        return counts.map { ($0.key[0], $0.key[1], $0.value) }
            .sorted { ($0.provider.cluster, $0.provider.number, $0.consumer.number) < ($1.provider.cluster, $1.provider.number, $1.consumer.number) }
    }

    /// One box per wave (the first `nodeLimit`), an edge from a wave to each wave whose workloads call into it.
    func waves() -> ReportDiagram {
        let drawn = Array(plan.waves.prefix(Self.nodeLimit))
        var index: [WaveKey: Int] = [:]
        for (position, wave) in drawn.enumerated() { index[WaveKey(cluster: wave.cluster, number: wave.number)] = position }
        let nodes = drawn.map { wave in
            SVGGraph.Node(label: "Wave \(wave.number) · \(wave.cluster)", detail: "\(wave.workloads.count) workload\(wave.workloads.count == 1 ? "" : "s")", style: "wave")
        }
        let edges = waveEdges().compactMap { edge -> SVGGraph.Edge? in
            guard let from = index[edge.provider], let to = index[edge.consumer] else { return nil }
            return SVGGraph.Edge(from: from, to: to, title: "wave \(edge.provider.number) → wave \(edge.consumer.number) · \(edge.provider.cluster): "
                                 + "\(edge.count) dependenc\(edge.count == 1 ? "y" : "ies")")
        }
        // A cluster's waves run one after another: each is drawn right of the one before.
        var ordering: [(from: Int, to: Int)] = []
        for (position, wave) in drawn.enumerated() {
            if let next = drawn[(position + 1)...].firstIndex(where: { $0.cluster == wave.cluster }) { ordering.append((position, next)) }
        }
        let note = plan.waves.count > drawn.count
            ? "The first \(drawn.count) of \(plan.waves.count) waves are drawn; every wave is listed below." : nil
        let graph = SVGGraph(title: "Waves and the dependencies between them", nodes: nodes, edges: edges, orderingEdges: ordering, note: note,
                             nodeWidth: 150, columnGap: 40)
        return ReportDiagram(mermaid: MermaidDiagram.waves(plan), svg: graph.render())
    }

    /// The workloads of one wave, the providers they call (those of other waves dashed) and the calls; above `nodeLimit`
    /// workloads, one box per namespace and the calls between namespaces of the wave.
    func wave(_ wave: TransitionPlan.Wave) -> ReportDiagram? {
        guard !wave.workloads.isEmpty else { return nil }
        let members = Set(wave.workloads.map(\.label))
        let pairs = Set(wave.workloads.flatMap { workload in
            (providers[wave.cluster + "\u{0}" + workload.label] ?? []).map { [$0, workload.label] }
        })
        let inside = pairs.filter { members.contains($0[0]) }.sorted { $0.lexicographicallyPrecedes($1) }
        let outside = pairs.count - inside.count
        let title = "Dependencies within wave \(wave.number) · \(wave.cluster)"
        var notes: [String] = []
        var graph: SVGGraph
        if wave.workloads.count <= Self.nodeLimit {
            // The providers this wave calls in other waves are drawn too, dashed, so every edge into the wave shows.
            let external = Set(pairs.map { $0[0] }).subtracting(members).sorted()
            var index: [String: Int] = [:]
            var nodes: [SVGGraph.Node] = []
            for (label, style) in wave.workloads.map({ ($0.label, "workload") }) + external.prefix(Self.nodeLimit).map({ ($0, "external") }) {
                index[label] = nodes.count
                let parts = label.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                let elsewhere = style == "external" ? waveOf[wave.cluster + "\u{0}" + label].map { " · wave \($0.number)" } ?? "" : ""
                // `Kind/namespace/name`: the name stands out, kind and namespace under it.
                nodes.append(parts.count == 3 ? SVGGraph.Node(label: parts[2], detail: parts[0] + " · " + parts[1] + elsewhere, style: style, title: label)
                             : SVGGraph.Node(label: label, detail: elsewhere.isEmpty ? nil : String(elsewhere.dropFirst(3)), style: style, title: label))
            }
            let edges = pairs.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { pair -> SVGGraph.Edge? in
                guard let from = index[pair[0]], let to = index[pair[1]] else { return nil }
                return SVGGraph.Edge(from: from, to: to, title: "\(pair[1]) calls \(pair[0])")
            }
            if !external.isEmpty { notes.append("Dashed boxes move in other waves.") }
            if external.count > Self.nodeLimit { notes.append("\(external.count - Self.nodeLimit) more providers in other waves are not drawn.") }
            graph = SVGGraph(title: title, nodes: nodes, edges: edges)
        } else {
            var groups: [String: Int] = [:]
            for workload in wave.workloads { groups[Self.namespace(workload.label), default: 0] += 1 }
            var ranked = groups.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
            var others: Set<String> = []
            if ranked.count > Self.nodeLimit {
                others = Set(ranked[(Self.nodeLimit - 1)...])
                ranked = Array(ranked.prefix(Self.nodeLimit - 1))
            }
            var index: [String: Int] = [:]
            for (position, name) in ranked.enumerated() { index[name] = position }
            var nodes = ranked.map { name in
                SVGGraph.Node(label: name, detail: "\(groups[name] ?? 0) workloads", style: "summary")
            }
            if !others.isEmpty {
                index.merge(others.map { ($0, nodes.count) }, uniquingKeysWith: { first, _ in first })
                nodes.append(SVGGraph.Node(label: "\(others.count) other namespaces", detail: "\(others.reduce(0) { $0 + (groups[$1] ?? 0) }) workloads", style: "summary"))
            }
            var counts: [[Int]: Int] = [:]
            for pair in inside {
                guard let from = index[Self.namespace(pair[0])], let to = index[Self.namespace(pair[1])], from != to else { continue }
                counts[[from, to], default: 0] += 1
            }
            let edges = counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, count in
                SVGGraph.Edge(from: key[0], to: key[1], title: "\(nodes[key[1]].label) calls \(nodes[key[0]].label): \(count) dependenc\(count == 1 ? "y" : "ies")")
            }
            notes.append("\(wave.workloads.count) workloads (more than \(Self.nodeLimit)) are drawn as \(nodes.count) namespace groups.")
            if outside > 0 { notes.append("\(outside) call\(outside == 1 ? "" : "s") to workloads of other waves \(outside == 1 ? "is" : "are") not drawn.") }
            graph = SVGGraph(title: title, nodes: nodes, edges: edges)
        }
        graph.note = notes.isEmpty ? nil : notes.joined(separator: " ")
        return ReportDiagram(mermaid: nil, svg: graph.render())
    }

    /// The namespace in a workload label (`kind/namespace/name`); cluster-scoped labels have none.
    static func namespace(_ label: String) -> String {
        let parts = label.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : "(cluster)"
    }
}
