import GRDB

extension InventoryQuery {
    /// The source nodes (`kubectl get nodes -o json`), cluster-scoped: the namespace filter does not apply.
    func nodes(_ db: Database) throws -> Table {
        let where_ = filter(namespaceColumn: nil)
        return try run(db, columns: ["cluster", "name", "role", "instance_type", "zone", "arch", "os", "kubelet", "runtime",
                                     "cpu_allocatable_m", "memory_allocatable", "pods_allocatable", "taints"],
                       shapes: ["memory_allocatable": .bytes], wide: ["kubelet", "runtime", "taints"], sql: """
            SELECT c.name, r.name, n.role, n.instance_type, n.zone, n.architecture, n.operating_system, n.kubelet_version, n.container_runtime,
              n.cpu_allocatable_m, n.memory_allocatable, n.pods_allocatable,
              (SELECT group_concat(json_extract(t.value, '$.key') || '=' || json_extract(t.value, '$.value') || ':' || json_extract(t.value, '$.effect'), ',')
                 FROM json_each(n.taints) t)
            FROM node n JOIN resource r ON r.id = n.resource_id JOIN cluster c ON c.id = r.cluster_id
            WHERE 1 = 1\(where_.sql) ORDER BY c.name, r.name
            """, arguments: where_.arguments)
    }
}
