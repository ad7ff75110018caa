/// Mermaid diagrams for the reports: a flowchart of waves and dependencies, a pie of item states.
enum MermaidDiagram {
    /// Identifiers Mermaid accepts, one per distinct name: the name's letters and digits for the reader, and the order
    /// of first use, so names that clean up alike (`a-b`, `a_b`, `a.b`) stay separate nodes.
    struct NodeIDs {
        private var assigned: [String: String] = [:]

        mutating func id(_ text: String) -> String {
            if let id = assigned[text] { return id }
            let cleaned = String(text.unicodeScalars.prefix(40).map { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil) ? Character($0) : "_" })
            let id = "n\(assigned.count)_" + cleaned
            assigned[text] = id
            return id
        }

        func existing(_ text: String) -> String? { assigned[text] }
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
        var ids = NodeIDs()
        for wave in plan.waves {
            lines.append("  subgraph \(ids.id("wave \(wave.number)\u{0}\(wave.cluster)"))[\(label("Wave \(wave.number) · \(wave.cluster)"))]")
            for workload in wave.workloads {
                lines.append("    \(ids.id(wave.cluster + "\u{0}" + workload.label))[\(label(workload.label))]")
            }
            lines.append("  end")
        }
        var edges: Set<String> = []
        for dependency in plan.dependencies {
            guard let provider = ids.existing(dependency.cluster + "\u{0}" + dependency.provider),
                  let consumer = ids.existing(dependency.cluster + "\u{0}" + dependency.consumer) else { continue }
            edges.insert("  \(provider) --> \(consumer)")
        }
        return (lines + edges.sorted()).joined(separator: "\n")
    }

    /// One node per wave with its number of workloads; an edge from a wave to a later one that calls into it.
    static func waveSummary(_ plan: TransitionPlan) -> String {
        var lines = ["flowchart LR"]
        var ids = NodeIDs()
        var waveOf: [String: String] = [:]
        for wave in plan.waves {
            let id = ids.id("wave \(wave.number)\u{0}\(wave.cluster)")
            lines.append("  \(id)[\(label("Wave \(wave.number) · \(wave.cluster) · \(wave.workloads.count) workloads"))]")
            for workload in wave.workloads { waveOf[wave.cluster + "\u{0}" + workload.label] = id }
        }
        var edges: Set<String> = []
        for dependency in plan.dependencies {
            guard let provider = waveOf[dependency.cluster + "\u{0}" + dependency.provider], let consumer = waveOf[dependency.cluster + "\u{0}" + dependency.consumer],
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
