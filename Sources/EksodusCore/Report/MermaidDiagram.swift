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

    /// One subgraph per wave; an edge from each provider to its consumers.
    static func waves(_ plan: TransitionPlan) -> String {
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

    /// Items by state.
    static func progress(_ status: CutoverStatus) -> String {
        var lines = ["pie showData title Checklist items by state"]
        for state in ItemState.allCases {
            lines.append("  \(label(state.rawValue.replacingOccurrences(of: "_", with: " "))) : \(status.overall.counts[state] ?? 0)")
        }
        return lines.joined(separator: "\n")
    }
}
