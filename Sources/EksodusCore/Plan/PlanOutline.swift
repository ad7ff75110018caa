/// The outline `eksodus plan` prints: waves, dependencies, and a line or a table per plan section.
public enum PlanOutline {
    public static func text(_ plan: TransitionPlan) -> String {
        let request = plan.request
        // Every name, label and evidence comes from the manifests or flags: printed as a visible line, so an ESC in a
        // workload name or an env URL cannot retitle, clear or rewrite the terminal, nor a line break forge a line.
        func v(_ text: String) -> String { text.visibleLine }
        var text = "Plan \(v(request.name)) (#\(plan.planID)): EKS \(request.target) in \(v(request.region)), account \(v(request.accountID))\n"
        // A plan read back from the store was not just made: it has no new, kept or obsoleted items to count.
        let changes = plan.added + plan.kept + plan.obsoleted > 0 ? " (\(plan.added) new, \(plan.kept) kept, \(plan.obsoleted) now obsolete)" : ""
        text += "Checklist: \(plan.items.count) items\(changes); "
        // Counted in place: `filter` copied every item (tens of thousands, with their commands) once per phase.
        var perPhase: [PlanItem.Phase: Int] = [:]
        for index in plan.items.indices { perPhase[plan.items[index].phase, default: 0] += 1 }
        text += PlanItem.Phase.allCases.map { phase in "\(phase.rawValue) \(perPhase[phase] ?? 0)" }.joined(separator: ", ") + "\n"

        text += "\nWaves, numbered per cluster (wave 0: the platform and its agents; clusters may run their waves side by side, lower environments first)\n"
        for wave in plan.waves {
            // A wave of a large estate holds thousands: the outline names the first few, the plan report's waves.csv all of them.
            let shown = wave.workloads.prefix(12).map { v($0.label) }.joined(separator: ", ")
            text += "  wave \(wave.number) [\(v(wave.cluster))]: " + shown
                + (wave.workloads.count > 12 ? " … and \(wave.workloads.count - 12) more (eksodus report plan: waves.csv)" : "") + "\n"
        }
        if !plan.cycles.isEmpty {
            text += "  dependency cycles kept in one wave, moving in this order: " + plan.cycles.map { $0.map(v).joined(separator: ", then ") }.joined(separator: "; ") + "\n"
        }
        text += "\nDependencies found: \(plan.dependencies.count)\n"
        for dependency in plan.dependencies.prefix(12) {
            text += "  [\(v(dependency.cluster))] \(v(dependency.consumer)) → \(v(dependency.provider))  (\(v(dependency.evidence)))\n"
        }
        if plan.dependencies.count > 12 { text += "  … \(plan.dependencies.count - 12) more\n" }

        let copies = plan.images.entries.filter { $0.method == .copy }.count
        let cached = plan.images.entries.filter { $0.method == .pullThroughCache }.count
        text += "\nImages: \(plan.images.entries.count) distinct, \(copies) to copy into ECR, \(cached) through pull-through cache rules "
        text += "(eksodus images; eksodus images --script)\n"

        text += "\nStorage: \(plan.storage.totals.reduce(0) { $0 + $1.volumes }) volumes\n"
        for total in plan.storage.totals {
            text += "  \(v(total.cluster)) \(v(total.targetClass)): \(total.volumes) volumes, \(StoragePlan.gibibytes(total.bytes))"
            text += total.unsized > 0 ? " (\(total.unsized) without a size)\n" : "\n"
        }
        text += "\nNetwork: \(plan.network.entries.count) services and ingresses to put behind the AWS Load Balancer Controller; "
        text += "\(plan.network.entries.filter { !$0.manual.isEmpty }.count) need manual work\n"
        text += "Identity: \(plan.identity.entries.count) IAM roles for ServiceAccounts\n"
        text += "\nCompute\n" + TableRenderer.text(Table(columns: ["cluster", "node_group", "instances", "capacity", "desired", "max_pods"],
                                                          rows: plan.compute.flatMap { compute in compute.nodeGroups.map { group in
            [.text(compute.cluster), .text(group.name), .text(group.instanceTypes.joined(separator: ",")), .text(group.spot ? "spot" : "on-demand"),
             .integer(group.desired), .integer(group.maxPods)]
        } }))
        for compute in plan.compute where !compute.fargateProfiles.isEmpty {
            text += "  Fargate [\(v(compute.cluster))]: " + compute.fargateProfiles.map { "\(v($0.name)) (\(v($0.namespaces.joined(separator: ", "))))" }.joined(separator: "; ") + "\n"
        }
        for compute in plan.compute { text += "  [\(v(compute.cluster))] " + v(compute.notes.first ?? "") + "\n" }
        text += "\neksctl configs: eksodus plan --eksctl DIR\n"
        return text
    }
}
