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
        // Row by row, as `runbook.csv` is: tens of thousands of items.
        var checklist = CSVWriter(columns: ["key", "phase", "step", "cluster", "wave", "title", "state", "note", "prerequisites", "evidence", "rollback"],
                                  capacity: tracked.reduce(0) { $0 + $1.key.utf8.count * 2 + $1.title.utf8.count + $1.evidence.utf8.count + $1.rollback.utf8.count + 48 + $1.prerequisites.reduce(0) { $0 + $1.utf8.count + 1 } })
        for item in tracked {
            checklist.field(item.key)
            checklist.field(item.phase)
            checklist.field(item.step)
            checklist.field(item.cluster ?? "")
            checklist.field(item.wave)
            checklist.field(item.title)
            checklist.field(item.state.rawValue)
            checklist.field(item.note ?? "")
            checklist.field(words: item.prerequisites)
            checklist.field(item.evidence)
            checklist.field(item.rollback)
            checklist.endRow()
        }
        return [(Self.wavesFile, ReportDetail.csv(waves)), (Self.dependenciesFile, ReportDetail.csv(dependencies)),
                (Self.storageFile, ReportDetail.csv(storage)), (Self.networkFile, ReportDetail.csv(plan.network.table)),
                (Self.identityFile, ReportDetail.csv(plan.identity.table)), (Self.checklistFile, checklist.bytes)]
    }

    var imageDetails: [(file: String, bytes: [UInt8])] {
        [(Self.imagesFile, ReportDetail.csv(plan.images.table))]
    }
}
