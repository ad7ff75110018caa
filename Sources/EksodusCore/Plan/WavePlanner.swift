/// Orders one cluster's application workloads into migration waves: providers before their consumers,
/// low-complexity stateless workloads first, stateful and complex ones after, blocked ones (assessment blockers)
/// last, and the members of a dependency cycle together. `maxWaveSize` splits crowded waves.
struct WavePlanner {
    struct Placement {
        var workload: Int64
        /// 1-based within the cluster.
        var wave: Int
        var reason: String
        var cycle: Int?
    }

    struct Input {
        var workload: Int64
        var label: String
        var stateful: Bool
        var complexity: String
        var blocked: Bool
    }

    var maxWaveSize: Int?

    func place(_ inputs: [Input], graph: DependencyGraph) -> (placements: [Placement], cycles: [[Int64]]) {
        let ids = inputs.map(\.workload)
        let known = Set(ids)
        let byID = Dictionary(inputs.map { ($0.workload, $0) }, uniquingKeysWith: { first, _ in first })
        var providers: [Int64: Set<Int64>] = [:]
        for edge in graph.edges where known.contains(edge.consumer) && known.contains(edge.provider) {
            providers[edge.consumer, default: []].insert(edge.provider)
        }
        let components = Self.stronglyConnectedComponents(ids, providers)
        var componentOf: [Int64: Int] = [:]
        for (index, component) in components.enumerated() { for id in component { componentOf[id] = index } }
        let cycles = components.filter { $0.count > 1 }.map { $0.sorted() }
        var cycleNumber: [Int: Int] = [:]
        for (index, component) in components.enumerated() where component.count > 1 { cycleNumber[index] = cycleNumber.count + 1 }

        // Component-level providers; components come out of Tarjan's algorithm with providers before consumers.
        var componentProviders: [Int: Set<Int>] = [:]
        for (consumer, set) in providers {
            for provider in set where componentOf[provider] != componentOf[consumer] {
                componentProviders[componentOf[consumer] ?? 0, default: []].insert(componentOf[provider] ?? 0)
            }
        }
        // Each component's first label, for the orders below: found once, not at every comparison of a sort.
        let firstLabels = components.map { component in component.compactMap { byID[$0]?.label }.min() ?? "" }
        func base(_ component: Int, blockedBase: Int) -> (Int, String) {
            let members = components[component].compactMap { byID[$0] }
            if members.contains(where: \.blocked) { return (blockedBase, "blocked by assessment findings: moves last") }
            if members.allSatisfy({ !$0.stateful && $0.complexity == "low" }) { return (1, "stateless, low complexity") }
            if members.contains(where: \.stateful) { return (2, "stateful: data replication first") }
            return (2, "\(members.map(\.complexity).max() ?? "medium") complexity")
        }
        func levels(blockedBase: Int) -> [Int: (Int, String)] {
            var level: [Int: (Int, String)] = [:]
            for component in components.indices {
                var (value, reason) = base(component, blockedBase: blockedBase)
                // In a fixed order, so the reason named is the same on every run.
                let providers = (componentProviders[component] ?? []).sorted {
                    (level[$1]?.0 ?? 0, firstLabels[$0]) < (level[$0]?.0 ?? 0, firstLabels[$1])
                }
                for provider in providers {
                    if let providerLevel = level[provider]?.0, providerLevel + 1 > value {
                        value = providerLevel + 1
                        let names = components[provider].compactMap { byID[$0]?.label }.joined(separator: ", ")
                        reason = "after its provider \(names)"
                    }
                }
                level[component] = (value, reason)
            }
            return level
        }
        let unblocked = levels(blockedBase: 1)
        let deepest = unblocked.values.map(\.0).max() ?? 1
        let level = levels(blockedBase: deepest + 1)

        // Number the waves densely, then split the crowded ones into consecutive waves.
        let used = Set(level.values.map(\.0)).sorted()
        var placements: [Placement] = []
        var wave = 0
        for value in used {
            let members = components.indices.filter { level[$0]?.0 == value }
                .sorted { firstLabels[$0] < firstLabels[$1] }
            var chunk = 0
            wave += 1
            for component in members {
                if let maxWaveSize, chunk > 0, chunk + components[component].count > maxWaveSize {
                    wave += 1
                    chunk = 0
                }
                chunk += components[component].count
                for id in components[component].sorted() {
                    var reason = level[component]?.1 ?? ""
                    if let number = cycleNumber[component] { reason += "; in dependency cycle \(number), kept together" }
                    placements.append(Placement(workload: id, wave: wave, reason: reason, cycle: cycleNumber[component]))
                }
            }
        }
        return (placements, cycles)
    }

    /// Tarjan's algorithm over consumer → provider edges; returns components with every provider component first.
    static func stronglyConnectedComponents(_ nodes: [Int64], _ providers: [Int64: Set<Int64>]) -> [[Int64]] {
        var index = 0
        var indices: [Int64: Int] = [:]
        var lowlinks: [Int64: Int] = [:]
        var stack: [Int64] = []
        var onStack: Set<Int64> = []
        var result: [[Int64]] = []
        func connect(_ node: Int64) {
            indices[node] = index
            lowlinks[node] = index
            index += 1
            stack.append(node)
            onStack.insert(node)
            for provider in (providers[node] ?? []).sorted() {
                if indices[provider] == nil {
                    connect(provider)
                    lowlinks[node] = min(lowlinks[node] ?? 0, lowlinks[provider] ?? 0)
                } else if onStack.contains(provider) {
                    lowlinks[node] = min(lowlinks[node] ?? 0, indices[provider] ?? 0)
                }
            }
            if lowlinks[node] == indices[node] {
                var component: [Int64] = []
                while let top = stack.popLast() {
                    onStack.remove(top)
                    component.append(top)
                    if top == node { break }
                }
                result.append(component)
            }
        }
        for node in nodes.sorted() where indices[node] == nil { connect(node) }
        return result
    }
}
