/// Mermaid diagrams for the reports: a flowchart of waves and dependencies, a pie of item states.
enum MermaidDiagram {
    /// An identifier Mermaid accepts for a node.
    static func nodeID(_ text: String) -> String {
        "n_" + String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// A quoted label on one line; `#`, `"`, `<` and `>` as Mermaid entity codes, so a name can neither end the label nor carry HTML.
    static func label(_ text: String) -> String {
        var out = "\""
        for character in text.visibleLine {
            switch character {
            case "#": out += "#35;"
            case "\"": out += "#quot;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// Workloads a diagram draws one by one; above that it draws one node per wave.
    static let workloadNodeLimit = 150

    /// One subgraph per wave; an edge from each provider to its consumers.
    static func waves(_ plan: TransitionPlan) -> String {
        if plan.waves.reduce(0, { $0 + $1.workloads.count }) > workloadNodeLimit { return waveSummary(plan) }
        var lines = ["flowchart LR"]
        var declared: Set<String> = []
        for wave in plan.waves {
            lines.append("  subgraph \(nodeID("wave \(wave.number) \(wave.cluster)"))[\(label("Wave \(wave.number) · \(wave.cluster)"))]")
            for workload in wave.workloads {
                let id = nodeID(wave.cluster + " " + workload.label)
                declared.insert(id)
                lines.append("    \(id)[\(label(workload.label))]")
            }
            lines.append("  end")
        }
        var edges: Set<String> = []
        for dependency in plan.dependencies {
            let provider = nodeID(dependency.cluster + " " + dependency.provider), consumer = nodeID(dependency.cluster + " " + dependency.consumer)
            guard declared.contains(provider), declared.contains(consumer) else { continue }
            edges.insert("  \(provider) --> \(consumer)")
        }
        return (lines + edges.sorted()).joined(separator: "\n")
    }

    /// One node per wave with its number of workloads; an edge from a wave to a later one that calls into it.
    static func waveSummary(_ plan: TransitionPlan) -> String {
        var lines = ["flowchart LR"]
        var waveOf: [String: String] = [:]
        for wave in plan.waves {
            let id = nodeID("wave \(wave.number) \(wave.cluster)")
            lines.append("  \(id)[\(label("Wave \(wave.number) · \(wave.cluster) · \(wave.workloads.count) workloads"))]")
            for workload in wave.workloads { waveOf[wave.cluster + " " + workload.label] = id }
        }
        var edges: Set<String> = []
        for dependency in plan.dependencies {
            guard let provider = waveOf[dependency.cluster + " " + dependency.provider], let consumer = waveOf[dependency.cluster + " " + dependency.consumer],
                  provider != consumer else { continue }
            edges.insert("  \(provider) --> \(consumer)")
        }
        return (lines + edges.sorted()).joined(separator: "\n")
    }

    /// Items by state.
    static func progress(_ status: CutoverStatus) -> String {
        var lines = ["pie showData title Checklist items by state"]
        for state in ItemState.allCases {
            lines.append("  \(label(state.rawValue.replacingOccurrences(of: "_", with: " "))) : \(status.overall.counts[state] ?? 0)")
        }
        return lines.joined(separator: "\n")
    }
}
