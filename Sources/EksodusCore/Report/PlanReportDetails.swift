/// Every row of the plan's sections, as the CSV files the plan and images reports link to.
extension ReportContext {
    /// The detail files of the plan's sections and of its checklist (the plan report's, before `runbookDetails` and `imageDetails`).
    var sectionDetails: [(file: String, bytes: [UInt8])] {
        var waves = Table(columns: ["wave", "cluster", "workload", "reason"])
        for wave in plan.waves {
            for member in wave.workloads { waves.rows.append([.integer(wave.number), .text(wave.cluster), .text(member.label), .text(member.reason)]) }
        }
        let dependencies = Table(columns: ["cluster", "consumer", "provider", "evidence"], rows: plan.dependencies.map { dependency in
            [.text(dependency.cluster), .text(dependency.consumer), .text(dependency.provider), .text(dependency.evidence)]
        })
        var storage = plan.storage.table
        storage.columns.append("reason")
        for (index, entry) in plan.storage.entries.enumerated() { storage.rows[index].append(.text(entry.reason)) }
        let checklist = Table(columns: ["key", "phase", "step", "cluster", "wave", "title", "state", "note", "prerequisites", "evidence", "rollback"],
                              rows: tracked.map { item in
            [.text(item.key), .text(item.phase), .text(item.step), .text(item.cluster ?? ""), item.wave.map { .integer($0) } ?? .null,
             .text(item.title), .text(item.state.rawValue), .text(item.note ?? ""), .text(item.prerequisites.joined(separator: " ")), .text(item.evidence),
             .text(item.rollback)]
        })
        return [(Self.wavesFile, ReportDetail.csv(waves)), (Self.dependenciesFile, ReportDetail.csv(dependencies)),
                (Self.storageFile, ReportDetail.csv(storage)), (Self.networkFile, ReportDetail.csv(plan.network.table)),
                (Self.identityFile, ReportDetail.csv(plan.identity.table)), (Self.checklistFile, ReportDetail.csv(checklist))]
    }

    var imageDetails: [(file: String, bytes: [UInt8])] {
        [(Self.imagesFile, ReportDetail.csv(plan.images.table))]
    }
}
