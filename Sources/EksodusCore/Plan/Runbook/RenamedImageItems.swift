import GRDB

/// Image items used to be global (`images:wave-7`, waves numbered across clusters); now they are per cluster
/// (`images:prod:wave-2`). On the first re-plan, a new item takes over the state of the old one whose workloads it holds
/// (only when all of them were in that one old wave), with an event saying so.
enum RenamedImageItems {
    /// Each workload's wave in the stored plan, read before the plan's waves are rewritten.
    static func previousWaves(_ db: Database, planID: Int64) throws -> [Int64: Int] {
        Dictionary(try Row.fetchAll(db, sql: "SELECT workload_id, wave FROM plan_workload WHERE plan_id = ?", arguments: [planID]).map { row -> (Int64, Int) in
            (row[0], row[1])
        }, uniquingKeysWith: { first, _ in first })
    }

    static func carryOver(_ db: Database, planID: Int64, items: [PlanItem], added: Set<String>, previousWaves: [Int64: Int], now: String) throws {
        guard !previousWaves.isEmpty else { return }
        var members: [String: Set<Int64>] = [:]
        for item in items where item.workloadID != nil {
            guard let cluster = item.clusterID, let wave = item.wave, let workload = item.workloadID else { continue }
            members["\(cluster)/\(wave)", default: []].insert(workload)
        }
        for item in items where item.step == .images && added.contains(item.keyText) {
            guard let cluster = item.clusterID, let wave = item.wave else { continue }
            let oldWaves = Set((members["\(cluster)/\(wave)"] ?? []).compactMap { previousWaves[$0] })
            guard oldWaves.count == 1, let oldWave = oldWaves.first else { continue }
            let oldKey = PlanItemKey(.cutover, .images, .legacyWave(oldWave)).description
            guard let old = try Row.fetchOne(db, sql: "SELECT state, state_note FROM plan_item WHERE plan_id = ? AND key = ?", arguments: [planID, oldKey]),
                  let state = ItemState(rawValue: old[0]), state != .pending else { continue }
            let action: CutoverAction = [.done: .done, .inProgress: .start, .blocked: .block, .skipped: .skip][state] ?? .done
            let note = "carried over from \(oldKey)" + ((old[1] as String?).map { ": " + $0 } ?? "")
            try db.execute(sql: "UPDATE plan_item SET state = ?, state_note = ?, updated_at = ? WHERE plan_id = ? AND key = ?",
                           arguments: [state.rawValue, note, now, planID, item.keyText])
            try db.execute(sql: """
                INSERT INTO event (plan_id, item_id, at, actor, action, from_state, to_state, note, forced)
                SELECT ?, id, ?, 'eksodus', ?, 'pending', ?, ?, 0 FROM plan_item WHERE plan_id = ? AND key = ?
                """, arguments: [planID, now, action.rawValue, state.rawValue, note, planID, item.keyText])
        }
    }
}
