/// A data store (postgres, redis, kafka… by `data/databases.yaml`) whose data is on an emptyDir or in the container.
struct DatabaseWithoutClaimCheck: Check {
    let info = CheckInfo(
        id: "STO008", title: "Database data on emptyDir", severity: .warning, category: .storage,
        rationale: "A database without a claim keeps its data on an emptyDir or in the container's writable layer: both are deleted with the pod, so moving it to EKS as a stateless workload loses the data, and so does every reschedule there.",
        remediation: "Give it a PersistentVolumeClaim on EKS (gp3) and move the data with the database's own replication before the switch; if the data is truly disposable (a cache), say so with eksodus.io/ignore: STO008.",
        triggering: [CheckSupport.deployment("orders-db", replicas: 1, pod: """
                  containers:
                  - name: postgres
                    image: postgres:16.4
                    volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
                  volumes: [{name: data, emptyDir: {}}]
            """), CheckSupport.deployment("cache", replicas: 1, pod: "      containers: [{name: redis, image: 'redis:7.2'}]")],
        nonTriggering: ["""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: orders-db, namespace: shop}
            spec:
              serviceName: orders-db
              selector: {matchLabels: {app: orders-db}}
              template:
                metadata: {labels: {app: orders-db}}
                spec:
                  containers:
                  - name: postgres
                    image: postgres:16.4
                    volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
              volumeClaimTemplates:
              - metadata: {name: data}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 20Gi}}}
            """, CheckSupport.deployment(pod: "      containers: [{name: exporter, image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0'}]")]
    )

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.workloads.compactMap { workload -> Finding? in
            let persistent = !workload.claimTemplates.isEmpty || workload.volumes.contains { $0.type == "persistentVolumeClaim" }
                || !WorkloadProfile.nodeLocalData(workload, reference: context.reference).isEmpty
            guard !persistent, let (database, container) = WorkloadProfile.dataStore(workload, reference: context.reference) else { return nil }
            let scratch = WorkloadProfile.ephemeralData(container, in: workload)
            let place = scratch.isEmpty ? "in the container's writable layer" : "on emptyDir " + scratch.map(\.name).joined(separator: ", ")
            let field = scratch.first.map { "\(CheckSupport.podPath(workload.kind)).volumes[\($0.name)].emptyDir" }
                ?? "\(CheckSupport.containerPath(workload, container)).image"
            return finding(workload, field: field,
                           "\(database.name) keeps its data \(place), lost when the pod moves: give it a gp3 claim on EKS and replicate the data before the switch")
        }
    }
}
