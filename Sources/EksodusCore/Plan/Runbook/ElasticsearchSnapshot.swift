/// An Elasticsearch (or OpenSearch) cluster's move to EKS: both sides register one S3 snapshot repository, an initial
/// snapshot is restored on EKS while the source serves, and a final one once the source is write-blocked.
struct ElasticsearchSnapshot {
    var workload: Estate.Workload

    func replicate() -> [String] {
        // Both sides register the same S3 repository (the repository-s3 plugin on Elasticsearch 7; built in from 8).
        // $SNAPSHOT_BUCKET expands on the engineer's machine (execDirect), not in the pod.
        let register = "curl -fsS -XPUT localhost:9200/_snapshot/eksodus -H 'Content-Type: application/json' -d \"{\\\"type\\\":\\\"s3\\\",\\\"settings\\\":{\\\"bucket\\\":\\\"$SNAPSHOT_BUCKET\\\"}}\""
        return [DataCopy.execDirect(workload, on: .source, register), DataCopy.execDirect(workload, on: .eks, register),
                DataCopy.exec(workload, on: .source, "curl -fsS -XPUT \"localhost:9200/_snapshot/eksodus/initial?wait_for_completion=true\""),
                DataCopy.exec(workload, on: .eks, "curl -fsS -XPOST \"localhost:9200/_snapshot/eksodus/initial/_restore?wait_for_completion=true\"")]
    }

    func verify() -> [String] {
        [DataCopy.exec(workload, on: .source, "curl -fsS localhost:9200/_cat/indices?v"), DataCopy.exec(workload, on: .eks, "curl -fsS localhost:9200/_cat/indices?v")]
    }

    func freeze() -> (commands: [String], rollback: [String]) {
        ([DataCopy.exec(workload, on: .source, "curl -fsS -XPUT localhost:9200/_all/_settings -H 'Content-Type: application/json' -d '{\"index.blocks.write\": true}'")],
         [DataCopy.exec(workload, on: .source, "curl -fsS -XPUT localhost:9200/_all/_settings -H 'Content-Type: application/json' -d '{\"index.blocks.write\": false}'")])
    }

    func promote() -> [String] {
        // The source is write-blocked, not stopped: its final snapshot holds every write; the EKS copies are closed before
        // the restore replaces them.
        [DataCopy.exec(workload, on: .source, "curl -fsS -XPUT \"localhost:9200/_snapshot/eksodus/final?wait_for_completion=true\""),
         DataCopy.exec(workload, on: .eks, "curl -fsS -XPOST \"localhost:9200/_all/_close\""),
         DataCopy.exec(workload, on: .eks, "curl -fsS -XPOST \"localhost:9200/_snapshot/eksodus/final/_restore?wait_for_completion=true\""),
         DataCopy.exec(workload, on: .eks, "curl -fsS \"localhost:9200/_cat/count?v\"") + "  # compare with the source's count"]
    }
}
